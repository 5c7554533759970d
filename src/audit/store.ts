import { and, desc, eq, gte, inArray, lt, lte } from "drizzle-orm";
import type { Db } from "../db/open.ts";
import { auditEntries, usageRecords } from "../db/schema.ts";

export type AuditEntryRow = typeof auditEntries.$inferSelect;
export type UsageRecordRow = typeof usageRecords.$inferSelect;

export function insertAuditEntry(db: Db, row: AuditEntryRow): void {
  db.insert(auditEntries).values(row).run();
}

export function insertUsageRecord(db: Db, row: UsageRecordRow): void {
  db.insert(usageRecords).values(row).run();
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
