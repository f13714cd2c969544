/**
 * Discord's limits on message and command payloads, checked the way Discord answers them:
 * a list of problems that becomes a 50035 "Invalid Form Body" error tree.
 */
import { Locale } from "discord-api-types/v10";

export interface FormProblem {
  path: (string | number)[];
  code: string;
  message: string;
}

export interface FormErrorBody {
  code: 50035;
  message: "Invalid Form Body";
  errors: Record<string, unknown>;
}

/** Builds Discord's nested `errors` object: `{ embeds: { 0: { title: { _errors: [...] } } } }`. */
export function formError(problems: readonly FormProblem[]): FormErrorBody {
  const errors: Record<string, unknown> = {};
  for (const p of problems) {
    let node = errors;
    for (const key of p.path) {
      const k = String(key);
      node[k] ??= {};
      node = node[k] as Record<string, unknown>;
    }
    const list = (node._errors ??= []) as { code: string; message: string }[];
    list.push({ code: p.code, message: p.message });
  }
  return { code: 50035, message: "Invalid Form Body", errors };
}

export function describeProblems(problems: readonly FormProblem[]): string {
  return problems.map((p) => `${p.path.join(".") || "(body)"}: ${p.message}`).join("; ");
}

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
const str = (v: unknown): string => (typeof v === "string" ? v : "");
const len = (v: unknown): number => [...str(v)].length;

function maxLen(out: FormProblem[], path: (string | number)[], value: unknown, max: number): void {
  if (typeof value === "string" && len(value) > max) {
    out.push({ path, code: "BASE_TYPE_MAX_LENGTH", message: `Must be ${max} or fewer in length.` });
  }
}

function maxItems(out: FormProblem[], path: (string | number)[], value: unknown, max: number): void {
  if (Array.isArray(value) && value.length > max) {
    out.push({ path, code: "BASE_TYPE_MAX_LENGTH", message: `Must be ${max} or fewer in length.` });
  }
}

export const MESSAGE_LIMITS = {
  content: 2000,
  embeds: 10,
  embedTitle: 256,
  embedDescription: 4096,
  embedFields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footer: 2048,
  author: 256,
  embedTotal: 6000,
  actionRows: 5,
  buttonsPerRow: 5,
  customId: 100,
  label: 80,
  selectOptions: 25,
  placeholder: 150,
} as const;

const IS_COMPONENTS_V2 = 1 << 15;

/** Checks a message create/edit body (or an interaction response's `data`). */
export function checkMessage(body: unknown): FormProblem[] {
  const out: FormProblem[] = [];
  if (!isObj(body)) return out;
  maxLen(out, ["content"], body.content, MESSAGE_LIMITS.content);
  if (Array.isArray(body.embeds)) {
    maxItems(out, ["embeds"], body.embeds, MESSAGE_LIMITS.embeds);
    let total = 0;
    body.embeds.forEach((e: unknown, i) => {
      if (!isObj(e)) return;
      const p = (...rest: (string | number)[]) => ["embeds", i, ...rest];
      maxLen(out, p("title"), e.title, MESSAGE_LIMITS.embedTitle);
      maxLen(out, p("description"), e.description, MESSAGE_LIMITS.embedDescription);
      total += len(e.title) + len(e.description);
      if (isObj(e.footer)) {
        maxLen(out, p("footer", "text"), e.footer.text, MESSAGE_LIMITS.footer);
        total += len(e.footer.text);
      }
      if (isObj(e.author)) {
        maxLen(out, p("author", "name"), e.author.name, MESSAGE_LIMITS.author);
        total += len(e.author.name);
      }
      if (Array.isArray(e.fields)) {
        maxItems(out, p("fields"), e.fields, MESSAGE_LIMITS.embedFields);
        e.fields.forEach((f: unknown, j) => {
          if (!isObj(f)) return;
          maxLen(out, p("fields", j, "name"), f.name, MESSAGE_LIMITS.fieldName);
          maxLen(out, p("fields", j, "value"), f.value, MESSAGE_LIMITS.fieldValue);
          if (typeof f.name === "string" && f.name.length === 0) {
            out.push({ path: p("fields", j, "name"), code: "BASE_TYPE_REQUIRED", message: "This field is required" });
          }
          if (typeof f.value === "string" && f.value.length === 0) {
            out.push({ path: p("fields", j, "value"), code: "BASE_TYPE_REQUIRED", message: "This field is required" });
          }
          total += len(f.name) + len(f.value);
        });
      }
    });
    if (total > MESSAGE_LIMITS.embedTotal) {
      out.push({
        path: ["embeds"],
        code: "MAX_EMBED_SIZE_EXCEEDED",
        message: `Embed size exceeds maximum size of ${MESSAGE_LIMITS.embedTotal}`,
      });
    }
  }
  if (Array.isArray(body.components)) {
    const v2 = typeof body.flags === "number" && (body.flags & IS_COMPONENTS_V2) !== 0;
    checkComponents(out, body.components, v2);
  }
  return out;
}

