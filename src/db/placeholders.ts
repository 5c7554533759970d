import { type Placeholder, sql } from "drizzle-orm";

/**
 * Every listed column as a named placeholder, so a hot-path statement is built and prepared
 * once and then run with a row. Stores pair each list with a test that it names every column
 * of its table, since a column left out would silently take its default.
 */
export function placeholders<Row extends object>(columns: readonly (keyof Row & string)[]) {
  // Safe: the object holds exactly one placeholder per listed column.
  return Object.fromEntries(
    columns.map((column) => [column, sql.placeholder(column)]),
  ) as unknown as { [K in keyof Row]: Placeholder };
}
