/**
 * Renders the film's knowledge as Discord embeds and buttons. Pure: plain data in, plain API JSON out.
 */
import { ButtonStyle, ComponentType, type APIActionRowComponent, type APIButtonComponent, type APIEmbed } from "discord-api-types/v10";
import type { KnowledgeBase } from "../../knowledge/base.js";
import type { GlossaryEntry, Locale, Part, PartId, Runtime } from "../../knowledge/schema.js";
import type { Translator } from "../../i18n/index.js";
import { encodeCustomId } from "../customId.js";
import { FILM_COLOUR, bullets, footer, l, listFields } from "./common.js";

export interface ViewContext {
  kb: KnowledgeBase;
  locale: Locale;
  t: Translator;
}

export function runtimeText({ t }: ViewContext, runtime: Runtime): string {
  const hours = Math.floor(runtime.minutes / 60);
  const rest = runtime.minutes % 60;
  return rest === 0 ? t("runtime.valueHours", { minutes: runtime.minutes, hours }) : t("runtime.value", { minutes: runtime.minutes, hours, rest });
}

function runtimeWithSpread(view: ViewContext, runtime: Runtime): string {
  if (runtime.min === runtime.max) return runtimeText(view, runtime);
  const spread = view.t("runtime.spread", { min: runtime.min, max: runtime.max });
  return view.t("runtime.withSpread", { runtime: runtimeText(view, runtime), spread });
}

/** Joins names the way each language lists them (", " or "、"). */
function list(view: ViewContext, items: readonly string[]): string {
  return items.join(view.t("list.separator"));
}

/** "Rust · 工厂", but just "艳粉街" where the localized title is already the Chinese one. */
function partTitle(view: ViewContext, part: Part): string {
  const title = l(part.title, view.locale);
  return title === part.chineseTitle ? title : `${title} · ${part.chineseTitle}`;
}

function personName(view: ViewContext, id: string): string {
  const person = view.kb.person(id);
  if (!person) return id;
  const name = l(person.name, view.locale);
  return person.chinese && !name.includes(person.chinese) ? `${name} (${person.chinese})` : name;
}

/**
 * Views that depend only on the language are built once per knowledge base and language: replies are
 * rebuilt on every interaction otherwise, and these are the largest the bot sends.
 */
const memo = new WeakMap<KnowledgeBase, Map<string, { embeds: APIEmbed[] }>>();
function memoised(view: ViewContext, name: string, build: () => { embeds: APIEmbed[] }): { embeds: APIEmbed[] } {
  let byKey = memo.get(view.kb);
  if (!byKey) memo.set(view.kb, (byKey = new Map<string, { embeds: APIEmbed[] }>()));
  const key = `${name}:${view.locale}`;
  let built = byKey.get(key);
  if (!built) byKey.set(key, (built = build()));
  return built;
}

export function aboutView(view: ViewContext): { embeds: APIEmbed[] } {
  return memoised(view, "about", () => buildAboutView(view));
}

function buildAboutView(view: ViewContext): { embeds: APIEmbed[] } {
  const { kb, locale, t } = view;
  const film = kb.film;
  const titles = [
    `**${film.titles.english}**`,
    `${film.titles.chinese} (${film.titles.traditional}) · ${film.titles.pinyin}`,
    film.titles.french,
    l(film.titles.meaning, locale),
  ].join("\n");
  const partLines = kb.parts().map((p) =>
    t("about.partLine", {
      number: p.number,
      title: l(p.title, locale),
      chinese: p.chineseTitle,
      minutes: p.runtime.minutes,
      line: l(p.setting, locale),
    }),
  );
  const embed: APIEmbed = {
    title: `${film.titles.english} · ${film.titles.chinese}`,
    description: l(film.summary, locale),
    color: FILM_COLOUR,
    fields: [
      { name: t("about.titles"), value: titles },
      { name: t("about.director"), value: personName(view, film.director), inline: true },
      {
        name: t("about.year"),
        value: t("about.yearValue", { firstShown: film.year.firstShown, completed: film.year.completed }),
        inline: true,
      },
      { name: t("about.country"), value: l(film.country, locale), inline: true },
      { name: t("about.language"), value: l(film.language, locale), inline: true },
      { name: t("about.runtime"), value: runtimeWithSpread(view, film.runtime) },
      ...listFields(t("about.parts"), t("about.parts"), partLines),
      { name: t("about.making"), value: l(film.making, locale) },
    ],
    footer: footer(t, t("cmd.about.name")),
  };
  return { embeds: [embed] };
}

