/**
 * Org API keys: issue (shown once), list, rotate (the old key keeps working for 48 hours) and
 * revoke (at once). Also resolves a presented key to its record for the identity layer.
 */
import { type ChangeActor, recordChange } from "../change-log/service.ts";
import { type CoreDeps, inTransaction } from "../lib/deps.ts";
import { conflict, invalidRequest, notFound } from "../lib/errors.ts";
import { newId } from "../lib/ids.ts";
import { type Page, type PageQuery, toPage } from "../lib/pagination.ts";
import { isoTime, isoTimeOrNull } from "../lib/timestamps.ts";
import { findPatKey, listActivePatKeys } from "../pat-keys/store.ts";
import { findRole } from "../policy/store.ts";
import { apiKeyHint, generateApiKey, hashApiKey } from "./api-key-secret.ts";
import type { ApiKey, ApiKeyCreate, ApiKeyUpdate, ApiKeyWithSecret } from "./schema.ts";
import * as store from "./store.ts";

export const ROTATION_OVERLAP_MS = 48 * 60 * 60 * 1000;

export function presentApiKey(row: store.ApiKeyRow): ApiKey {
  return {
    id: row.id,
    name: row.name,
    key_hint: row.keyHint,
    user_id: row.userId,
    role_id: row.roleId,
    pat_key_id: row.patKeyId,
    status: row.status,
    expires_at: isoTimeOrNull(row.expiresAt),
    created_at: isoTime(row.createdAt),
  };
}

export function listApiKeys(deps: CoreDeps, orgId: string, page: PageQuery): Page<ApiKey> {
  const rows = store.listApiKeys(deps.db, orgId, page.limit + 1, page.cursor);
  return toPage(rows, page.limit, presentApiKey);
}

export function getApiKey(deps: CoreDeps, orgId: string, id: string): ApiKey {
  const row = store.findApiKey(deps.db, orgId, id);
  if (!row) throw notFound(`API key ${id}`);
  return presentApiKey(row);
}

function assertReferences(deps: CoreDeps, orgId: string, input: ApiKeyCreate): void {
  if (input.user_id && !store.findUser(deps.db, orgId, input.user_id)) {
    throw invalidRequest(`user_id: no user ${input.user_id}`);
  }
  if (input.role_id && !findRole(deps.db, orgId, input.role_id)) {
    throw invalidRequest(`role_id: no role ${input.role_id}`);
  }
  if (input.pat_key_id) {
    const patKey = findPatKey(deps.db, orgId, input.pat_key_id);
    if (!patKey) throw invalidRequest(`pat_key_id: no PAT key ${input.pat_key_id}`);
    if (patKey.status === "REVOKED") throw invalidRequest("pat_key_id: that PAT key is revoked");
  }
}

/**
 * A key created without `pat_key_id` is bound to the org's PAT key when there is exactly one,
 * so that adding another PAT key later cannot change which key (and limits) it uses.
 * An explicit `null` leaves it unbound.
 */
function defaultPatKeyId(deps: CoreDeps, orgId: string, input: ApiKeyCreate): string | null {
  if (input.pat_key_id !== undefined) return input.pat_key_id;
  const active = listActivePatKeys(deps.db, orgId, 2);
  return active.length === 1 ? (active[0]?.id ?? null) : null;
}

export function createApiKey(
  deps: CoreDeps,
  actor: ChangeActor,
  input: ApiKeyCreate,
): ApiKeyWithSecret {
  const key = generateApiKey();
  const now = deps.clock.now();
  const row: store.ApiKeyRow = {
    id: newId("key", now),
    orgId: actor.orgId,
    name: input.name,
    keyHash: hashApiKey(key),
    keyHint: apiKeyHint(key),
    userId: input.user_id ?? null,
    roleId: input.role_id ?? null,
    patKeyId: defaultPatKeyId(deps, actor.orgId, input),
    status: "ACTIVE",
    expiresAt: null,
    createdAt: now,
    updatedAt: now,
  };
  inTransaction(deps, () => {
    assertReferences(deps, actor.orgId, input);
    store.insertApiKey(deps.db, row);
    recordChange(deps.db, deps.clock, actor, {
      action: "api_key.created",
      targetType: "api_key",
      targetId: row.id,
      after: presentApiKey(row),
    });
  });
  deps.invalidateLookups();
  return { ...presentApiKey(row), key };
}

