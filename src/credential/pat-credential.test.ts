import { describe, expect, test } from "bun:test";
import type { Principal } from "../identity/authenticate.ts";
import { LookupCache } from "../lib/lookup-cache.ts";
import { createPatKey, revokePatKey } from "../pat-keys/service.ts";
import type { PatKeyRow } from "../pat-keys/store.ts";
import { TEST_ACTOR, TEST_ORG, testCoreDeps } from "../testing/core-deps.ts";
import { resolvePatCredential } from "./pat-credential.ts";

function setup() {
  const { deps, clock } = testCoreDeps();
  const patKeyCache = new LookupCache<PatKeyRow | null>();
  return { deps: { ...deps, patKeyCache, invalidateLookups: () => patKeyCache.clear() }, clock };
}

function principal(patKeyId: string | null): Principal {
  return {
    orgId: TEST_ORG,
    apiKeyId: "key_1",
    userId: null,
    roleIds: [],
    patKeyId,
    keyStyle: "x-api-key",
  };
}

describe("PAT credential layer", () => {
  test("uses the bound PAT key, else the newest active one; decrypts only on reveal", () => {
    const { deps, clock } = setup();
    const older = createPatKey(deps, TEST_ACTOR, {
      label: "old",
      key: "sk-ant-api03-older-key-000000",
    });
    clock.advance(1000);
    const newer = createPatKey(deps, TEST_ACTOR, {
      label: "new",
      key: "sk-ant-api03-newer-key-000000",
    });

    const bound = resolvePatCredential(deps, principal(older.id));
    const fallback = resolvePatCredential(deps, principal(null));

    expect(bound.patKey.id).toBe(older.id);
    expect(bound.reveal()).toBe("sk-ant-api03-older-key-000000");
    expect(fallback.patKey.id).toBe(newer.id);
  });

  test("a revoked bound key refuses, and no key at all is a clear 404", () => {
    const { deps } = setup();

    expect(() => resolvePatCredential(deps, principal(null))).toThrow(/No active PAT key/);
    const pat = createPatKey(deps, TEST_ACTOR, {
      label: "p",
      key: "sk-ant-api03-some-key-00000000",
    });
    revokePatKey(deps, TEST_ACTOR, pat.id);
    expect(() => resolvePatCredential(deps, principal(pat.id))).toThrow(/revoked/);
    expect(() => resolvePatCredential(deps, principal(null))).toThrow(/No active PAT key/);
  });
});
