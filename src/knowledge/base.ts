/**
 * The film knowledge base in memory: validated data plus lookup maps built once, and glossary
 * matching for commands and autocomplete. Pure apart from `defaultKnowledgeBase`, which loads
 * data/film on first use.
 */
import { glossaryKeys, loadKnowledge } from "./load.js";
import { editDistance, normaliseKey, normaliseQuery, typoAllowance } from "./normalise.js";
import { LOCALES, PART_IDS } from "./schema.js";
import type {
  Credit,
  Edition,
  Film,
  GlossaryEntry,
  Knowledge,
  Locale,
  Part,
  PartId,
  Person,
  Place,
  Reception,
} from "./schema.js";

/** Discord shows at most 25 autocomplete choices. */
export const MAX_SUGGESTIONS = 25;

interface IndexedEntry {
  entry: GlossaryEntry;
  /** Normalised keys the entry answers to (id, terms, Chinese, pinyin, aliases). */
  keys: string[];
}

export class KnowledgeBase {
  readonly film: Film;
  readonly credits: readonly Credit[];
  readonly reception: Reception;
  readonly editions: readonly Edition[];
  readonly people: readonly Person[];
  readonly places: readonly Place[];
  readonly glossary: readonly GlossaryEntry[];

  private readonly orderedParts: readonly Part[];
  private readonly partsById = new Map<string, Part>();
  private readonly peopleById = new Map<string, Person>();
  private readonly placesById = new Map<string, Place>();
  private readonly editionsById = new Map<string, Edition>();
  private readonly glossaryById = new Map<string, GlossaryEntry>();
  private readonly glossaryByKey = new Map<string, GlossaryEntry>();
  private readonly indexed: readonly IndexedEntry[];
  private readonly alphabetical: Record<Locale, readonly GlossaryEntry[]>;
  private readonly collators: Record<Locale, Intl.Collator>;

  /** `knowledge` should come from `loadKnowledge`/`parseKnowledge` (validated). */
  constructor(knowledge: Knowledge) {
    this.film = knowledge.film;
    this.credits = knowledge.credits;
    this.reception = knowledge.reception;
    this.editions = knowledge.film.editions;
    this.people = knowledge.people;
    this.places = knowledge.places;
    this.glossary = knowledge.glossary;

    this.orderedParts = [...knowledge.parts].sort((a, b) => a.number - b.number);
    for (const part of this.orderedParts) this.partsById.set(part.id, part);
    for (const id of PART_IDS) if (!this.partsById.has(id)) throw new Error(`knowledge has no part "${id}"`);
    for (const person of knowledge.people) this.peopleById.set(person.id, person);
    for (const place of knowledge.places) this.placesById.set(place.id, place);
    for (const edition of knowledge.film.editions) this.editionsById.set(edition.id, edition);
    if (!this.editionsById.has(knowledge.film.defaultEdition)) {
      throw new Error(`knowledge has no edition "${knowledge.film.defaultEdition}"`);
    }

    const indexed: IndexedEntry[] = [];
    for (const entry of knowledge.glossary) {
      this.glossaryById.set(entry.id, entry);
      const keys = [...new Set(glossaryKeys(entry).map(([, value]) => normaliseKey(value)))].filter((key) => key !== "");
      for (const key of keys) if (!this.glossaryByKey.has(key)) this.glossaryByKey.set(key, entry);
      indexed.push({ entry, keys });
    }
    this.indexed = indexed;

    const collators = {} as Record<Locale, Intl.Collator>;
    const alphabetical = {} as Record<Locale, readonly GlossaryEntry[]>;
    for (const locale of LOCALES) {
      const collator = new Intl.Collator(locale, { sensitivity: "base", numeric: true });
      collators[locale] = collator;
      alphabetical[locale] = [...knowledge.glossary].sort((a, b) => collator.compare(a.term[locale], b.term[locale]));
    }
    this.collators = collators;
    this.alphabetical = alphabetical;
  }

  /** The three parts in order (Rust, Remnants, Rails). */
  parts(): readonly Part[] {
    return this.orderedParts;
  }

  part(id: PartId): Part;
  part(id: string): Part | undefined;
  part(id: string): Part | undefined {
    return this.partsById.get(id);
  }

