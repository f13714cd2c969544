/** Faults on demand: the next N matching REST calls get a 429, 500 or 403 with Discord's headers and body. */
export interface FaultSpec {
  /** HTTP method; any when absent */
  method?: string;
  /** matched against the path below /api/v10 (`/channels/1/messages`) and the route template; a string matches either exactly */
  route: RegExp | string;
  count: number;
  status: 429 | 500 | 403;
  /** 429 only; default 100 ms */
  retryAfterMs?: number;
  /** 429 only: a global rate limit */
  global?: boolean;
}

export interface Fault extends FaultSpec {
  /** how many more calls it will hit */
  remaining: number;
  /** how many calls it hit */
  hits: number;
}

export interface FaultAnswer {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

export class Faults {
  private readonly list: Fault[] = [];

  add(spec: FaultSpec): Fault {
    const f: Fault = { ...spec, remaining: spec.count, hits: 0 };
    this.list.push(f);
    return f;
  }

  clear(): void {
    this.list.length = 0;
  }

  get active(): readonly Fault[] {
    return this.list.filter((f) => f.remaining > 0);
  }

  /** Takes one hit from the first matching fault and returns its answer. */
  take(method: string, path: string, template: string | null): FaultAnswer | null {
    const f = this.list.find((x) => {
      if (x.remaining <= 0) return false;
      if (x.method && x.method.toUpperCase() !== method.toUpperCase()) return false;
      if (typeof x.route === "string") return x.route === path || x.route === template;
      return x.route.test(path) || (template !== null && x.route.test(template));
    });
    if (!f) return null;
    f.remaining -= 1;
    f.hits += 1;
    return answer(f, template ?? path);
  }
}

function answer(f: Fault, bucketKey: string): FaultAnswer {
  if (f.status === 500) return { status: 500, headers: {}, body: { message: "500: Internal Server Error", code: 0 } };
  if (f.status === 403) return { status: 403, headers: {}, body: { message: "Missing Access", code: 50001 } };
  const ms = f.retryAfterMs ?? 100;
  const secs = ms / 1000;
  const headers: Record<string, string> = {
    "retry-after": String(secs),
    "x-ratelimit-scope": f.global ? "global" : "user",
  };
  if (f.global) headers["x-ratelimit-global"] = "true";
  else {
    Object.assign(headers, {
      "x-ratelimit-limit": "5",
      "x-ratelimit-remaining": "0",
      "x-ratelimit-reset": String((Date.now() + ms) / 1000),
      "x-ratelimit-reset-after": String(secs),
      "x-ratelimit-bucket": Buffer.from(bucketKey).toString("hex").slice(0, 32),
    });
  }
  return {
    status: 429,
    headers,
    body: { message: "You are being rate limited.", retry_after: secs, global: f.global === true },
  };
}
