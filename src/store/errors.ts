/** Why the store refused or failed; callers branch on `code`, people read `message`. */
export type StoreErrorCode =
  | "BAD_URL"
  | "SCHEMA_TOO_NEW"
  | "SCHEMA_OUTDATED"
  | "MIGRATION_FAILED"
  | "NOT_SUPPORTED"
  | "INVALID_ARGUMENT";

export class StoreError extends Error {
  override readonly name = "StoreError";
  constructor(
    readonly code: StoreErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
