import { and, asc, desc, eq, gt } from "drizzle-orm";
import type { Db } from "../db/open.ts";
import { patKeys } from "../db/schema.ts";

export type PatKeyRow = typeof patKeys.$inferSelect;

export function findPatKey(db: Db, orgId: string, id: string): PatKeyRow | undefined {
  return db
    .select()
    .from(patKeys)
    .where(and(eq(patKeys.orgId, orgId), eq(patKeys.id, id)))
    .get();
}

/** Up to `limit` of the org's ACTIVE PAT keys, newest first. */
export function listActivePatKeys(db: Db, orgId: string, limit: number): PatKeyRow[] {
  return db
    .select()
    .from(patKeys)
    .where(and(eq(patKeys.orgId, orgId), eq(patKeys.status, "ACTIVE")))
    .orderBy(desc(patKeys.id))
    .limit(limit)
    .all();
}

export function listPatKeys(db: Db, orgId: string, limit: number, afterId?: string): PatKeyRow[] {
  const conditions = [eq(patKeys.orgId, orgId)];
  if (afterId) conditions.push(gt(patKeys.id, afterId));
  return db
    .select()
    .from(patKeys)
    .where(and(...conditions))
    .orderBy(asc(patKeys.id))
    .limit(limit)
    .all();
}

export function insertPatKey(db: Db, row: PatKeyRow): void {
  db.insert(patKeys).values(row).run();
}

export function updatePatKey(db: Db, orgId: string, id: string, patch: Partial<PatKeyRow>): void {
  db.update(patKeys)
    .set(patch)
    .where(and(eq(patKeys.orgId, orgId), eq(patKeys.id, id)))
    .run();
}
