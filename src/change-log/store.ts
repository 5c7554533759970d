import type { Db } from "../db/open.ts";
import { changeLog } from "../db/schema.ts";

export type ChangeLogRow = typeof changeLog.$inferSelect;

export function insertChange(db: Db, row: ChangeLogRow): void {
  db.insert(changeLog).values(row).run();
}
