/**
 * Loads and validates data/ask/*.json. Errors name the file, the entry (index and id) and the path inside
 * it, so a broken topic is found at once. Cross references (`related`) and duplicate ids are checked over
 * all files together.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { dataDir } from "../paths.js";
import { askTopicFile, type AskTopic } from "./schema.js";

export const defaultAskDir = join(dataDir, "ask");

export class AskDataError extends Error {
  override readonly name = "AskDataError";
}

/** Reads every .json file in `dir` (sorted by name) and returns the topics in file order. Throws AskDataError. */
export function loadAskTopics(dir: string = defaultAskDir): AskTopic[] {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .sort();
  if (files.length === 0) throw new AskDataError(`${dir}: no .json topic files`);
  const topics: AskTopic[] = [];
  const where = new Map<string, string>();
  const problems: string[] = [];
  for (const file of files) {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(join(dir, file), "utf8"));
    } catch (err) {
      problems.push(`${file}: not valid JSON (${(err as Error).message})`);
      continue;
    }
    const parsed = askTopicFile.safeParse(raw);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const [index, ...rest] = issue.path;
        const entry = Array.isArray(raw) && typeof index === "number" ? (raw[index] as { id?: unknown } | undefined) : undefined;
        const label = typeof index === "number" ? `entry ${index}${typeof entry?.id === "string" ? ` (${entry.id})` : ""}` : "file";
        problems.push(`${file}: ${label}: ${rest.map(String).join(".") || "(root)"}: ${issue.message}`);
      }
      continue;
    }
    for (const topic of parsed.data) {
      const seen = where.get(topic.id);
      if (seen) problems.push(`${file}: entry ${topic.id}: id is already used in ${seen}`);
      where.set(topic.id, file);
      topics.push(topic);
    }
  }
  if (problems.length > 0) throw new AskDataError(`ask topics are invalid:\n- ${problems.join("\n- ")}`);
  for (const topic of topics) {
    for (const [i, rel] of topic.related.entries()) {
      if (!where.has(rel)) problems.push(`${where.get(topic.id) ?? "?"}: entry ${topic.id}: related.${i}: unknown topic "${rel}"`);
      if (rel === topic.id) problems.push(`${where.get(topic.id) ?? "?"}: entry ${topic.id}: related.${i}: a topic cannot relate to itself`);
    }
  }
  if (problems.length > 0) throw new AskDataError(`ask topics are invalid:\n- ${problems.join("\n- ")}`);
  return topics;
}
