import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger } from "../../../src/log.js";

const SECRET = "MTIzNDU2Nzg5MDEyMzQ1Njc4.GaBcDe.abcdefghijklmnopqrstuvwxyz0123";

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(chunk.toString());
      cb();
    },
  });
  return { lines, destination };
}

describe("logger", () => {
  it("never writes the token, wherever it appears", () => {
    const { lines, destination } = capture();
    const log = createLogger({ level: "info", secrets: [SECRET], destination });
    log.info({ token: SECRET }, "token field");
    log.info(`message with ${SECRET} inside`);
    log.info({ nested: { deep: `Bot ${SECRET}` } }, "nested");
    log.error({ err: new Error(`failed with ${SECRET}`) }, "error");
    log.info({ headers: { authorization: `Bot ${SECRET}` } }, "headers");
    const all = lines.join("");
    expect(lines).toHaveLength(5);
    expect(all).not.toContain(SECRET);
    expect(all).toContain("[redacted]");
  });
});
