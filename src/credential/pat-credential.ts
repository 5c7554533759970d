/**
 * Credential layer for PAT Fortress: finds the PAT key this org API key uses and reveals its
 * secret only when asked, so a denied request never decrypts anything. A key bound to a PAT
 * key uses that one. An unbound key uses the org's only ACTIVE PAT key; when the org has
 * several it is refused rather than guess, since a guess would let a newly added PAT key
 * (with other limits) silently take over the key's traffic.
 */
import type { Principal } from "../identity/authenticate.ts";
import type { CoreDeps } from "../lib/deps.ts";
import { invalidRequest, KestraError, unauthenticated } from "../lib/errors.ts";
import type { LookupCache } from "../lib/lookup-cache.ts";
import { patKeySealContext } from "../pat-keys/service.ts";
import { findPatKey, listActivePatKeys, type PatKeyRow } from "../pat-keys/store.ts";

export interface PatCredential {
  patKey: PatKeyRow;
  reveal(): string;
}

export interface PatCredentialDeps extends CoreDeps {
  patKeyCache: LookupCache<PatKeyRow | null>;
}

function onlyActivePatKey(deps: CoreDeps, orgId: string): PatKeyRow | null {
  const active = listActivePatKeys(deps.db, orgId, 2);
  if (active.length > 1) {
    throw invalidRequest(
      "this org API key is bound to no PAT key and the org has several; " +
        "an admin must bind it (PUT /api/v1/api-keys/{id} with pat_key_id)",
    );
  }
  return active[0] ?? null;
}

export function resolvePatCredential(deps: PatCredentialDeps, principal: Principal): PatCredential {
  const cacheKey = `${principal.orgId}:${principal.patKeyId ?? "default"}`;
  const patKey = deps.patKeyCache.getOrLoad(cacheKey, () =>
    principal.patKeyId
      ? (findPatKey(deps.db, principal.orgId, principal.patKeyId) ?? null)
      : onlyActivePatKey(deps, principal.orgId),
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
