import { describe, expect, test } from "bun:test";
import { getTableColumns } from "drizzle-orm";
import { auditEntries, usageRecords } from "../db/schema.ts";
import { AUDIT_COLUMNS, USAGE_COLUMNS } from "./store.ts";

describe("prepared audit inserts", () => {
  test("name every column of their tables, so none is silently left out", () => {
    expect<string[]>([...AUDIT_COLUMNS].sort()).toEqual(
      Object.keys(getTableColumns(auditEntries)).sort(),
    );
    expect<string[]>([...USAGE_COLUMNS].sort()).toEqual(
      Object.keys(getTableColumns(usageRecords)).sort(),
    );
  });
});
