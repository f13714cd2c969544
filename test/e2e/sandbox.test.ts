import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { projectRoot } from "../../src/paths.js";

const cli = join(projectRoot, "dist", "src", "sandbox", "cli.js");

describe("npm run sandbox -- --script src/sandbox/tour.txt", () => {
  it("tours every feature and the bot breaks no rule", () => {
    expect(existsSync(cli), "run `npm run build` first (npm test does)").toBe(true);
    const run = spawnSync(process.execPath, [cli, "--script", join(projectRoot, "src", "sandbox", "tour.txt")], {
      cwd: projectRoot,
      encoding: "utf8",
      timeout: 120_000,
      env: { ...process.env, LOG_LEVEL: "warn" },
    });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    const out = run.stdout;
    expect(out).toContain("> /westofthetracks part name:rust");
    expect(out).toContain("Part 2 · Remnants"); // the pressed button turned the page
    expect(out).toContain("第3部分 · 铁路"); // Chinese
    expect(out).toContain("You need the Manage Server permission");
    expect(out).toContain("no findings: the bot broke no rule");
  });
});
