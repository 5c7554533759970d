/** Fresh in-memory databases for unit tests, migrated exactly as the binary migrates. */
import { MIGRATIONS } from "../db/migration-files.ts";
import { applyMigrations, type DatabaseHandle, openDatabase } from "../db/open.ts";

export function freshDatabase(): DatabaseHandle {
  const handle = openDatabase(":memory:");
  applyMigrations(handle.sqlite, MIGRATIONS);
  return handle;
}
