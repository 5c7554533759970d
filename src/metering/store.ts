/** Reads of usage records for spend caps and the usage reports. */
import { and, eq, gte, inArray, lt, or, sql } from "drizzle-orm";
import type { Db } from "../db/open.ts";
import { patKeys, usageRecords } from "../db/schema.ts";

const totals = {
  requests: sql<number>`count(*)`,
  inputTokens: sql<number>`coalesce(sum(${usageRecords.inputTokens}), 0)`,
  outputTokens: sql<number>`coalesce(sum(${usageRecords.outputTokens}), 0)`,
  cacheCreationInputTokens: sql<number>`coalesce(sum(${usageRecords.cacheCreationInputTokens}), 0)`,
  cacheReadInputTokens: sql<number>`coalesce(sum(${usageRecords.cacheReadInputTokens}), 0)`,
  costUsd: sql<number>`coalesce(sum(${usageRecords.costUsd}), 0)`,
};

export type UsageTotals = { [K in keyof typeof totals]: number };

/**
 * What a spend account's calls in [start, end) cost (settled) and hold (still reserved). The
 * account is a PAT key and every key rotated from it (`lineage_id`).
 */
export function patKeyAccount(db: Db, accountId: string, startMs: number, endMs: number) {
  const chain = db
    .select({ id: patKeys.id })
    .from(patKeys)
    .where(or(eq(patKeys.id, accountId), eq(patKeys.lineageId, accountId)));
  const isReserved = sql`${usageRecords.outcome} = 'reserved'`;
  const row = db
    .select({
      spentUsd: sql<number>`coalesce(sum(case when ${isReserved} then 0
        else ${usageRecords.costUsd} end), 0)`,
      reservedUsd: sql<number>`coalesce(sum(case when ${isReserved}
        then ${usageRecords.reservedUsd} else 0 end), 0)`,
    })
    .from(usageRecords)
    .where(
      and(
        inArray(usageRecords.patKeyId, chain),
        gte(usageRecords.ts, startMs),
        lt(usageRecords.ts, endMs),
      ),
    )
    .get();
  return { spentUsd: row?.spentUsd ?? 0, reservedUsd: row?.reservedUsd ?? 0 };
}

/** Usage in [start, end) grouped by one column, for one org (optionally one PAT key). */
export function usageGroupedBy(
  db: Db,
  filter: { orgId: string; patKeyId?: string; startMs: number; endMs: number },
  group: "model" | "product" | "patKeyId",
): (UsageTotals & { key: string | null })[] {
  const column = usageRecords[group];
  const conditions = [
    eq(usageRecords.orgId, filter.orgId),
    gte(usageRecords.ts, filter.startMs),
    lt(usageRecords.ts, filter.endMs),
  ];
  if (filter.patKeyId) conditions.push(eq(usageRecords.patKeyId, filter.patKeyId));
  return db
    .select({ key: column, ...totals })
    .from(usageRecords)
    .where(and(...conditions))
    .groupBy(column)
    .all();
}
