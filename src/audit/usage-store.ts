/**
 * Usage records: one per allowed upstream call. A Claude call's record is inserted with its
 * decision as `reserved` and settled in place when the answer ends; a tool call's record is
 * inserted when the call ends.
 */
import { and, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "../db/open.ts";
import { placeholders } from "../db/placeholders.ts";
import { usageRecords } from "../db/schema.ts";

export type UsageRecordRow = typeof usageRecords.$inferSelect;

export type UsageSettlement = Pick<
  UsageRecordRow,
  | "model"
  | "statusCode"
  | "outcome"
  | "inputTokens"
  | "outputTokens"
  | "cacheCreationInputTokens"
  | "cacheReadInputTokens"
  | "durationMs"
  | "costUsd"
>;

const SETTLEMENT_COLUMNS = [
  "model",
  "statusCode",
  "outcome",
  "inputTokens",
  "outputTokens",
  "cacheCreationInputTokens",
  "cacheReadInputTokens",
  "durationMs",
  "costUsd",
] as const satisfies readonly (keyof UsageSettlement)[];

export const USAGE_COLUMNS = [
  "auditId",
  "orgId",
  "ts",
  "product",
  "patKeyId",
  ...SETTLEMENT_COLUMNS,
  "reservedUsd",
] as const satisfies readonly (keyof UsageRecordRow)[];

/** `update().set()` takes SQL values; these columns are plain numbers and text, no encoders. */
function settlementPlaceholders() {
  return Object.fromEntries(
    SETTLEMENT_COLUMNS.map((column) => [column, sql`${sql.placeholder(column)}`]),
  ) as Record<(typeof SETTLEMENT_COLUMNS)[number], ReturnType<typeof sql>>;
}

function prepare(db: Db) {
  return {
    insert: db.insert(usageRecords).values(placeholders<UsageRecordRow>(USAGE_COLUMNS)).prepare(),
    settle: db
      .update(usageRecords)
      .set(settlementPlaceholders())
      .where(eq(usageRecords.auditId, sql.placeholder("auditId")))
      .prepare(),
  };
}

// Both statements run on every governed call: prepared once per database handle.
const prepared = new WeakMap<Db, ReturnType<typeof prepare>>();

function statements(db: Db) {
  let found = prepared.get(db);
  if (!found) {
    found = prepare(db);
    prepared.set(db, found);
  }
  return found;
}

export function insertUsageRecord(db: Db, row: UsageRecordRow): void {
  statements(db).insert.run(row);
}

export function settleUsageRecord(db: Db, auditId: string, settlement: UsageSettlement): void {
  statements(db).settle.run({ ...settlement, auditId });
}

/**
 * Records still `reserved` when the appliance starts were cut off by a crash: nobody knows
 * what the upstream charged, so they are booked at their reserved worst case.
 */
export function settleAbandonedReservations(db: Db): number {
  return db
    .update(usageRecords)
    .set({ outcome: "unsettled", costUsd: sql`${usageRecords.reservedUsd}` })
    .where(eq(usageRecords.outcome, "reserved"))
    .returning({ auditId: usageRecords.auditId })
    .all().length;
}

export function usageForEntries(db: Db, orgId: string, auditIds: string[]): UsageRecordRow[] {
  if (auditIds.length === 0) return [];
  return db
    .select()
    .from(usageRecords)
    .where(and(eq(usageRecords.orgId, orgId), inArray(usageRecords.auditId, auditIds)))
    .all();
}
