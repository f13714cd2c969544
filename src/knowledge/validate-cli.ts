/**
 * `npm run validate-data`: checks data/film (or the folder given as the first argument) and prints a
 * summary, or every problem found. Exit code 0 when valid, 1 otherwise.
 */
import { relative, resolve } from "node:path";
import { projectRoot } from "../paths.js";
import { KnowledgeError, defaultKnowledgeDir, describeKnowledge, formatIssue, loadKnowledge } from "./load.js";

const dir = process.argv[2] ? resolve(process.argv[2]) : defaultKnowledgeDir;
const shown = relative(projectRoot, dir) || ".";

try {
  const knowledge = loadKnowledge(dir);
  console.log(`${shown} OK: ${describeKnowledge(knowledge)}`);
  process.exitCode = 0;
} catch (error) {
  if (error instanceof KnowledgeError) {
    console.error(`${shown}: ${error.issues.length} problem${error.issues.length === 1 ? "" : "s"}`);
    for (const issue of error.issues) console.error(formatIssue(issue));
  } else {
    console.error(`${shown}: ${error instanceof Error ? error.message : String(error)}`);
  }
  process.exitCode = 1;
}
