/**
 * PAT keys: the real Anthropic keys the proxy holds. The key is sealed by the vault at create
 * and only ever leaves it for an upstream call; answers and the change log show `key_hint`.
 */
import { type ChangeActor, recordChange } from "../change-log/service.ts";
import { rebindApiKeysToPatKey } from "../identity/store.ts";
import { type CoreDeps, inTransaction } from "../lib/deps.ts";
import { conflict, notFound } from "../lib/errors.ts";
import { newId } from "../lib/ids.ts";
import { type Page, type PageQuery, toPage } from "../lib/pagination.ts";
import { secretHint } from "../lib/secret-hint.ts";
import { isoTime, isoTimeOrNull } from "../lib/timestamps.ts";
import type { SealContext } from "../vault/envelope.ts";
import type { PatKey, PatKeyCreate, PatKeyUpdate } from "./schema.ts";
import * as store from "./store.ts";

export function patKeySealContext(orgId: string, id: string): SealContext {
  return { orgId, table: "pat_keys", rowId: id, column: "secret" };
}

export function presentPatKey(row: store.PatKeyRow): PatKey {
  return {
    id: row.id,
    label: row.label,
    key_hint: row.keyHint,
    model_allowlist: row.modelAllowlist ?? null,
    max_tokens_per_request: row.maxTokensPerRequest,
    monthly_spend_cap_usd: row.monthlySpendCapUsd,
    status: row.status,
    expires_at: isoTimeOrNull(row.expiresAt),
    created_at: isoTime(row.createdAt),
    updated_at: isoTime(row.updatedAt),
  };
}

export function listPatKeys(deps: CoreDeps, orgId: string, page: PageQuery): Page<PatKey> {
  const rows = store.listPatKeys(deps.db, orgId, page.limit + 1, page.cursor);
  return toPage(rows, page.limit, presentPatKey);
}

export function getPatKey(deps: CoreDeps, orgId: string, id: string): PatKey {
  const row = store.findPatKey(deps.db, orgId, id);
  if (!row) throw notFound(`PAT key ${id}`);
  return presentPatKey(row);
}

export function createPatKey(deps: CoreDeps, actor: ChangeActor, input: PatKeyCreate): PatKey {
  const now = deps.clock.now();
  const id = newId("pat", now);
  const row = inTransaction(deps, () => {
    deps.vault.ensureOrgKey(actor.orgId);
    const created: store.PatKeyRow = {
      id,
      orgId: actor.orgId,
      label: input.label,
      secret: deps.vault.seal(patKeySealContext(actor.orgId, id), input.key),
      keyHint: secretHint(input.key),
      modelAllowlist: input.model_allowlist ?? null,
      maxTokensPerRequest: input.max_tokens_per_request ?? null,
      monthlySpendCapUsd: input.monthly_spend_cap_usd ?? null,
      status: "ACTIVE",
      expiresAt: null,
      lineageId: null,
      createdAt: now,
      updatedAt: now,
    };
    store.insertPatKey(deps.db, created);
    recordChange(deps.db, deps.clock, actor, {
      action: "pat_key.created",
      targetType: "pat_key",
      targetId: id,
      after: presentPatKey(created),
    });
    return created;
  });
  deps.invalidateLookups();
  return presentPatKey(row);
}

export function updatePatKey(deps: CoreDeps, actor: ChangeActor, id: string, input: PatKeyUpdate) {
  const row = inTransaction(deps, () => {
    const before = store.findPatKey(deps.db, actor.orgId, id);
    if (!before) throw notFound(`PAT key ${id}`);
    if (before.status === "REVOKED") throw conflict(`PAT key ${id} is revoked`);
    const patch: Partial<store.PatKeyRow> = { updatedAt: deps.clock.now() };
    if (input.label !== undefined) patch.label = input.label;
    if (input.model_allowlist !== undefined) patch.modelAllowlist = input.model_allowlist;
    if (input.max_tokens_per_request !== undefined) {
      patch.maxTokensPerRequest = input.max_tokens_per_request;
    }
    if (input.monthly_spend_cap_usd !== undefined) {
      patch.monthlySpendCapUsd = input.monthly_spend_cap_usd;
    }
    store.updatePatKey(deps.db, actor.orgId, id, patch);
    const after = { ...before, ...patch };
    recordChange(deps.db, deps.clock, actor, {
      action: "pat_key.updated",
      targetType: "pat_key",
      targetId: id,
      before: presentPatKey(before),
      after: presentPatKey(after),
    });
    return after;
  });
  deps.invalidateLookups();
  return presentPatKey(row);
}

/** The spend account a PAT key's cap counts against: the first key of its rotation chain. */
export function spendAccountOf(patKey: Pick<store.PatKeyRow, "id" | "lineageId">): string {
  return patKey.lineageId ?? patKey.id;
}

export const PAT_ROTATION_OVERLAP_MS = 48 * 60 * 60 * 1000;

/**
 * Replaces a PAT key's secret with a successor record (same label and limits) that org API
 * keys bound to the old one now use. The old record turns ROTATED and expires after 48 hours;
 * its usage history stays with it, and both belong to one spend account for the cap.
 */
export function rotatePatKey(deps: CoreDeps, actor: ChangeActor, id: string, key: string) {
  const now = deps.clock.now();
  const successor = inTransaction(deps, () => {
    const before = store.findPatKey(deps.db, actor.orgId, id);
    if (!before) throw notFound(`PAT key ${id}`);
    if (before.status !== "ACTIVE") throw conflict(`PAT key ${id} is ${before.status}, not ACTIVE`);

    const rotated = {
      status: "ROTATED" as const,
      expiresAt: now + PAT_ROTATION_OVERLAP_MS,
      updatedAt: now,
    };
    store.updatePatKey(deps.db, actor.orgId, id, rotated);
    const nextId = newId("pat", now);
    const next: store.PatKeyRow = {
      ...before,
      id: nextId,
      secret: deps.vault.seal(patKeySealContext(actor.orgId, nextId), key),
      keyHint: secretHint(key),
      status: "ACTIVE",
      expiresAt: null,
      lineageId: spendAccountOf(before),
      createdAt: now,
      updatedAt: now,
    };
    store.insertPatKey(deps.db, next);
    const rebound = rebindApiKeysToPatKey(deps.db, actor.orgId, id, nextId, now);
    recordChange(deps.db, deps.clock, actor, {
      action: "pat_key.rotated",
      targetType: "pat_key",
      targetId: id,
      before: presentPatKey(before),
      after: {
        ...presentPatKey({ ...before, ...rotated }),
        successor_id: nextId,
        rebound_api_key_ids: rebound,
      },
    });
    return next;
  });
  deps.invalidateLookups();
  return presentPatKey(successor);
}

/** Revocation is permanent; the row stays so usage history keeps its key. */
export function revokePatKey(deps: CoreDeps, actor: ChangeActor, id: string): void {
  inTransaction(deps, () => {
    const before = store.findPatKey(deps.db, actor.orgId, id);
    if (!before) throw notFound(`PAT key ${id}`);
    if (before.status === "REVOKED") return;
    const patch = { status: "REVOKED" as const, updatedAt: deps.clock.now() };
    store.updatePatKey(deps.db, actor.orgId, id, patch);
    recordChange(deps.db, deps.clock, actor, {
      action: "pat_key.revoked",
      targetType: "pat_key",
      targetId: id,
      before: presentPatKey(before),
      after: presentPatKey({ ...before, ...patch }),
    });
  });
  deps.invalidateLookups();
}
