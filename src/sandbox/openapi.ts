/**
 * Checks requests against Discord's OpenAPI description: is the path+method known, does the JSON body fit
 * the schema. Schemas compile lazily, once per operation. Integer fields also accept decimal strings
 * (Discord does; the spec does not say so), and `oneOf` is read as `anyOf` (the spec's unions overlap).
 */
import { existsSync, readFileSync } from "node:fs";
import { Ajv2020 } from "ajv/dist/2020.js";
import type { ValidateFunction } from "ajv/dist/2020.js";

export interface SpecMatch {
  /** the spec's path template, e.g. `/channels/{channel_id}/messages` */
  template: string;
  params: Record<string, string>;
}

export type SpecCheck =
  | { ok: true; template: string }
  | { ok: false; kind: "openapi-path" | "openapi-method" | "openapi-body"; template?: string; detail: string };

interface SpecPath {
  template: string;
  segments: string[];
  literals: number;
  methods: Record<string, { requestBody?: { content?: Record<string, { schema?: unknown }> } }>;
}

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

/** Rewrites a schema tree: integers also take digit strings, oneOf becomes anyOf, refs point into "spec". */
function relax(node: unknown, rewriteRefs: boolean): unknown {
  if (Array.isArray(node)) return node.map((n) => relax(n, rewriteRefs));
  if (!isObj(node)) return node;
  const out: Json = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === "oneOf") out.anyOf = relax(v, rewriteRefs);
    else if (k === "$ref" && typeof v === "string" && rewriteRefs && v.startsWith("#/")) out.$ref = `spec${v}`;
    else out[k] = relax(v, rewriteRefs);
  }
  const t = out.type;
  const hasInteger = t === "integer" || (Array.isArray(t) && t.includes("integer"));
  if (hasInteger && out.enum === undefined && out.const === undefined) {
    out.type = Array.isArray(t) ? [...(t as string[]), "string"] : ["integer", "string"];
    // `pattern` only constrains strings, so integers are unaffected
    out.pattern ??= "^-?[0-9]+$";
  }
  return out;
}

export class OpenApiChecker {
  private readonly paths: SpecPath[] = [];
  private readonly ajv: Ajv2020;
  private readonly cache = new Map<string, ValidateFunction | null>();

  constructor(spec: Json) {
    this.ajv = new Ajv2020({ strict: false, allErrors: false, validateFormats: false, logger: false });
    const components = isObj(spec.components) ? spec.components : {};
    this.ajv.addSchema({ $id: "spec", components: relax(components, false) });
    const paths = isObj(spec.paths) ? spec.paths : {};
    for (const [template, item] of Object.entries(paths)) {
      if (!isObj(item)) continue;
      const segments = template.split("/").filter(Boolean);
      const methods: SpecPath["methods"] = {};
      for (const m of ["get", "put", "post", "patch", "delete"]) {
        if (isObj(item[m])) methods[m.toUpperCase()] = item[m];
      }
      this.paths.push({ template, segments, literals: segments.filter((s) => !s.startsWith("{")).length, methods });
    }
    // the most literal template wins (`/applications/@me` before `/applications/{application_id}`)
    this.paths.sort((a, b) => b.literals - a.literals);
  }

  static fromFile(path: string): OpenApiChecker | null {
    if (!existsSync(path)) return null;
    return new OpenApiChecker(JSON.parse(readFileSync(path, "utf8")) as Json);
  }

  match(path: string): (SpecMatch & { entry: SpecPath }) | null {
    const segs = path.split("/").filter(Boolean).map((s) => decodeURIComponent(s));
    for (const entry of this.paths) {
      if (entry.segments.length !== segs.length) continue;
      const params: Record<string, string> = {};
      let ok = true;
      for (let i = 0; i < segs.length; i++) {
        const t = entry.segments[i]!;
        const s = segs[i]!;
        if (t.startsWith("{")) params[t.slice(1, -1)] = s;
        else if (t !== s) {
          ok = false;
          break;
        }
      }
      if (ok) return { template: entry.template, params, entry };
    }
    return null;
  }

  /** Path (below /api/v10), method, and the parsed JSON body (undefined when there is none). */
  check(method: string, path: string, body: unknown): SpecCheck {
    const m = this.match(path);
    if (!m) return { ok: false, kind: "openapi-path", detail: `${method} ${path} is not in Discord's API description` };
    const op = m.entry.methods[method.toUpperCase()];
    if (!op) {
      return { ok: false, kind: "openapi-method", template: m.template, detail: `${method} is not defined for ${m.template}` };
    }
    if (body === undefined) return { ok: true, template: m.template };
    const key = `${method.toUpperCase()} ${m.template}`;
    let validate = this.cache.get(key);
    if (validate === undefined) {
      const schema = op.requestBody?.content?.["application/json"]?.schema;
      validate = schema === undefined ? null : this.ajv.compile(relax(schema, true) as Json);
      this.cache.set(key, validate);
    }
    if (validate === null || validate(body)) return { ok: true, template: m.template };
    const errors = (validate.errors ?? [])
      .slice(0, 5)
      .map((e) => `${e.instancePath || "(body)"} ${e.message ?? ""}${e.params && "additionalProperty" in e.params ? ` (${String(e.params.additionalProperty)})` : ""}`)
      .join("; ");
    return { ok: false, kind: "openapi-body", template: m.template, detail: `${key}: ${errors}` };
  }
}
