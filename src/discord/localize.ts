/**
 * Command metadata from the catalog: English as the default, with zh-CN and zh-TW localizations. We write
 * Simplified Chinese; the Traditional (zh-TW) form comes from src/i18n/zh-TW.generated.ts, made by
 * `npm run i18n:zh-tw` (a test checks it is current).
 */
import type { LocalizationMap } from "discord-api-types/v10";
import { t, type MessageKey } from "../i18n/index.js";
import { ZH_TW } from "../i18n/zh-TW.generated.js";

function localizations(key: MessageKey): LocalizationMap {
  const zh = t("zh-CN", key);
  return { "zh-CN": zh, "zh-TW": ZH_TW[zh] ?? zh };
}

export function named(key: MessageKey): { name: string; name_localizations: LocalizationMap } {
  return { name: t("en", key), name_localizations: localizations(key) };
}

export function described(key: MessageKey): { description: string; description_localizations: LocalizationMap } {
  return { description: t("en", key), description_localizations: localizations(key) };
}

export function choice<V extends string | number>(key: MessageKey, value: V) {
  return { name: t("en", key), name_localizations: localizations(key), value };
}

interface Localizable {
  name_localizations?: LocalizationMap | null;
  description_localizations?: LocalizationMap | null;
  options?: readonly unknown[];
  choices?: readonly unknown[];
}

/** Every zh-CN text in a set of command definitions (what the zh-TW table must cover). */
export function commandChineseTexts(nodes: readonly unknown[]): Set<string> {
  const out = new Set<string>();
  const visit = (node: Localizable) => {
    for (const map of [node.name_localizations, node.description_localizations]) {
      const zh = map?.["zh-CN"];
      if (zh) out.add(zh);
    }
    for (const child of [...(node.options ?? []), ...(node.choices ?? [])]) visit(child as Localizable);
  };
  for (const node of nodes) visit(node as Localizable);
  return out;
}
