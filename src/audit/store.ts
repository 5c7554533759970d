import { and, desc, eq, gte, inArray, lt, lte, type Placeholder, sql } from "drizzle-orm";
import type { Db } from "../db/open.ts";
import { auditEntries, usageRecords } from "../db/schema.ts";

export type AuditEntryRow = typeof auditEntries.$inferSelect;
export type UsageRecordRow = typeof usageRecords.$inferSelect;

/** Every column as a named placeholder, so the insert is built and prepared only once. */
function placeholders<Row extends object>(columns: readonly (keyof Row & string)[]) {
  // Safe: the object has exactly one placeholder per listed column, and store.test.ts checks
  // that the lists name every column of their table.
  return Object.fromEntries(
    columns.map((column) => [column, sql.placeholder(column)]),
  ) as unknown as {
    [K in keyof Row]: Placeholder;
  };
}

export const AUDIT_COLUMNS = [
  "id",
  "orgId",
  "ts",
  "requestId",
  "product",
  "type",
  "decision",
  "reason",
  "target",
  "apiKeyId",
  "userId",
  "roleId",
  "ip",
  "detail",
] as const satisfies readonly (keyof AuditEntryRow)[];

export const USAGE_COLUMNS = [
  "auditId",
  "orgId",
  "ts",
  "product",
  "patKeyId",
  "model",
  "statusCode",
  "outcome",
  "inputTokens",
  "outputTokens",
  "cacheCreationInputTokens",
  "cacheReadInputTokens",
  "durationMs",
] as const satisfies readonly (keyof UsageRecordRow)[];

function prepareInserts(db: Db) {
  return {
    auditEntry: db
      .insert(auditEntries)
      .values(placeholders<AuditEntryRow>(AUDIT_COLUMNS))
      .prepare(),
    usageRecord: db
      .insert(usageRecords)
      .values(placeholders<UsageRecordRow>(USAGE_COLUMNS))
      .prepare(),
  };
}

// These inserts run on every governed request; building and preparing drizzle's SQL each time
// was the largest cost on the hot path, so each database handle prepares them once.
const preparedInserts = new WeakMap<Db, ReturnType<typeof prepareInserts>>();

function insertsFor(db: Db) {
  let prepared = preparedInserts.get(db);
  if (!prepared) {
    prepared = prepareInserts(db);
    preparedInserts.set(db, prepared);
  }
  return prepared;
}

export function insertAuditEntry(db: Db, row: AuditEntryRow): void {
  insertsFor(db).auditEntry.run(row);
}

export function insertUsageRecord(db: Db, row: UsageRecordRow): void {
  insertsFor(db).usageRecord.run(row);
}

export interface AuditFilter {
  orgId: string;
  type?: string | undefined;
  actor?: string | undefined;
  decision?: AuditEntryRow["decision"] | undefined;
  sinceMs?: number | undefined;
  untilMs?: number | undefined;
  beforeId?: string | undefined;
}

/** Newest first; `beforeId` continues from the previous page's last entry. */
export function listAuditEntries(db: Db, filter: AuditFilter, limit: number): AuditEntryRow[] {
  const conditions = [eq(auditEntries.orgId, filter.orgId)];
  if (filter.type) conditions.push(eq(auditEntries.type, filter.type));
  if (filter.actor) conditions.push(eq(auditEntries.apiKeyId, filter.actor));
  if (filter.decision) conditions.push(eq(auditEntries.decision, filter.decision));
  if (filter.sinceMs !== undefined) conditions.push(gte(auditEntries.ts, filter.sinceMs));
  if (filter.untilMs !== undefined) conditions.push(lte(auditEntries.ts, filter.untilMs));
  if (filter.beforeId) conditions.push(lt(auditEntries.id, filter.beforeId));
  return db
    .select()
    .from(auditEntries)
    .where(and(...conditions))
    .orderBy(desc(auditEntries.id))
    .limit(limit)
    .all();
}

export function usageForEntries(db: Db, orgId: string, auditIds: string[]): UsageRecordRow[] {
  if (auditIds.length === 0) return [];
  return db
    .select()
    .from(usageRecords)
    .where(and(eq(usageRecords.orgId, orgId), inArray(usageRecords.auditId, auditIds)))
    .all();
}