export function partButtonId(partId: PartId, ownerId: string): string {
  return encodeCustomId("part", partId, ownerId);
}

function partButton(view: ViewContext, part: Part | undefined, ownerId: string, fallbackId: string): APIButtonComponent {
  if (!part) {
    return {
      type: ComponentType.Button,
      style: ButtonStyle.Secondary,
      custom_id: encodeCustomId("noop", fallbackId),
      label: "—",
      disabled: true,
    };
  }
  return {
    type: ComponentType.Button,
    style: ButtonStyle.Secondary,
    custom_id: partButtonId(part.id, ownerId),
    label: view.t("part.button", { number: part.number, title: l(part.title, view.locale) }),
  };
}

export function partView(
  view: ViewContext,
  partId: PartId,
  ownerId: string,
): { embeds: APIEmbed[]; components: APIActionRowComponent<APIButtonComponent>[] } {
  const { kb } = view;
  const part = kb.part(partId);
  if (!part) throw new Error(`unknown part ${partId}`);
  const { previous, next } = kb.neighbours(partId);
  return {
    embeds: memoised(view, `part:${partId}`, () => ({ embeds: [partEmbed(view, part)] })).embeds,
    components: [
      {
        type: ComponentType.ActionRow,
        components: [partButton(view, previous, ownerId, "prev"), partButton(view, next, ownerId, "next")],
      },
    ],
  };
}

function partEmbed(view: ViewContext, part: Part): APIEmbed {
  const { kb, locale, t } = view;
  const people = part.people.map((id) => personName(view, id));
  const places = part.places.map((id) => {
    const place = kb.place(id);
    if (!place) return id;
    const name = l(place.name, locale);
    return place.chinese && !name.includes(place.chinese) ? `${name} (${place.chinese})` : name;
  });
  const fields = [
    { name: t("part.chineseTitle"), value: `${part.chineseTitle} · ${part.pinyin}\n${l(part.titleMeaning, locale)}` },
    { name: t("part.runtime"), value: runtimeWithSpread(view, part.runtime), inline: true },
    { name: t("part.setting"), value: l(part.setting, locale), inline: true },
    ...listFields(t("part.follows"), t("part.follows"), bullets(part.follows.map((f) => l(f, locale)))),
    ...(people.length > 0 ? [{ name: t("part.people"), value: list(view, people), inline: true }] : []),
    ...(places.length > 0 ? [{ name: t("part.places"), value: list(view, places), inline: true }] : []),
    ...listFields(t("part.watchFor"), t("part.watchFor"), bullets(part.watchFor.map((w) => l(w, locale)))),
  ];
  return {
    title: t("part.heading", { number: part.number, title: partTitle(view, part) }),
    description: l(part.synopsis, locale),
    color: part.colour,
    fields,
    footer: footer(t, locale === "zh-CN" ? kb.film.titles.chinese : kb.film.titles.english),
  };
}

export function creditsView(view: ViewContext): { embeds: APIEmbed[] } {
  return memoised(view, "credits", () => buildCreditsView(view));
}

function buildCreditsView(view: ViewContext): { embeds: APIEmbed[] } {
  const { kb, locale, t } = view;
  const fields = kb.credits.map((credit) => {
    const names = list(view, credit.people.map((id) => personName(view, id)));
    const note = credit.note ? `\n${l(credit.note, locale)}` : "";
    return { name: l(credit.role, locale), value: `${names}${note}` };
  });
  return {
    embeds: [
      {
        title: `${t("credits.title")} · ${kb.film.titles.english}`,
        color: FILM_COLOUR,
        fields,
        footer: footer(t, t("credits.title")),
      },
    ],
  };
}

export function receptionView(view: ViewContext): { embeds: APIEmbed[] } {
  return memoised(view, "reception", () => buildReceptionView(view));
}

