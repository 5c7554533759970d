/**
 * The audit trail of governed requests. A decision's entry is committed (group-committed
 * through the write queue) before the request is answered or forwarded: when it cannot be
 * written, the caller refuses the request. A Claude call's usage record (holding its spend
 * reservation) commits in the same transaction as its decision and is settled when the answer
 * ends; a tool call's usage record is written when the call ends.
 */
import type { CoreDeps } from "../lib/deps.ts";
import { newId } from "../lib/ids.ts";
import { type Page, toPage } from "../lib/pagination.ts";
import { isoTime } from "../lib/timestamps.ts";
import type { AuditEntry, AuditQuery } from "./schema.ts";
import * as store from "./store.ts";
import * as usageStore from "./usage-store.ts";

export type AuditDecision = store.AuditEntryRow["decision"];

export interface DecisionRecord {
  orgId: string;
  requestId: string;
  product: "mcp" | "pat";
  type: string;
  decision: AuditDecision;
  reason?: string | null;
  target?: string | null;
  apiKeyId?: string | null;
  userId?: string | null;
  roleId?: string | null;
  ip?: string | null;
  detail?: Record<string, unknown> | null;
}

export type UsageRecord = Omit<usageStore.UsageRecordRow, "ts" | "orgId" | "auditId">;
export type UsageSettlement = usageStore.UsageSettlement;

/**
 * Commits a decision, and with it (atomically) the usage record that reserves the call's
 * worst-case spend; resolves with the entry id once durable.
 */
export async function recordDecision(
  deps: CoreDeps,
  record: DecisionRecord,
  reservedUsage?: UsageRecord,
): Promise<string> {
  const now = deps.clock.now();
  const row: store.AuditEntryRow = {
    id: newId("aud", now),
    orgId: record.orgId,
    ts: now,
    requestId: record.requestId,
    product: record.product,
    type: record.type,
    decision: record.decision,
    reason: record.reason ?? null,
    target: record.target ?? null,
    apiKeyId: record.apiKeyId ?? null,
    userId: record.userId ?? null,
    roleId: record.roleId ?? null,
    ip: record.ip ?? null,
    detail: record.detail ?? null,
  };
  const usage = reservedUsage && { ...reservedUsage, auditId: row.id, orgId: row.orgId, ts: now };
  await deps.writes.enqueue((db) => {
    store.insertAuditEntry(db, row);
    if (usage) usageStore.insertUsageRecord(db, usage);
  });
  return row.id;
}

export async function settleUsage(deps: CoreDeps, auditId: string, settlement: UsageSettlement) {
  await deps.writes.enqueue((db) => usageStore.settleUsageRecord(db, auditId, settlement));
}

export async function recordUsage(
  deps: CoreDeps,
  entry: { orgId: string; auditId: string },
  usage: UsageRecord,
): Promise<void> {
  const row: usageStore.UsageRecordRow = {
    ...usage,
    auditId: entry.auditId,
    orgId: entry.orgId,
    ts: deps.clock.now(),
  };
  await deps.writes.enqueue((db) => usageStore.insertUsageRecord(db, row));
}

export function listAudit(deps: CoreDeps, orgId: string, query: AuditQuery): Page<AuditEntry> {
  const rows = store.listAuditEntries(
    deps.db,
    {
      orgId,
      type: query.type,
      actor: query.actor,
      decision: query.decision,
      sinceMs: query.since ? Date.parse(query.since) : undefined,
      untilMs: query.until ? Date.parse(query.until) : undefined,
      beforeId: query.cursor,
    },
    query.limit + 1,
  );
  const usage = new Map(
    usageStore
      .usageForEntries(
        deps.db,
        orgId,
        rows.map((row) => row.id),
      )
      .map((u) => [u.auditId, u]),
  );
  return toPage(rows, query.limit, (row) => presentAuditEntry(row, usage.get(row.id)));
}

function presentAuditEntry(
  row: store.AuditEntryRow,
  usage?: usageStore.UsageRecordRow,
): AuditEntry {
  return {
    id: row.id,
    ts: isoTime(row.ts),
    request_id: row.requestId,
    product: row.product,
    type: row.type,
    decision: row.decision,
    reason: row.reason,
    target: row.target,
    actor: row.apiKeyId,
    user_id: row.userId,
    role_id: row.roleId,
    ip: row.ip,
    detail: row.detail ?? null,
    usage: usage
      ? {
          model: usage.model,
          status_code: usage.statusCode,
          outcome: usage.outcome,
          input_tokens: usage.inputTokens,
          output_tokens: usage.outputTokens,
          cache_creation_input_tokens: usage.cacheCreationInputTokens,
          cache_read_input_tokens: usage.cacheReadInputTokens,
          duration_ms: usage.durationMs,
          estimated_cost_usd: usage.costUsd,
        }
      : null,
  };
}
