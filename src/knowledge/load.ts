/**
 * Loads data/film/*.json, checks each file against its schema (schema.ts), then checks the files
 * against each other (`validateKnowledge`). Any problem throws a `KnowledgeError` listing every problem
 * found, one per line, as `<file>: <path.inside.file>: <what is wrong>`.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { z } from "zod";
import { dataDir } from "../paths.js";
import { normaliseKey } from "./normalise.js";
import { PART_IDS, knowledgeFiles } from "./schema.js";
import type { Knowledge, Runtime } from "./schema.js";

export type KnowledgeFileName = keyof typeof knowledgeFiles;

export const KNOWLEDGE_FILE_NAMES = Object.keys(knowledgeFiles) as KnowledgeFileName[];

export interface KnowledgeIssue {
  /** The file, e.g. "parts.json". */
  file: string;
  /** Dotted path inside the file, e.g. "1.synopsis.zh-CN"; "(root)" for the whole file. */
  path: string;
  message: string;
}

export function formatIssue(issue: KnowledgeIssue): string {
  return `${issue.file}: ${issue.path}: ${issue.message}`;
}

export class KnowledgeError extends Error {
  readonly issues: readonly KnowledgeIssue[];

  constructor(issues: readonly KnowledgeIssue[], where = "film knowledge") {
    const count = issues.length === 1 ? "1 problem" : `${issues.length} problems`;
    super(`${where}: ${count}\n${issues.map(formatIssue).join("\n")}`);
    this.name = "KnowledgeError";
    this.issues = issues;
  }
}

/** The folder loaded by default: data/film. */
export const defaultKnowledgeDir = join(dataDir, "film");

/** Reads and checks data/film (or `dir`). Synchronous: it runs once at start. */
export function loadKnowledge(dir: string = defaultKnowledgeDir): Knowledge {
  const raw: Partial<Record<KnowledgeFileName, unknown>> = {};
  const issues: KnowledgeIssue[] = [];
  for (const file of KNOWLEDGE_FILE_NAMES) {
    let text: string;
    try {
      text = readFileSync(join(dir, file), "utf8");
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      issues.push({ file, path: "(file)", message: code === "ENOENT" ? "file not found" : `cannot read: ${String(error)}` });
      continue;
    }
    try {
      raw[file] = JSON.parse(text) as unknown;
    } catch (error) {
      issues.push(jsonSyntaxIssue(file, text, error));
    }
  }
  if (issues.length > 0) throw new KnowledgeError(issues, dir);
  return parseKnowledge(raw, dir);
}

/**
 * Checks already-parsed JSON values (one per file name) against the schemas and each other.
 * Missing files count as problems. Throws `KnowledgeError`.
 */
export function parseKnowledge(raw: Partial<Record<KnowledgeFileName, unknown>>, where?: string): Knowledge {
  const issues: KnowledgeIssue[] = [];
  const parsed: Partial<Record<KnowledgeFileName, unknown>> = {};
  for (const file of KNOWLEDGE_FILE_NAMES) {
    if (!(file in raw)) {
      issues.push({ file, path: "(file)", message: "file not found" });
      continue;
    }
    const schema: z.ZodType = knowledgeFiles[file];
    const result = schema.safeParse(raw[file]);
    if (result.success) parsed[file] = result.data;
    else for (const issue of result.error.issues) issues.push({ file, path: formatPath(issue.path), message: issue.message });
  }
  if (issues.length > 0) throw new KnowledgeError(issues, where);
  const knowledge = {
    film: parsed["film.json"],
    parts: parsed["parts.json"],
    people: parsed["people.json"],
    places: parsed["places.json"],
    glossary: parsed["glossary.json"],
    credits: parsed["credits.json"],
    reception: parsed["reception.json"],
  } as Knowledge;
  const crossIssues = validateKnowledge(knowledge);
  if (crossIssues.length > 0) throw new KnowledgeError(crossIssues, where);
  return knowledge;
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.length === 0 ? "(root)" : path.map(String).join(".");
}