function checkComponents(out: FormProblem[], components: unknown[], v2: boolean): void {
  if (!v2) maxItems(out, ["components"], components, MESSAGE_LIMITS.actionRows);
  const seen = new Set<string>();
  const visit = (c: unknown, path: (string | number)[], inRow: boolean): void => {
    if (!isObj(c)) return;
    if (typeof c.custom_id === "string") {
      maxLen(out, [...path, "custom_id"], c.custom_id, MESSAGE_LIMITS.customId);
      if (seen.has(c.custom_id)) {
        out.push({
          path: [...path, "custom_id"],
          code: "COMPONENT_CUSTOM_ID_DUPLICATED",
          message: "Component custom id cannot be duplicated",
        });
      }
      seen.add(c.custom_id);
    }
    maxLen(out, [...path, "label"], c.label, MESSAGE_LIMITS.label);
    maxLen(out, [...path, "placeholder"], c.placeholder, MESSAGE_LIMITS.placeholder);
    if (c.type === 2) {
      const isLink = c.style === 5;
      const isPremium = c.style === 6;
      if (!isLink && !isPremium && typeof c.custom_id !== "string") {
        out.push({ path: [...path, "custom_id"], code: "BASE_TYPE_REQUIRED", message: "This field is required" });
      }
      if (isLink && typeof c.url !== "string") {
        out.push({ path: [...path, "url"], code: "BASE_TYPE_REQUIRED", message: "This field is required" });
      }
    }
    if (c.type === 3) maxItems(out, [...path, "options"], c.options, MESSAGE_LIMITS.selectOptions);
    if (c.type === 1 && Array.isArray(c.components)) {
      const kids = c.components as unknown[];
      const buttons = kids.filter((k) => isObj(k) && k.type === 2).length;
      const selects = kids.filter((k) => isObj(k) && typeof k.type === "number" && [3, 5, 6, 7, 8].includes(k.type)).length;
      if (buttons > MESSAGE_LIMITS.buttonsPerRow) {
        out.push({ path: [...path, "components"], code: "BASE_TYPE_MAX_LENGTH", message: "Must be 5 or fewer in length." });
      }
      if (selects > 1 || (selects === 1 && buttons > 0)) {
        out.push({
          path: [...path, "components"],
          code: "COMPONENT_LAYOUT_WIDTH_EXCEEDED",
          message: "The specified component exceeds the maximum width",
        });
      }
      kids.forEach((k, i) => visit(k, [...path, "components", i], true));
      return;
    }
    if (!v2 && !inRow && path.length === 2) {
      out.push({ path: [...path, "type"], code: "UNION_TYPE_CHOICES", message: "Value of field \"type\" must be one of (1,)." });
    }
    for (const key of ["components", "accessory"] as const) {
      const kid = c[key];
      if (Array.isArray(kid)) kid.forEach((k, i) => visit(k, [...path, key, i], false));
      else if (isObj(kid)) visit(kid, [...path, key], false);
    }
  };
  components.forEach((c, i) => visit(c, ["components", i], false));
}

/** Locale codes Discord accepts in name_localizations / description_localizations. */
export const DISCORD_LOCALES: ReadonlySet<string> = new Set(Object.values(Locale));

