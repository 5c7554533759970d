/**
 * Identity layer for the gateway and the proxy: turns the presented org API key into a
 * principal. The key may arrive as `x-api-key` (MCP configs, Anthropic SDK 0.x) or as
 * `Authorization: Bearer` (Anthropic SDK 1.x); the two are told apart from an identity-provider
 * token by shape, never by position alone. Lookups hit an in-memory cache keyed by key hash.
 */
import type { CoreDeps } from "../lib/deps.ts";
import { KestraError, unauthenticated } from "../lib/errors.ts";
import type { LookupCache } from "../lib/lookup-cache.ts";
import { hashApiKey, hashesMatch, looksLikeApiKey } from "./api-key-secret.ts";
import * as store from "./store.ts";

export type KeyStyle = "x-api-key" | "bearer";

export interface Principal {
  orgId: string;
  apiKeyId: string;
  userId: string | null;
  roleIds: string[];
  patKeyId: string | null;
  /** Which header carried the org key; the upstream credential goes back in the same style. */
  keyStyle: KeyStyle;
}

export interface CachedKey {
  row: store.ApiKeyRow;
  roleIds: string[];
  userActive: boolean;
}

export interface IdentityDeps extends CoreDeps {
  apiKeyCache: LookupCache<CachedKey>;
}

/** A key we know but refuse (revoked, expired, disabled user): its org can audit the refusal. */
export class RefusedKeyError extends KestraError {
  constructor(
    message: string,
    readonly orgId: string,
    readonly apiKeyId: string,
  ) {
    super("authentication_error", message);
  }
}

export function presentedOrgKey(headers: Headers): { key: string; style: KeyStyle } {
  const headerKey = headers.get("x-api-key")?.trim();
  if (headerKey) {
    if (!looksLikeApiKey(headerKey)) throw unauthenticated("invalid org API key");
    return { key: headerKey, style: "x-api-key" };
  }
  const authorization = headers.get("authorization") ?? "";
  const bearer = /^Bearer\s+(\S+)$/i.exec(authorization.trim())?.[1];
  if (bearer && looksLikeApiKey(bearer)) return { key: bearer, style: "bearer" };
  // A JWT in Authorization is an identity-provider token (Bank and Zero Trust tiers), which
  // comes beside the org key, never instead of it.
  if (bearer && !looksLikeJwt(bearer)) throw unauthenticated("invalid org API key");
  throw unauthenticated("missing org API key (send x-api-key or Authorization: Bearer)");
}

function looksLikeJwt(value: string): boolean {
  return /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(value);
}

export function authenticateOrgKey(deps: IdentityDeps, headers: Headers): Principal {
  const { key, style } = presentedOrgKey(headers);
  const hash = hashApiKey(key);
  const cached = deps.apiKeyCache.getOrLoad(hash.toString("hex"), () => loadKey(deps, hash));
  if (!cached || !hashesMatch(cached.row.keyHash, hash))
    throw unauthenticated("invalid org API key");

  const { row } = cached;
  const refuse = (message: string) => new RefusedKeyError(message, row.orgId, row.id);
  if (row.status === "REVOKED") throw refuse("this org API key has been revoked");
  if (row.expiresAt !== null && row.expiresAt <= deps.clock.now()) {
    throw refuse("this org API key has expired");
  }
  if (!cached.userActive) throw refuse("the user of this org API key is disabled");

  return {
    orgId: row.orgId,
    apiKeyId: row.id,
    userId: row.userId,
    roleIds: cached.roleIds,
    patKeyId: row.patKeyId,
    keyStyle: style,
  };
}

function loadKey(deps: CoreDeps, hash: Buffer): CachedKey | undefined {
  const row = store.findApiKeyByHash(deps.db, hash);
  if (!row) return undefined;
  const user = row.userId ? store.findUser(deps.db, row.orgId, row.userId) : undefined;
  const roleIds = row.roleId
    ? [row.roleId]
    : row.userId
      ? store.userRoleIds(deps.db, row.orgId, row.userId)
      : [];
  return { row, roleIds, userActive: !row.userId || user?.status === "active" };
}