function jsonSyntaxIssue(file: string, text: string, error: unknown): KnowledgeIssue {
  const message = error instanceof Error ? error.message : String(error);
  const lineColumn = /line (\d+) column (\d+)/.exec(message);
  if (lineColumn) return { file, path: `line ${lineColumn[1]} column ${lineColumn[2]}`, message: `invalid JSON: ${message}` };
  const position = /at position (\d+)/.exec(message)?.[1];
  if (position === undefined) return { file, path: "(root)", message: `invalid JSON: ${message}` };
  const before = text.slice(0, Number(position));
  const line = before.split("\n").length;
  const column = Number(position) - before.lastIndexOf("\n");
  return { file, path: `line ${line} column ${column}`, message: `invalid JSON: ${message}` };
}

/** How far (in minutes) an edition's blocks for a part may stray from the part's runtime spread. */
export const EDITION_TOLERANCE_MINUTES = 10;

/**
 * Cross-file checks on schema-valid knowledge. Pure; returns every problem found (empty when all is well).
 */
export function validateKnowledge(k: Knowledge): KnowledgeIssue[] {
  const issues: KnowledgeIssue[] = [];
  const add = (file: KnowledgeFileName, path: string, message: string): void => {
    issues.push({ file, path, message });
  };

  const uniqueIds = (file: KnowledgeFileName, entries: readonly { id: string }[], prefix = ""): Set<string> => {
    const seen = new Map<string, number>();
    entries.forEach((entry, index) => {
      const first = seen.get(entry.id);
      if (first === undefined) seen.set(entry.id, index);
      else add(file, `${prefix}${index}.id`, `duplicate id "${entry.id}" (first used at ${prefix}${first})`);
    });
    return new Set(seen.keys());
  };

  const partIds = uniqueIds("parts.json", k.parts);
  const personIds = uniqueIds("people.json", k.people);
  const placeIds = uniqueIds("places.json", k.places);
  const glossaryIds = uniqueIds("glossary.json", k.glossary);
  const editionIds = uniqueIds("film.json", k.film.editions, "editions.");

  // Parts: exactly rust, remnants, rails, numbered 1, 2, 3, each with its own colour.
  for (const id of PART_IDS) if (!partIds.has(id)) add("parts.json", "(root)", `part "${id}" is missing`);
  const colours = new Map<number, string>();
  k.parts.forEach((part, index) => {
    const expected = PART_IDS.indexOf(part.id) + 1;
    if (part.number !== expected) add("parts.json", `${index}.number`, `part "${part.id}" must be number ${expected}, not ${part.number}`);
    const other = colours.get(part.colour);
    if (other !== undefined && other !== part.id) add("parts.json", `${index}.colour`, `colour is the same as part "${other}"`);
    else colours.set(part.colour, part.id);
    checkRuntime("parts.json", `${index}.runtime`, part.runtime);
  });
  checkRuntime("film.json", "runtime", k.film.runtime);

  const knownPart = (file: KnowledgeFileName, path: string, id: string): void => {
    if (!partIds.has(id)) add(file, path, `unknown part "${id}"`);
  };
  const known = (file: KnowledgeFileName, path: string, set: Set<string>, kind: string, id: string): void => {
    if (!set.has(id)) add(file, path, `unknown ${kind} "${id}"`);
  };

  // Film: director, default edition, editions' blocks.
  known("film.json", "director", personIds, "person", k.film.director);
  if (!editionIds.has(k.film.defaultEdition)) add("film.json", "defaultEdition", `unknown edition "${k.film.defaultEdition}"`);
  k.film.editions.forEach((edition, e) => {
    const minutes = new Map<string, number>();
    let lastNumber = 0;
    edition.blocks.forEach((block, b) => {
      const path = `editions.${e}.blocks.${b}.part`;
      knownPart("film.json", path, block.part);
      minutes.set(block.part, (minutes.get(block.part) ?? 0) + block.minutes);
      const number = PART_IDS.indexOf(block.part) + 1;
      if (number < lastNumber) add("film.json", path, `part "${block.part}" comes after a later part`);
      lastNumber = Math.max(lastNumber, number);
    });
    for (const part of k.parts) {
      const total = minutes.get(part.id);
      if (total === undefined) {
        add("film.json", `editions.${e}.blocks`, `edition "${edition.id}" does not cover part "${part.id}"`);
        continue;
      }
      const low = part.runtime.min - EDITION_TOLERANCE_MINUTES;
      const high = part.runtime.max + EDITION_TOLERANCE_MINUTES;
      if (total < low || total > high) {
        add("film.json", `editions.${e}.blocks`, `blocks of part "${part.id}" add up to ${total} minutes, outside ${low}–${high}`);
      }
    }
  });

  // Parts' people and places.
  k.parts.forEach((part, index) => {
    part.people.forEach((id, i) => known("parts.json", `${index}.people.${i}`, personIds, "person", id));
    part.places.forEach((id, i) => known("parts.json", `${index}.places.${i}`, placeIds, "place", id));
  });
  k.people.forEach((person, index) => person.parts.forEach((id, i) => knownPart("people.json", `${index}.parts.${i}`, id)));
  k.places.forEach((place, index) => place.parts.forEach((id, i) => knownPart("places.json", `${index}.parts.${i}`, id)));
  k.credits.forEach((credit, index) =>
    credit.people.forEach((id, i) => known("credits.json", `${index}.people.${i}`, personIds, "person", id)),
  );

  // Glossary: related entries resolve, and no two entries answer to the same key.
  const owners = new Map<string, { index: number; id: string }>();
  k.glossary.forEach((entry, index) => {
    entry.parts.forEach((id, i) => knownPart("glossary.json", `${index}.parts.${i}`, id));
    entry.related.forEach((id, i) => {
      if (id === entry.id) add("glossary.json", `${index}.related.${i}`, "an entry cannot be related to itself");
      else known("glossary.json", `${index}.related.${i}`, glossaryIds, "glossary entry", id);
    });
    for (const [path, value] of glossaryKeys(entry)) {
      const key = normaliseKey(value);
      if (key === "") {
        add("glossary.json", `${index}.${path}`, `"${value}" has no letters or digits`);
        continue;
      }
      const owner = owners.get(key);
      if (owner === undefined) owners.set(key, { index, id: entry.id });
      else if (owner.id !== entry.id) {
        add("glossary.json", `${index}.${path}`, `"${value}" is already used by glossary entry "${owner.id}" (${owner.index})`);
      }
    }
  });

  return issues;

  function checkRuntime(file: KnowledgeFileName, path: string, runtime: Runtime): void {
    if (!(runtime.min <= runtime.minutes && runtime.minutes <= runtime.max)) {
      add(file, path, `minutes (${runtime.minutes}) must lie between min (${runtime.min}) and max (${runtime.max})`);
    }
  }
}

/** Every string a glossary entry answers to, with its path inside the entry. */
export function glossaryKeys(entry: Knowledge["glossary"][number]): [string, string][] {
  const keys: [string, string][] = [
    ["id", entry.id],
    ["term.en", entry.term.en],
    ["term.zh-CN", entry.term["zh-CN"]],
  ];
  if (entry.chinese !== undefined) keys.push(["chinese", entry.chinese]);
  if (entry.pinyin !== undefined) keys.push(["pinyin", entry.pinyin]);
  entry.aliases.forEach((alias, i) => keys.push([`aliases.${i}`, alias]));
  return keys;
}

/** Counts for a one-line summary (used by the validate CLI and the start log). */
export function describeKnowledge(k: Knowledge): string {
  return [
    `${k.parts.length} parts`,
    `${k.people.length} people`,
    `${k.places.length} places`,
    `${k.glossary.length} glossary entries`,
    `${k.credits.length} credits`,
    `${k.film.editions.length} editions`,
    `${k.reception.festivals.length} festival entries`,
  ].join(", ");
}
