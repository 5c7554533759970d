/**
 * Usage reports: one PAT key's month (`GET /pat-keys/{id}/usage`, contract §5) and the org's
 * month per product, PAT key and model (`GET /metering/usage`). Spend is estimated from the
 * embedded price table; reserved calls still in flight are not counted until they settle.
 */
import type { CoreDeps } from "../lib/deps.ts";
import { notFound } from "../lib/errors.ts";
import { spendAccountOf } from "../pat-keys/service.ts";
import { findPatKey } from "../pat-keys/store.ts";
import { monthOf } from "./period.ts";
import { patKeyAccount, type UsageTotals, usageGroupedBy } from "./store.ts";

const round = (usd: number) => Math.round(usd * 1_000_000) / 1_000_000;

function presentTotals(rows: readonly UsageTotals[]) {
  const sum = (field: keyof UsageTotals) => rows.reduce((total, row) => total + row[field], 0);
  return {
    requests: sum("requests"),
    input_tokens: sum("inputTokens"),
    output_tokens: sum("outputTokens"),
    cache_creation_input_tokens: sum("cacheCreationInputTokens"),
    cache_read_input_tokens: sum("cacheReadInputTokens"),
    estimated_spend_usd: round(sum("costUsd")),
  };
}

function byKey(rows: (UsageTotals & { key: string | null })[]) {
  return Object.fromEntries(rows.map((row) => [row.key ?? "unknown", presentTotals([row])]));
}

export function getPatKeyUsage(deps: CoreDeps, orgId: string, patKeyId: string) {
  const patKey = findPatKey(deps.db, orgId, patKeyId);
  if (!patKey) throw notFound(`PAT key ${patKeyId}`);
  const period = monthOf(deps.clock.now());
  const byModel = usageGroupedBy(
    deps.db,
    { orgId, patKeyId, startMs: period.startMs, endMs: period.endMs },
    "model",
  );
  const totals = presentTotals(byModel);
  const cap = patKey.monthlySpendCapUsd;
  // The cap counts the whole rotation chain's month, not only this key's share of it.
  const account = patKeyAccount(deps.db, spendAccountOf(patKey), period.startMs, period.endMs);
  return {
    pat_key_id: patKeyId,
    period: period.name,
    ...totals,
    monthly_spend_cap_usd: cap,
    remaining_usd: cap === null ? null : round(Math.max(0, cap - account.spentUsd)),
    percent_of_cap: cap === null ? null : round((account.spentUsd / cap) * 100),
    by_model: byKey(byModel),
  };
}

export function getOrgUsage(deps: CoreDeps, orgId: string) {
  const period = monthOf(deps.clock.now());
  const filter = { orgId, startMs: period.startMs, endMs: period.endMs };
  const byProduct = usageGroupedBy(deps.db, filter, "product");
  return {
    period: period.name,
    ...presentTotals(byProduct),
    by_product: byKey(byProduct),
    by_pat_key: byKey(usageGroupedBy(deps.db, { ...filter }, "patKeyId").filter((row) => row.key)),
    by_model: byKey(usageGroupedBy(deps.db, filter, "model").filter((row) => row.key)),
  };
}
