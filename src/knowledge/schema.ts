/**
 * The shape of the film's knowledge base in data/film/*.json.
 *
 * Every text a member can read is a `Localized` pair (English and Simplified Chinese), so a missing
 * translation is a validation error, not a blank reply. Every entry names the FACTS.md ids it rests on
 * (`facts`), so each sentence is traceable to a sourced fact. Cross references (part ids, people, places,
 * glossary terms) are checked by `validateKnowledge` after the per-file schemas pass.
 *
 * This module is pure: no discord.js, no I/O.
 */
import { z } from "zod";

export const LOCALES = ["en", "zh-CN"] as const;
export type Locale = (typeof LOCALES)[number];

const text = z.string().trim().min(1, "must not be empty");

export const localized = z.strictObject({ en: text, "zh-CN": text });
export type Localized = z.infer<typeof localized>;

export const PART_IDS = ["rust", "remnants", "rails"] as const;
export const partId = z.enum(PART_IDS, {
  error: (issue) => `unknown part id ${JSON.stringify(issue.input)} (expected ${PART_IDS.join(", ")})`,
});
export type PartId = z.infer<typeof partId>;

/** A FACTS.md id such as T01, R11, W02a. */
export const factId = z.string().regex(/^[A-Z]\d{2}[a-z]?$/, "must be a FACTS.md id such as T01 or W02a");
const facts = z.array(factId).min(1, "name at least one FACTS.md id");

const slug = z.string().regex(/^[a-z0-9][a-z0-9-]{0,48}$/, "must be a lower-case slug (a-z, 0-9, -)");
/** Discord colours are 24-bit integers. */
const colour = z.number().int().min(0).max(0xffffff);

export const runtime = z.strictObject({
  /** The figure the bot quotes ("about N minutes"). */
  minutes: z.number().int().positive(),
  /** The spread of figures found in listings, shown when sources differ. */
  min: z.number().int().positive(),
  max: z.number().int().positive(),
  /** Where the spread comes from, in a sentence. */
  note: localized,
  facts,
});
export type Runtime = z.infer<typeof runtime>;

/** A known edition of the film (used for watch-along planning): how each part is split into screenings. */
export const edition = z.strictObject({
  id: slug,
  name: localized,
  description: localized,
  /** Screening blocks in order; a part may be split in several blocks (e.g. Rust in two halves). */
  blocks: z
    .array(z.strictObject({ part: partId, label: localized, minutes: z.number().int().positive() }))
    .min(1),
  facts,
});
export type Edition = z.infer<typeof edition>;

export const film = z.strictObject({
  titles: z.strictObject({
    english: text,
    alternates: z.array(text),
    chinese: text,
    traditional: text,
    pinyin: text,
    french: text,
    meaning: localized,
    facts,
  }),
  /** Person id of the director. */
  director: slug,
  year: z.strictObject({ firstShown: z.number().int(), completed: z.number().int(), note: localized, facts }),
  country: localized,
  language: localized,
  runtime,
  /** One or two paragraphs: what the film is. */
  summary: localized,
  /** How and when it was made. */
  making: localized,
  /** Facts quoted in `summary`, `making`, `country`, `language`. */
  facts,
  editions: z.array(edition).min(1),
  /** The edition watch-alongs use unless the host picks another. */
  defaultEdition: slug,
});
export type Film = z.infer<typeof film>;

export const part = z.strictObject({
  id: partId,
  number: z.number().int().min(1).max(3),
  colour,
  /** English title, e.g. "Rust". */
  title: localized,
  chineseTitle: text,
  pinyin: text,
  /** What the Chinese title means and how it differs from the English one. */
  titleMeaning: localized,
  runtime,
  synopsis: localized,
  setting: localized,
  /** People followed in this part (person ids). May be empty when nobody is named in reliable sources. */
  people: z.array(slug),
  /** Places (place ids). */
  places: z.array(slug),
  /** Groups followed, in a sentence each (e.g. "workers at the smelting plant"). */
  follows: z.array(localized).min(1),
  /** A few things to watch for, spoiler-light. */
  watchFor: z.array(localized).min(1).max(6),
  /** A few discussion prompts for after the part. */
  discussion: z.array(localized).min(1).max(6),
  facts,
});
export type Part = z.infer<typeof part>;

export const person = z.strictObject({
  id: slug,
  name: localized,
  /** Name in Chinese characters, when sources give it. */
  chinese: text.optional(),
  pinyin: text.optional(),
  /** Roles on this film, e.g. director, cinematographer. */
  roles: z.array(localized).min(1),
  bio: localized.optional(),
  /** Parts the person appears in on screen (for people filmed, not crew). */
  parts: z.array(partId),
  facts,
});
export type Person = z.infer<typeof person>;

export const place = z.strictObject({
  id: slug,
  name: localized,
  chinese: text.optional(),
  pinyin: text.optional(),
  description: localized,
  parts: z.array(partId),
  facts,
});
export type Place = z.infer<typeof place>;

export const glossaryEntry = z.strictObject({
  id: slug,
  term: localized,
  chinese: text.optional(),
  pinyin: text.optional(),
  /** Other spellings members may type (pinyin without tones, English variants). */
  aliases: z.array(text),
  definition: localized,
  /** Ids of related glossary entries. */
  related: z.array(slug),
  parts: z.array(partId),
  facts,
});
export type GlossaryEntry = z.infer<typeof glossaryEntry>;

export const credit = z.strictObject({
  role: localized,
  people: z.array(slug).min(1),
  note: localized.optional(),
  facts,
});
export type Credit = z.infer<typeof credit>;

export const festivalEntry = z.strictObject({
  year: z.number().int().min(2000).max(2100),
  /** Month (1–12) when known, for ordering. */
  month: z.number().int().min(1).max(12).optional(),
  event: localized,
  /** Award won, if any. */
  award: localized.optional(),
  /** Which cut or what happened (e.g. "the five-hour cut"). */
  detail: localized.optional(),
  facts,
});
export type FestivalEntry = z.infer<typeof festivalEntry>;

export const pollEntry = z.strictObject({
  year: z.number().int().min(2000).max(2100),
  poll: localized,
  result: localized,
  facts,
});
export type PollEntry = z.infer<typeof pollEntry>;

export const reception = z.strictObject({
  summary: localized,
  festivals: z.array(festivalEntry).min(1),
  polls: z.array(pollEntry).min(1),
  critics: z.array(z.strictObject({ text: localized, facts })).min(1),
  release: z.array(z.strictObject({ text: localized, facts })).min(1),
});
export type Reception = z.infer<typeof reception>;

/** The files under data/film/ and the schema each must satisfy. */
export const knowledgeFiles = {
  "film.json": film,
  "parts.json": z.array(part).length(3),
  "people.json": z.array(person).min(1),
  "places.json": z.array(place).min(1),
  "glossary.json": z.array(glossaryEntry).min(1),
  "credits.json": z.array(credit).min(1),
  "reception.json": reception,
} as const;

export interface Knowledge {
  film: Film;
  parts: Part[];
  people: Person[];
  places: Place[];
  glossary: GlossaryEntry[];
  credits: Credit[];
  reception: Reception;
}