function buildReceptionView(view: ViewContext): { embeds: APIEmbed[] } {
  const { kb, locale, t } = view;
  const r = kb.reception;
  const festivals = [...r.festivals]
    .sort((a, b) => a.year - b.year || (a.month ?? 0) - (b.month ?? 0))
    .map((f) => {
      const award = f.award ? ` — **${l(f.award, locale)}**` : "";
      const detail = f.detail ? ` (${l(f.detail, locale)})` : "";
      return `\`${f.year}\` ${l(f.event, locale)}${award}${detail}`;
    });
  const polls = r.polls.map((p) => `\`${p.year}\` ${l(p.poll, locale)}: ${l(p.result, locale)}`);
  const critics = bullets(r.critics.map((c) => l(c.text, locale)));
  const release = bullets(r.release.map((c) => l(c.text, locale)));
  return {
    embeds: [
      {
        title: `${t("reception.title")} · ${kb.film.titles.english}`,
        description: l(r.summary, locale),
        color: FILM_COLOUR,
        fields: [
          ...listFields(t("reception.festivals"), t("reception.festivalsMore"), festivals),
          ...listFields(t("reception.polls"), t("reception.polls"), polls),
          ...listFields(t("reception.critics"), t("reception.critics"), critics),
          ...listFields(t("reception.release"), t("reception.release"), release),
        ],
        footer: footer(t, t("reception.title")),
      },
    ],
  };
}

export function glossaryView(view: ViewContext, entry: GlossaryEntry): { embeds: APIEmbed[] } {
  return memoised(view, `glossary:${entry.id}`, () => buildGlossaryView(view, entry));
}

function buildGlossaryView(view: ViewContext, entry: GlossaryEntry): { embeds: APIEmbed[] } {
  const { kb, locale, t } = view;
  const heading = [l(entry.term, locale), entry.chinese, entry.pinyin]
    .filter((x): x is string => Boolean(x))
    .filter((x, i, all) => all.indexOf(x) === i)
    .join(" · ");
  const related = entry.related
    .map((id) => kb.glossaryEntry(id))
    .filter((e): e is GlossaryEntry => e !== undefined)
    .map((e) => l(e.term, locale));
  const parts =
    entry.parts.length === 0
      ? t("glossary.allParts")
      : list(view, entry.parts
          .map((id) => kb.part(id))
          .filter((p): p is Part => p !== undefined)
          .map((p) => t("part.heading", { number: p.number, title: l(p.title, locale) })));
  const firstPart = entry.parts[0] ? kb.part(entry.parts[0]) : undefined;
  return {
    embeds: [
      {
        title: heading,
        description: l(entry.definition, locale),
        color: firstPart?.colour ?? FILM_COLOUR,
        fields: [
          ...(related.length > 0 ? [{ name: t("glossary.related"), value: list(view, related), inline: true }] : []),
          { name: t("glossary.parts"), value: parts, inline: true },
        ],
        footer: footer(t, t("glossary.title")),
      },
    ],
  };
}

export function glossaryEntryButtonId(entryId: string): string {
  return encodeCustomId("glossary", entryId);
}

/** The "did you mean" answer: the closest entries as buttons. */
export function glossarySuggestionsView(
  view: ViewContext,
  quotedQuery: string,
  suggestions: readonly GlossaryEntry[],
): { content: string; components: APIActionRowComponent<APIButtonComponent>[] } {
  const { t, locale } = view;
  const lines = [t("glossary.notFound", { query: quotedQuery })];
  lines.push(suggestions.length > 0 ? t("glossary.closest") : t("glossary.none"));
  const buttons = suggestions.slice(0, 5).map(
    (entry): APIButtonComponent => ({
      type: ComponentType.Button,
      style: ButtonStyle.Secondary,
      custom_id: glossaryEntryButtonId(entry.id),
      label: l(entry.term, locale),
    }),
  );
  return {
    content: lines.join("\n"),
    components: buttons.length > 0 ? [{ type: ComponentType.ActionRow, components: buttons }] : [],
  };
}

export function helpView({ t }: Pick<ViewContext, "t">): { embeds: APIEmbed[] } {
  return {
    embeds: [
      {
        title: t("help.title"),
        description: t("help.intro"),
        color: FILM_COLOUR,
        fields: [
          { name: t("help.knowledge"), value: `${t("help.knowledge.body")}\n${t("help.private")}` },
          { name: "🌐", value: t("help.language") },
        ],
        footer: footer(t, t("cmd.help.name")),
      },
    ],
  };
}
