import type { Locale } from "../knowledge/schema.js";

/**
 * Declares one area's messages. The Chinese table must have exactly the English keys, so a missing
 * translation is a compile error; placeholders (`{name}`) are checked by test/unit/i18n.test.ts.
 */
export function defineMessages<const E extends Record<string, string>>(
  en: E,
  zh: { readonly [K in keyof E]: string },
): { readonly [L in Locale]: { readonly [K in keyof E]: string } } {
  return { en, "zh-CN": zh };
}
