/** The small set of shared dependencies every service takes explicitly (no module state). */
import type { Database } from "bun:sqlite";
import type { Db } from "../db/open.ts";
import type { WriteQueue } from "../db/write-queue.ts";
import type { Vault } from "../vault/service.ts";
import type { Clock } from "./clock.ts";
import type { Logger } from "./logger.ts";

export interface CoreDeps {
  db: Db;
  sqlite: Database;
  writes: WriteQueue;
  clock: Clock;
  logger: Logger;
  vault: Vault;
  /**
   * Clears the hot-path lookup caches. Every admin mutation calls it after its commit; admin
   * changes are rare, so clearing everything is simpler than tracking what depends on what.
   */
  invalidateLookups: () => void;
}

/** Runs synchronous work in one `BEGIN IMMEDIATE` transaction and returns its result. */
export function inTransaction<T>(deps: Pick<CoreDeps, "sqlite">, work: () => T): T {
  return deps.sqlite.transaction(work).immediate();
}