  /** The parts before and after `id` in viewing order. */
  neighbours(id: PartId): { previous?: Part; next?: Part } {
    const index = this.orderedParts.findIndex((part) => part.id === id);
    const result: { previous?: Part; next?: Part } = {};
    const previous = index > 0 ? this.orderedParts[index - 1] : undefined;
    const next = index >= 0 ? this.orderedParts[index + 1] : undefined;
    if (previous) result.previous = previous;
    if (next) result.next = next;
    return result;
  }

  person(id: string): Person | undefined {
    return this.peopleById.get(id);
  }

  place(id: string): Place | undefined {
    return this.placesById.get(id);
  }

  edition(id: string): Edition | undefined {
    return this.editionsById.get(id);
  }

  /** The edition watch-alongs use unless the host picks another. */
  defaultEdition(): Edition {
    const edition = this.editionsById.get(this.film.defaultEdition);
    if (!edition) throw new Error(`unknown default edition "${this.film.defaultEdition}"`);
    return edition;
  }

  glossaryEntry(id: string): GlossaryEntry | undefined {
    return this.glossaryById.get(id);
  }

  /**
   * Exact lookup: the query, normalised (case, tone marks, spaces and punctuation ignored), equals an
   * entry's id, English or Chinese term, characters, pinyin or an alias.
   */
  findGlossary(query: string): GlossaryEntry | undefined {
    const key = normaliseQuery(query);
    return key === "" ? undefined : this.glossaryByKey.get(key);
  }

  /**
   * Autocomplete choices: with an empty query every entry, alphabetical by the locale's term; otherwise
   * entries with a key starting with the query, then containing it, then within a few typos of it.
   */
  suggestGlossary(query: string, locale: Locale, limit = MAX_SUGGESTIONS): GlossaryEntry[] {
    const count = Math.max(0, Math.min(limit, this.indexed.length));
    const q = normaliseQuery(query);
    if (q === "") return this.alphabetical[locale].slice(0, count);
    const allowance = typoAllowance(q.length);
    const ranked: { entry: GlossaryEntry; rank: number; distance: number }[] = [];
    for (const { entry, keys } of this.indexed) {
      if (keys.some((key) => key.startsWith(q))) ranked.push({ entry, rank: 0, distance: 0 });
      else if (keys.some((key) => key.includes(q))) ranked.push({ entry, rank: 1, distance: 0 });
      else if (allowance > 0) {
        // Compare with whole keys and with key prefixes of the query's length (a typo while typing).
        let best = allowance + 1;
        for (const key of keys) {
          best = Math.min(best, editDistance(q, key, allowance), editDistance(q, key.slice(0, q.length), allowance));
        }
        if (best <= allowance) ranked.push({ entry, rank: 2, distance: best });
      }
    }
    const collator = this.collators[locale];
    ranked.sort(
      (a, b) => a.rank - b.rank || a.distance - b.distance || collator.compare(a.entry.term[locale], b.entry.term[locale]),
    );
    return ranked.slice(0, count).map((r) => r.entry);
  }

  /** "Did you mean": up to `n` entries whose keys are nearest to the query, within a few typos. */
  closestGlossary(query: string, n = 3): GlossaryEntry[] {
    const q = normaliseQuery(query);
    if (q === "" || n <= 0) return [];
    const allowance = Math.max(1, typoAllowance(q.length));
    const scored: { entry: GlossaryEntry; distance: number }[] = [];
    for (const { entry, keys } of this.indexed) {
      let best = allowance + 1;
      for (const key of keys) {
        const contains = q.length >= 3 && key.includes(q);
        best = Math.min(best, key === q ? 0 : contains ? 0.5 : editDistance(q, key, allowance));
        if (best === 0) break;
      }
      if (best <= allowance) scored.push({ entry, distance: best });
    }
    scored.sort((a, b) => a.distance - b.distance || this.collators.en.compare(a.entry.term.en, b.entry.term.en));
    return scored.slice(0, n).map((s) => s.entry);
  }
}

let cached: KnowledgeBase | undefined;

/** The knowledge base from data/film, loaded and validated on first call, then reused. */
export function defaultKnowledgeBase(): KnowledgeBase {
  cached ??= new KnowledgeBase(loadKnowledge());
  return cached;
}