const COMMAND_NAME = /^[-_'\p{L}\p{N}]{1,32}$/u;

/** Checks an array of application commands (bulk overwrite) or a single command. */
export function checkCommands(body: unknown): FormProblem[] {
  const out: FormProblem[] = [];
  if (!Array.isArray(body)) {
    checkCommand(out, body, []);
    return out;
  }
  const names = new Set<string>();
  body.forEach((c: unknown, i) => {
    checkCommand(out, c, [i]);
    if (isObj(c)) {
      const key = `${typeof c.type === "number" ? c.type : 1}:${str(c.name)}`;
      if (names.has(key)) {
        out.push({ path: [i, "name"], code: "APPLICATION_COMMANDS_DUPLICATE_NAME", message: `Application command names must be unique` });
      }
      names.add(key);
    }
  });
  const chatInput = body.filter((c: unknown) => isObj(c) && (c.type === undefined || c.type === 1)).length;
  if (chatInput > 100) out.push({ path: [], code: "BASE_TYPE_MAX_LENGTH", message: "Must be 100 or fewer in length." });
  return out;
}

function checkName(out: FormProblem[], path: (string | number)[], name: unknown, lower: boolean): void {
  if (typeof name !== "string" || name.length === 0) {
    out.push({ path, code: "BASE_TYPE_REQUIRED", message: "This field is required" });
    return;
  }
  if (lower) {
    if (!COMMAND_NAME.test(name)) {
      out.push({ path, code: "APPLICATION_COMMAND_INVALID_NAME", message: `Command name is invalid` });
    } else if (name !== name.toLowerCase()) {
      out.push({ path, code: "APPLICATION_COMMAND_INVALID_NAME", message: "Command name must be lower case" });
    }
  } else if (len(name) > 32) {
    out.push({ path, code: "BASE_TYPE_BAD_LENGTH", message: "Must be between 1 and 32 in length." });
  }
}

function checkDescription(out: FormProblem[], path: (string | number)[], d: unknown): void {
  if (typeof d !== "string" || len(d) < 1 || len(d) > 100) {
    out.push({ path, code: "BASE_TYPE_BAD_LENGTH", message: "Must be between 1 and 100 in length." });
  }
}

function checkLocalizations(
  out: FormProblem[],
  path: (string | number)[],
  map: unknown,
  each: (p: (string | number)[], v: unknown) => void,
): void {
  if (!isObj(map)) return;
  for (const [locale, value] of Object.entries(map)) {
    if (!DISCORD_LOCALES.has(locale)) {
      out.push({ path: [...path, locale], code: "LOCALE_INVALID", message: `Invalid locale "${locale}"` });
    } else if (value !== null) {
      each([...path, locale], value);
    }
  }
}

/**
 * Discord's combined limit: names, descriptions and choice values of a command, its options and choices
 * together at most 8,000 characters, counting only the longest localization of each field.
 */
function combinedSize(node: unknown): number {
  if (!isObj(node)) return 0;
  const longest = (base: unknown, locs: unknown): number => {
    let n = typeof base === "string" ? len(base) : 0;
    if (isObj(locs)) for (const v of Object.values(locs)) if (typeof v === "string") n = Math.max(n, len(v));
    return n;
  };
  let n = longest(node.name, node.name_localizations) + longest(node.description, node.description_localizations);
  if (typeof node.value === "string" || typeof node.value === "number") n += len(String(node.value));
  for (const key of ["options", "choices"] as const) {
    const list = node[key];
    if (Array.isArray(list)) for (const child of list) n += combinedSize(child);
  }
  return n;
}

function checkCommand(out: FormProblem[], c: unknown, path: (string | number)[]): void {
  if (!isObj(c)) {
    out.push({ path, code: "MODEL_TYPE_CONVERT", message: "Only dictionaries may be used in a ModelType" });
    return;
  }
  if (combinedSize(c) > 8000) {
    out.push({ path, code: "APPLICATION_COMMAND_TOO_LARGE", message: "Command exceeds maximum size (8000)" });
  }
  const type = typeof c.type === "number" ? c.type : 1;
  const chatInput = type === 1;
  checkName(out, [...path, "name"], c.name, chatInput);
  checkLocalizations(out, [...path, "name_localizations"], c.name_localizations, (p, v) => checkName(out, p, v, chatInput));
  if (chatInput) {
    checkDescription(out, [...path, "description"], c.description);
    checkLocalizations(out, [...path, "description_localizations"], c.description_localizations, (p, v) =>
      checkDescription(out, p, v),
    );
    checkOptions(out, c.options, [...path, "options"], 0);
  }
}

function checkOptions(out: FormProblem[], options: unknown, path: (string | number)[], depth: number): void {
  if (options === undefined || options === null) return;
  if (!Array.isArray(options)) {
    out.push({ path, code: "BASE_TYPE_ARRAY", message: "Must be an array" });
    return;
  }
  maxItems(out, path, options, 25);
  const names = new Set<string>();
  let sawOptional = false;
  let subs = 0;
  options.forEach((o: unknown, i) => {
    if (!isObj(o)) return;
    const p = [...path, i];
    checkName(out, [...p, "name"], o.name, true);
    checkDescription(out, [...p, "description"], o.description);
    checkLocalizations(out, [...p, "name_localizations"], o.name_localizations, (lp, v) => checkName(out, lp, v, true));
    checkLocalizations(out, [...p, "description_localizations"], o.description_localizations, (lp, v) =>
      checkDescription(out, lp, v),
    );
    if (typeof o.name === "string") {
      if (names.has(o.name)) out.push({ path: [...p, "name"], code: "APPLICATION_COMMAND_OPTIONS_NAME_ALREADY_EXISTS", message: "Option names must be unique" });
      names.add(o.name);
    }
    const isSub = o.type === 1 || o.type === 2;
    if (isSub) {
      subs += 1;
      if (o.type === 2 && depth > 0) out.push({ path: [...p, "type"], code: "APPLICATION_COMMAND_OPTION_TYPE_INVALID", message: "Subcommand groups cannot be nested" });
      if (o.type === 1 && depth > 1) out.push({ path: [...p, "type"], code: "APPLICATION_COMMAND_OPTION_TYPE_INVALID", message: "Invalid nesting" });
      checkOptions(out, o.options, [...p, "options"], depth + 1);
    } else {
      if (o.required === true && sawOptional) {
        out.push({ path: [...p, "required"], code: "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID", message: "Required options must be placed before non-required options" });
      }
      if (o.required !== true) sawOptional = true;
      if (Array.isArray(o.choices)) {
        maxItems(out, [...p, "choices"], o.choices, 25);
        o.choices.forEach((ch: unknown, j) => {
          if (!isObj(ch)) return;
          if (len(ch.name) < 1 || len(ch.name) > 100) {
            out.push({ path: [...p, "choices", j, "name"], code: "BASE_TYPE_BAD_LENGTH", message: "Must be between 1 and 100 in length." });
          }
          maxLen(out, [...p, "choices", j, "value"], ch.value, 100);
          checkLocalizations(out, [...p, "choices", j, "name_localizations"], ch.name_localizations, (lp, v) => {
            if (len(v) < 1 || len(v) > 100) out.push({ path: lp, code: "BASE_TYPE_BAD_LENGTH", message: "Must be between 1 and 100 in length." });
          });
        });
        if (o.autocomplete === true) {
          out.push({ path: [...p, "autocomplete"], code: "APPLICATION_COMMAND_OPTION_AUTOCOMPLETE_CHOICES", message: "Autocomplete cannot be set with choices" });
        }
      }
    }
  });
  if (subs > 0 && subs !== options.length) {
    out.push({ path, code: "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID", message: "Sub-command and sub-command group option types are mutually exclusive to all other types" });
  }
}

/** Autocomplete results: at most 25 choices, names 1–100, string values ≤ 100. */
export function checkAutocomplete(data: unknown): FormProblem[] {
  const out: FormProblem[] = [];
  if (!isObj(data)) return out;
  maxItems(out, ["data", "choices"], data.choices, 25);
  if (Array.isArray(data.choices)) {
    data.choices.forEach((ch: unknown, j) => {
      if (!isObj(ch)) return;
      if (len(ch.name) < 1 || len(ch.name) > 100) out.push({ path: ["data", "choices", j, "name"], code: "BASE_TYPE_BAD_LENGTH", message: "Must be between 1 and 100 in length." });
      maxLen(out, ["data", "choices", j, "value"], ch.value, 100);
    });
  }
  return out;
}

const PING = /@everyone|@here|<@&\d+>/;

function messageTexts(body: Json): string[] {
  const texts: string[] = [str(body.content)];
  if (Array.isArray(body.embeds)) {
    for (const e of body.embeds) {
      if (!isObj(e)) continue;
      texts.push(str(e.title), str(e.description));
      if (isObj(e.footer)) texts.push(str(e.footer.text));
      if (isObj(e.author)) texts.push(str(e.author.name));
      if (Array.isArray(e.fields)) for (const f of e.fields) if (isObj(f)) texts.push(str(f.name), str(f.value));
    }
  }
  const walk = (c: unknown): void => {
    if (Array.isArray(c)) c.forEach(walk);
    else if (isObj(c)) {
      if (c.type === 10) texts.push(str(c.content));
      walk(c.components);
      walk(c.accessory);
    }
  };
  walk(body.components);
  return texts;
}

/**
 * A message that mentions @everyone, @here or a role without any `allowed_mentions` pings them.
 * Returns a description of the breach, or null. (`allowed_mentions` present in any form is a decision the
 * bot made, and is not flagged.)
 */
export function unsafeMentions(body: unknown): string | null {
  if (!isObj(body)) return null;
  if (body.allowed_mentions !== undefined && body.allowed_mentions !== null) return null;
  const hits = new Set<string>();
  for (const t of messageTexts(body)) {
    for (const m of t.matchAll(/@everyone|@here|<@&\d+>/g)) hits.add(m[0]);
  }
  if (hits.size === 0 || !PING.test([...hits].join(" "))) return null;
  return `message mentions ${[...hits].join(", ")} without allowed_mentions`;
}
