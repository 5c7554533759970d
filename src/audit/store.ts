import { and, desc, eq, gte, lt, lte } from "drizzle-orm";
import type { Db } from "../db/open.ts";
import { placeholders } from "../db/placeholders.ts";
import { auditEntries } from "../db/schema.ts";

export type AuditEntryRow = typeof auditEntries.$inferSelect;

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

// The insert runs on every governed request; building and preparing drizzle's SQL each time
// was the largest cost on the hot path, so each database handle prepares it once.
const preparedInserts = new WeakMap<Db, ReturnType<typeof prepareInsert>>();

function prepareInsert(db: Db) {
  return db.insert(auditEntries).values(placeholders<AuditEntryRow>(AUDIT_COLUMNS)).prepare();
}

export function insertAuditEntry(db: Db, row: AuditEntryRow): void {
  let prepared = preparedInserts.get(db);
  if (!prepared) {
    prepared = prepareInsert(db);
    preparedInserts.set(db, prepared);
  }
  prepared.run(row);
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
