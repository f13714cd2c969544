/**
 * The trivia question bank: data/trivia/*.json, each file an array of questions.
 *
 * Every question is bilingual (`Localized`), has exactly four options and the index of the one correct
 * option, a one-line explanation that states the fact, a difficulty, the part it belongs to (null for
 * general questions) and the FACTS.md ids it rests on. `spoiler` says whether it reveals what happens in
 * its part; when left out, a question about a part counts as a spoiler for that part.
 *
 * `loadTriviaBank` reads and checks every file and throws a `TriviaBankError` listing every problem as
 * `<file>: <entry id or index>.<path>: <problem>`. `validateTriviaBank` does the same checks on data
 * already in memory (tests use it on fixtures).
 */
import { readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { z } from "zod";
import { factId, LOCALES, localized, PART_IDS, partId } from "../knowledge/schema.js";
import type { Localized, PartId } from "../knowledge/schema.js";
import { dataDir } from "../paths.js";

export const DIFFICULTIES = ["easy", "medium", "hard"] as const;
export const difficulty = z.enum(DIFFICULTIES);
export type Difficulty = z.infer<typeof difficulty>;

/** Number of options every question has. */
export const OPTION_COUNT = 4;

const slug = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "must be a lower-case slug (a-z, 0-9, -)");

export const triviaQuestion = z.strictObject({
  id: slug,
  question: localized,
  options: z.array(localized).length(OPTION_COUNT, `must have exactly ${OPTION_COUNT} options`),
  answer: z
    .number()
    .int("must be a whole number")
    .min(0, `out of range (0–${OPTION_COUNT - 1})`)
    .max(OPTION_COUNT - 1, `out of range (0–${OPTION_COUNT - 1})`),
  explanation: localized,
  difficulty,
  part: partId.nullable(),
  facts: z.array(factId).min(1, "name at least one FACTS.md id"),
  spoiler: z.boolean().optional(),
});

export interface TriviaQuestion {
  id: string;
  question: Localized;
  options: Localized[];
  /** Index into `options` of the correct one. */
  answer: number;
  explanation: Localized;
  difficulty: Difficulty;
  /** The part the question belongs to; null for general questions (film, makers, history, reception). */
  part: PartId | null;
  facts: string[];
  /** Whether the question reveals what happens; defaults to `part !== null` (see `isSpoiler`). */
  spoiler?: boolean;
}

/** Whether a question gives away something that happens on screen. */
export function isSpoiler(question: Pick<TriviaQuestion, "part" | "spoiler">): boolean {
  return question.spoiler ?? question.part !== null;
}

export class TriviaBankError extends Error {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(`trivia bank is invalid (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n${problems.join("\n")}`);
    this.name = "TriviaBankError";
    this.problems = problems;
  }
}

/** A file's parsed JSON, as read from disk or given by a test. */
export interface TriviaBankFile {
  file: string;
  data: unknown;
}

/**
 * Case, width, spacing and punctuation folded, so near-identical texts compare equal.
 * A decimal point between digits is kept (7.6 and 76 differ).
 */
export function normaliseText(text: string): string {
  return text
    .normalize("NFKC")
    .toLowerCase()
    .replace(/(\d)\.(?=\d)/g, "$1\u0000")
    .replace(/[\p{P}\p{S}\s]+/gu, "");
}

const BANNED_OPTIONS = [/\ball of the above\b/i, /\bnone of the above\b/i, /以上(都|皆|全)/];

function entryLabel(entry: unknown, index: number): string {
  if (typeof entry === "object" && entry !== null && "id" in entry) {
    const id = entry.id;
    if (typeof id === "string" && id.trim() !== "") return id;
  }
  return String(index);
}

