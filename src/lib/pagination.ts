/**
 * Cursor pagination for admin lists: ids are time-ordered, so the cursor is simply the last
 * id of the previous page. Lists answer `{data, next_cursor}` (contract §5).
 */
import { z } from "zod";

export const pageQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().min(1).optional(),
});

export type PageQuery = z.infer<typeof pageQuerySchema>;

export interface Page<T> {
  data: T[];
  next_cursor: string | null;
}

/** Callers fetch `limit + 1` rows; the extra one only says whether another page exists. */
export function toPage<Row extends { id: string }, T>(
  rows: Row[],
  limit: number,
  present: (row: Row) => T,
): Page<T> {
  const pageRows = rows.slice(0, limit);
  const last = pageRows.at(-1);
  return {
    data: pageRows.map(present),
    next_cursor: rows.length > limit && last ? last.id : null,
  };
}
