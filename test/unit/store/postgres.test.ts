import { describe } from "vitest";
import { pgUrl, postgresBackend } from "./backends.js";
import { defineStoreSuite } from "./store-suite.js";

describe.skipIf(!pgUrl)(pgUrl ? "store on PostgreSQL" : "PostgreSQL tests skipped: TEST_DATABASE_URL not set", () =>
  defineStoreSuite(postgresBackend(pgUrl ?? "")),
);
