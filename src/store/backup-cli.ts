/**
 * `npm run db:backup -- <file> [--force]`: a consistent copy of the SQLite database named by
 * DATABASE_URL (default sqlite:./var/westofthetracks.sqlite), safe while the bot runs.
 * This CLI reads the environment itself (dotenv + process.env); the bot's config module is not needed.
 */
import dotenv from "dotenv";
import { backupDatabase } from "./backup.js";
import { StoreError } from "./errors.js";

export const DEFAULT_DATABASE_URL = "sqlite:./var/westofthetracks.sqlite";

async function main(argv: string[]): Promise<number> {
  dotenv.config({ quiet: true });
  const force = argv.includes("--force");
  const files = argv.filter((a) => !a.startsWith("--"));
  if (argv.includes("--help") || files.length !== 1) {
    console.error("usage: npm run db:backup -- <backup-file> [--force]");
    return argv.includes("--help") ? 0 : 2;
  }
  const url = process.env.DATABASE_URL?.trim() || DEFAULT_DATABASE_URL;
  try {
    const r = await backupDatabase(url, files[0]!, { overwrite: force });
    console.log(`backed up ${r.source} -> ${r.destination} (${r.pages} pages, schema v${r.schemaVersion}, integrity ${r.integrity})`);
    return 0;
  } catch (err) {
    console.error(`db:backup: ${err instanceof StoreError ? err.message : String(err)}`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
