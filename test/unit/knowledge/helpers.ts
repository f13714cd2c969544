import { cpSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { KNOWLEDGE_FILE_NAMES, KnowledgeError, defaultKnowledgeDir } from "../../../src/knowledge/load.js";
import type { KnowledgeFileName } from "../../../src/knowledge/load.js";
import { projectRoot } from "../../../src/paths.js";

export const fixturesDir = join(projectRoot, "test", "fixtures", "knowledge");

/** The real data files as plain JSON values, freshly parsed (safe to break). */
export function rawData(): Record<KnowledgeFileName, unknown> {
  const raw = {} as Record<KnowledgeFileName, unknown>;
  for (const file of KNOWLEDGE_FILE_NAMES) raw[file] = JSON.parse(readFileSync(join(defaultKnowledgeDir, file), "utf8"));
  return raw;
}

/** Runs `fn`, which must throw a KnowledgeError, and returns it. */
export function knowledgeError(fn: () => unknown): KnowledgeError {
  try {
    fn();
  } catch (error) {
    if (error instanceof KnowledgeError) return error;
    throw error;
  }
  throw new Error("expected a KnowledgeError, but nothing was thrown");
}

/** A temporary copy of data/film with a fixture case's files laid over it; call `remove` when done. */
export function dataWithFixture(fixtureCase?: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), "wott-knowledge-"));
  cpSync(defaultKnowledgeDir, dir, { recursive: true });
  if (fixtureCase) cpSync(join(fixturesDir, fixtureCase), dir, { recursive: true });
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
