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
  test("uses the bound PAT key; an unbound key uses the only active one, never a guess", () => {
    const { deps, clock } = setup();
    const first = createPatKey(deps, TEST_ACTOR, {
      label: "a",
      key: "sk-ant-api03-first-key-000000",
    });

    const onlyOne = resolvePatCredential(deps, principal(null));
    clock.advance(1000);
    const second = createPatKey(deps, TEST_ACTOR, {
      label: "b",
      key: "sk-ant-api03-second-key-00000",
    });
    const bound = resolvePatCredential(deps, principal(second.id));

    expect(onlyOne.patKey.id).toBe(first.id);
    expect(onlyOne.reveal()).toBe("sk-ant-api03-first-key-000000");
    expect(bound.patKey.id).toBe(second.id);
    expect(() => resolvePatCredential(deps, principal(null))).toThrow(/bound to no PAT key/);
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
