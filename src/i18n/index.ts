/**
 * The message catalog: every string a member reads comes from here, in English and Simplified Chinese.
 * Areas live in ./catalog/*.ts (one per feature, so features never edit the same file); this module merges
 * them and gives `t(locale, key, params)` with typed keys.
 */
import type { Locale } from "../knowledge/schema.js";
import { ask } from "./catalog/ask.js";
import { common } from "./catalog/common.js";
import { knowledge } from "./catalog/knowledge.js";
import { settings } from "./catalog/settings.js";
import { trivia } from "./catalog/trivia.js";
import { watchalong } from "./catalog/watchalong.js";

const areas = [ask, common, knowledge, settings, trivia, watchalong] as const;

type Union<T> = T extends readonly (infer A)[] ? A : never;
type AreaKeys<A> = A extends { readonly en: infer M } ? keyof M : never;
export type MessageKey = Extract<AreaKeys<Union<typeof areas>>, string>;
export type MessageParams = Readonly<Record<string, string | number>>;

const tables: Record<Locale, Map<string, string>> = { en: new Map(), "zh-CN": new Map() };
for (const area of areas) {
  for (const locale of Object.keys(tables) as Locale[]) {
    for (const [key, value] of Object.entries(area[locale])) {
      if (tables[locale].has(key)) throw new Error(`i18n: key ${key} is defined twice`);
      tables[locale].set(key, value);
    }
  }
}

const PLACEHOLDER = /\{(\w+)\}/g;

/** Looks a message up and fills its `{placeholders}`; an unknown placeholder stays visible rather than vanishing. */
export function t(locale: Locale, key: MessageKey, params?: MessageParams): string {
  const template = tables[locale].get(key) ?? tables.en.get(key) ?? key;
  if (!params) return template;
  return template.replace(PLACEHOLDER, (whole, name: string) => {
    const value = params[name];
    return value === undefined ? whole : String(value);
  });
}

/** Every key with its text in each locale (for tests and tooling). */
export function catalogEntries(): { key: string; en: string; zh: string }[] {
  return [...tables.en.entries()].map(([key, en]) => ({ key, en, zh: tables["zh-CN"].get(key) ?? "" }));
}

/** A translator bound to one locale, handy for renderers. */
export type Translator = (key: MessageKey, params?: MessageParams) => string;
export function translator(locale: Locale): Translator {
  return (key, params) => t(locale, key, params);
}

export { type Locale } from "../knowledge/schema.js";
