/**
 * The shape of the curated question-answering topics in data/ask/*.json.
 *
 * One entry per answerable topic: a one-sentence direct answer and a one-line context in both languages,
 * the phrasings members type (used to build the search index), the FACTS.md ids the answer rests on, and
 * the part it concerns (for the spoiler policy). Pure: no I/O.
 */
import { z } from "zod";
import { PART_IDS } from "../knowledge/schema.js";
import { INTENTS } from "./intent.js";

const text = z.string().trim().min(1, "must not be empty");
const localized = z.strictObject({ en: text, "zh-CN": text });

/** Question phrasings as members type them: short, lower case, no punctuation. */
const phrasing = z
  .string()
  .min(2)
  .max(100)
  .refine((s) => s === s.toLowerCase() && !/[?!.,;:?!。,;:]/.test(s), "must be lower case without punctuation");
const phrasings = z.array(phrasing).min(3, "give at least 3 phrasings").max(20, "give at most 20 phrasings");

export const TOPIC_ID = /^[a-z0-9][a-z0-9-]{1,48}$/;
/** The /westofthetracks subcommands an answer can point to for more. */
export const READ_MORE = ["about", "part", "credits", "reception", "glossary"] as const;
export type ReadMore = (typeof READ_MORE)[number];

export const askTopic = z.strictObject({
  id: z.string().regex(TOPIC_ID, "must be a lower-case slug"),
  facts: z.array(z.string().regex(/^[A-Z]\d{2}[a-z]?$/, "must be a FACTS.md id such as T01 or W02a")).min(1),
  part: z.enum(PART_IDS).nullable(),
  answer: localized,
  context: localized,
  questions: z.strictObject({ en: phrasings, "zh-CN": phrasings }),
  keywords: z.array(text).optional(),
  /** The kinds of question the topic answers (duration, person, place…); see ./intent.ts. */
  intent: z.array(z.enum(INTENTS)).min(1).optional(),
  related: z.array(z.string().regex(TOPIC_ID)).max(5),
  readMore: z.enum(READ_MORE).optional(),
});
export type AskTopic = z.infer<typeof askTopic>;

export const askTopicFile = z.array(askTopic).min(1);
