import { describe, expect, test } from "bun:test";
import { getTableColumns } from "drizzle-orm";
import { auditEntries, usageRecords } from "../db/schema.ts";
import { AUDIT_COLUMNS } from "./store.ts";
import { USAGE_COLUMNS } from "./usage-store.ts";

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

describe("abandoned spend reservations", () => {
  test("are settled at their worst case when the appliance starts", async () => {
    const { freshDatabase } = await import("../testing/database.ts");
    const { insertUsageRecord, settleAbandonedReservations } = await import("./usage-store.ts");
    const handle = freshDatabase();
    const reserved = {
      auditId: "aud_1",
      orgId: "org_1",
      ts: 1,
      product: "pat" as const,
      patKeyId: "pat_1",
      model: "claude-sonnet-4-5",
      statusCode: null,
      outcome: "reserved" as const,
      inputTokens: 0,
      outputTokens: 0,
      cacheCreationInputTokens: 0,
      cacheReadInputTokens: 0,
      durationMs: 0,
      costUsd: 0,
      reservedUsd: 0.25,
    };
    insertUsageRecord(handle.db, reserved);
    insertUsageRecord(handle.db, {
      ...reserved,
      auditId: "aud_2",
      outcome: "completed",
      costUsd: 0.01,
    });

    const settled = settleAbandonedReservations(handle.db);

    expect(settled).toBe(1);
    expect(
      handle.sqlite
        .query("SELECT audit_id, outcome, cost_usd FROM usage_records ORDER BY audit_id")
        .all(),
    ).toEqual([
      { audit_id: "aud_1", outcome: "unsettled", cost_usd: 0.25 },
      { audit_id: "aud_2", outcome: "completed", cost_usd: 0.01 },
    ]);
  });
});
