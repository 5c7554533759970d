import { and, desc, eq, lt } from "drizzle-orm";
import type { Db } from "../db/open.ts";
import { changeLog } from "../db/schema.ts";

export type ChangeLogRow = typeof changeLog.$inferSelect;

export function insertChange(db: Db, row: ChangeLogRow): void {
  db.insert(changeLog).values(row).run();
}

export function listChanges(db: Db, orgId: string, limit: number, beforeId?: string) {
  const conditions = [eq(changeLog.orgId, orgId)];
  if (beforeId) conditions.push(lt(changeLog.id, beforeId));
  return db
    .select()
    .from(changeLog)
    .where(and(...conditions))
    .orderBy(desc(changeLog.id))
    .limit(limit)
    .all();
}