function describeIssue(issue: z.core.$ZodIssue, entry: unknown): string {
  const last = issue.path[issue.path.length - 1];
  const value = issue.path.reduce<unknown>(
    (node, key) => (typeof node === "object" && node !== null ? (node as Record<PropertyKey, unknown>)[key] : undefined),
    entry,
  );
  if (issue.code === "invalid_type" && value === undefined) {
    if (typeof last === "string" && (LOCALES as readonly string[]).includes(last)) return `missing translation (${last})`;
    return "missing";
  }
  if (issue.code === "invalid_value" && last === "part") {
    return `unknown part ${JSON.stringify(value)} (expected ${PART_IDS.join(", ")} or null)`;
  }
  if (issue.code === "too_big" && last === "answer") return `answer ${JSON.stringify(value)} is ${issue.message}`;
  if (issue.code === "too_small" && last === "answer") return `answer ${JSON.stringify(value)} is ${issue.message}`;
  if (issue.code === "unrecognized_keys") return `unknown field${issue.keys.length === 1 ? "" : "s"} ${issue.keys.join(", ")}`;
  return issue.message;
}

function joinPath(label: string, path: readonly PropertyKey[]): string {
  return [label, ...path.map(String)].join(".");
}

/**
 * Checks the bank's files (already parsed) and returns the questions in file order.
 * Throws a TriviaBankError naming every problem found.
 */
export function validateTriviaBank(files: readonly TriviaBankFile[]): TriviaQuestion[] {
  const problems: string[] = [];
  const questions: TriviaQuestion[] = [];
  const ids = new Map<string, string>();
  const texts = { en: new Map<string, string>(), "zh-CN": new Map<string, string>() };

  for (const { file, data } of files) {
    if (!Array.isArray(data)) {
      problems.push(`${file}: must be an array of questions`);
      continue;
    }
    data.forEach((entry: unknown, index) => {
      const label = entryLabel(entry, index);
      const parsed = triviaQuestion.safeParse(entry);
      if (!parsed.success) {
        for (const issue of parsed.error.issues) problems.push(`${file}: ${joinPath(label, issue.path)}: ${describeIssue(issue, entry)}`);
        return;
      }
      const q = parsed.data;
      const where = `${file}: ${q.id}`;

      const seen = ids.get(q.id);
      if (seen !== undefined) problems.push(`${where}.id: duplicate id (also in ${seen})`);
      else ids.set(q.id, file);

      for (const locale of LOCALES) {
        const key = normaliseText(q.question[locale]);
        const other = texts[locale].get(key);
        if (other !== undefined) problems.push(`${where}.question.${locale}: duplicate question (same text as ${other})`);
        else texts[locale].set(key, q.id);
      }

      q.options.forEach((option, i) => {
        for (const locale of LOCALES) {
          const key = normaliseText(option[locale]);
          const first = q.options.findIndex((o) => normaliseText(o[locale]) === key);
          if (first !== i) problems.push(`${where}.options.${i}.${locale}: duplicate option (same as option ${first})`);
          if (BANNED_OPTIONS.some((re) => re.test(option[locale]))) {
            problems.push(`${where}.options.${i}.${locale}: "all/none of the above" is not allowed`);
          }
        }
      });

      questions.push(q);
    });
  }

  if (problems.length > 0) throw new TriviaBankError(problems);
  return questions;
}

/** Reads every *.json file in `dir` (sorted by name) and validates the bank. */
export function loadTriviaBank(dir: string = join(dataDir, "trivia")): TriviaQuestion[] {
  let names: string[];
  try {
    names = readdirSync(dir)
      .filter((name) => name.endsWith(".json"))
      .sort();
  } catch (error) {
    throw new TriviaBankError([`${dir}: cannot read folder (${error instanceof Error ? error.message : String(error)})`]);
  }
  if (names.length === 0) throw new TriviaBankError([`${dir}: no .json files`]);

  const files: TriviaBankFile[] = [];
  const problems: string[] = [];
  for (const name of names) {
    const path = join(dir, name);
    try {
      files.push({ file: basename(path), data: JSON.parse(readFileSync(path, "utf8")) as unknown });
    } catch (error) {
      problems.push(`${name}: cannot parse (${error instanceof Error ? error.message : String(error)})`);
    }
  }
  if (problems.length > 0) throw new TriviaBankError(problems);
  return validateTriviaBank(files);
}
