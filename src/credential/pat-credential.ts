/**
 * Credential layer for PAT Fortress: finds the PAT key this org API key uses (the one it is
 * bound to, else the org's newest ACTIVE one) and reveals its secret only when asked, so a
 * denied request never decrypts anything.
 */
import type { Principal } from "../identity/authenticate.ts";
import type { CoreDeps } from "../lib/deps.ts";
import { KestraError, unauthenticated } from "../lib/errors.ts";
import type { LookupCache } from "../lib/lookup-cache.ts";
import { patKeySealContext } from "../pat-keys/service.ts";
import { findDefaultPatKey, findPatKey, type PatKeyRow } from "../pat-keys/store.ts";

export interface PatCredential {
  patKey: PatKeyRow;
  reveal(): string;
}

export interface PatCredentialDeps extends CoreDeps {
  patKeyCache: LookupCache<PatKeyRow | null>;
}

export function resolvePatCredential(deps: PatCredentialDeps, principal: Principal): PatCredential {
  const cacheKey = `${principal.orgId}:${principal.patKeyId ?? "default"}`;
  const patKey = deps.patKeyCache.getOrLoad(cacheKey, () =>
    principal.patKeyId
      ? (findPatKey(deps.db, principal.orgId, principal.patKeyId) ?? null)
      : (findDefaultPatKey(deps.db, principal.orgId) ?? null),
  );
  if (!patKey) {
    throw new KestraError(
      "not_found_error",
      "No active PAT key is configured for this org API key",
    );
  }
  if (patKey.status === "REVOKED")
    throw unauthenticated("the PAT key behind this org API key is revoked");
  if (patKey.expiresAt !== null && patKey.expiresAt <= deps.clock.now()) {
    throw unauthenticated("the PAT key behind this org API key has expired");
  }
  return {
    patKey,
    reveal: () => deps.vault.open(patKeySealContext(patKey.orgId, patKey.id), patKey.secret),
  };
}