/** Changes a key's name or bindings; the key itself stays the same. */
export function updateApiKey(deps: CoreDeps, actor: ChangeActor, id: string, input: ApiKeyUpdate) {
  const updated = inTransaction(deps, () => {
    const before = store.findApiKey(deps.db, actor.orgId, id);
    if (!before) throw notFound(`API key ${id}`);
    if (before.status === "REVOKED") throw conflict(`API key ${id} is revoked`);
    assertReferences(deps, actor.orgId, { name: input.name ?? before.name, ...input });
    const patch: Partial<store.ApiKeyRow> = { updatedAt: deps.clock.now() };
    if (input.name !== undefined) patch.name = input.name;
    if (input.user_id !== undefined) patch.userId = input.user_id;
    if (input.role_id !== undefined) patch.roleId = input.role_id;
    if (input.pat_key_id !== undefined) patch.patKeyId = input.pat_key_id;
    store.updateApiKey(deps.db, actor.orgId, id, patch);
    const after = { ...before, ...patch };
    recordChange(deps.db, deps.clock, actor, {
      action: "api_key.updated",
      targetType: "api_key",
      targetId: id,
      before: presentApiKey(before),
      after: presentApiKey(after),
    });
    return after;
  });
  deps.invalidateLookups();
  return presentApiKey(updated);
}

/** Issues a successor with the same bindings; the old key serves 48 more hours, then expires. */
export function rotateApiKey(deps: CoreDeps, actor: ChangeActor, id: string): ApiKeyWithSecret {
  const key = generateApiKey();
  const now = deps.clock.now();
  const successor = inTransaction(deps, () => {
    const before = store.findApiKey(deps.db, actor.orgId, id);
    if (!before) throw notFound(`API key ${id}`);
    if (before.status !== "ACTIVE") throw conflict(`API key ${id} is ${before.status}, not ACTIVE`);

    const rotated = {
      status: "ROTATED" as const,
      expiresAt: now + ROTATION_OVERLAP_MS,
      updatedAt: now,
    };
    store.updateApiKey(deps.db, actor.orgId, id, rotated);
    const next: store.ApiKeyRow = {
      ...before,
      id: newId("key", now),
      keyHash: hashApiKey(key),
      keyHint: apiKeyHint(key),
      status: "ACTIVE",
      expiresAt: null,
      createdAt: now,
      updatedAt: now,
    };
    store.insertApiKey(deps.db, next);
    recordChange(deps.db, deps.clock, actor, {
      action: "api_key.rotated",
      targetType: "api_key",
      targetId: id,
      before: presentApiKey(before),
      after: { ...presentApiKey({ ...before, ...rotated }), successor_id: next.id },
    });
    return next;
  });
  deps.invalidateLookups();
  return { ...presentApiKey(successor), key };
}

export function revokeApiKey(deps: CoreDeps, actor: ChangeActor, id: string): void {
  inTransaction(deps, () => {
    const before = store.findApiKey(deps.db, actor.orgId, id);
    if (!before) throw notFound(`API key ${id}`);
    if (before.status === "REVOKED") return;
    const patch = { status: "REVOKED" as const, updatedAt: deps.clock.now() };
    store.updateApiKey(deps.db, actor.orgId, id, patch);
    recordChange(deps.db, deps.clock, actor, {
      action: "api_key.revoked",
      targetType: "api_key",
      targetId: id,
      before: presentApiKey(before),
      after: presentApiKey({ ...before, ...patch }),
    });
  });
  deps.invalidateLookups();
}
