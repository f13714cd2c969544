/**
 * `npm run validate-data`: checks everything under data/ (the film, the trivia bank, the ask topics) and
 * prints a summary, or every problem found with its file and path. Exit code 0 when valid, 1 otherwise.
 * With a folder as the first argument, checks only that film-data folder.
 */
import { relative, resolve } from "node:path";
import { loadAskTopics } from "../ask/load.js";
import { projectRoot } from "../paths.js";
import { loadTriviaBank } from "../trivia/bank.js";
import { KnowledgeError, defaultKnowledgeDir, describeKnowledge, formatIssue, loadKnowledge } from "./load.js";

const dir = process.argv[2] ? resolve(process.argv[2]) : defaultKnowledgeDir;
const shown = relative(projectRoot, dir) || ".";
let failed = false;

function check(name: string, run: () => string): void {
  try {
    console.log(`${name} OK: ${run()}`);
  } catch (error) {
    failed = true;
    if (error instanceof KnowledgeError) {
      console.error(`${name}: ${error.issues.length} problem${error.issues.length === 1 ? "" : "s"}`);
      for (const issue of error.issues) console.error(formatIssue(issue));
    } else {
      console.error(`${name}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}

check(shown, () => describeKnowledge(loadKnowledge(dir)));
if (!process.argv[2]) {
  check("data/trivia", () => `${loadTriviaBank().length} questions`);
  check("data/ask", () => `${loadAskTopics().length} topics`);
}
process.exitCode = failed ? 1 : 0;
