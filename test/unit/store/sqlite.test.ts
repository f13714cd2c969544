import { describe } from "vitest";
import { sqliteBackend } from "./backends.js";
import { defineStoreSuite } from "./store-suite.js";

describe("store on SQLite", () => defineStoreSuite(sqliteBackend));
