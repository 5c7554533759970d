/**
 * The SQL migrations, imported as text so `bun build --compile` embeds them in the binary.
 * `migration-files.test.ts` fails when a file in `migrations/` is missing from this list.
 */
import init from "../../migrations/0000_init.sql" with { type: "text" };
import appendOnlyLogs from "../../migrations/0001_append_only_logs.sql" with { type: "text" };
import spendReservations from "../../migrations/0002_spend_reservations.sql" with { type: "text" };
import patKeyLineage from "../../migrations/0003_pat_key_lineage.sql" with { type: "text" };

export interface MigrationFile {
  tag: string;
  sql: string;
}

export const MIGRATIONS: readonly MigrationFile[] = [
  { tag: "0000_init", sql: init },
  { tag: "0001_append_only_logs", sql: appendOnlyLogs },
  { tag: "0002_spend_reservations", sql: spendReservations },
  { tag: "0003_pat_key_lineage", sql: patKeyLineage },
];
