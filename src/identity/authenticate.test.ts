import { describe, expect, test } from "bun:test";
import { LookupCache } from "../lib/lookup-cache.ts";
import { TEST_ACTOR, TEST_ORG, testCoreDeps } from "../testing/core-deps.ts";
import {
  createApiKey,
  ROTATION_OVERLAP_MS,
  revokeApiKey,
  rotateApiKey,
} from "./api-keys-service.ts";
import { authenticateOrgKey, type CachedKey } from "./authenticate.ts";

function setup() {
  const core = testCoreDeps();
  const apiKeyCache = new LookupCache<CachedKey>();
  const deps = { ...core.deps, invalidateLookups: () => apiKeyCache.clear() };
  return { ...core, deps: { ...deps, apiKeyCache } };
}

describe("org key authentication", () => {
  test("accepts the key as x-api-key or as a bearer token and remembers which", () => {
    const { deps } = setup();
    const { key, id } = createApiKey(deps, TEST_ACTOR, { name: "k" });

    const viaHeader = authenticateOrgKey(deps, new Headers({ "x-api-key": key }));
    const viaBearer = authenticateOrgKey(deps, new Headers({ authorization: `Bearer ${key}` }));

    expect(viaHeader).toMatchObject({ orgId: TEST_ORG, apiKeyId: id, keyStyle: "x-api-key" });
    expect(viaBearer).toMatchObject({ orgId: TEST_ORG, apiKeyId: id, keyStyle: "bearer" });
  });

  test("an identity-provider JWT in Authorization is not mistaken for the org key", () => {
    const { deps } = setup();
    const { key } = createApiKey(deps, TEST_ACTOR, { name: "k" });
    const jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1In0.c2ln";

    const principal = authenticateOrgKey(
      deps,
      new Headers({ "x-api-key": key, authorization: `Bearer ${jwt}` }),
    );

    expect(principal.keyStyle).toBe("x-api-key");
    expect(() => authenticateOrgKey(deps, new Headers({ authorization: `Bearer ${jwt}` }))).toThrow(
      /missing org API key/,
    );
  });

  test("unknown, malformed and revoked keys are refused with authentication_error", () => {
    const { deps } = setup();
    const { key, id } = createApiKey(deps, TEST_ACTOR, { name: "k" });
    const unknown = `org_${"A".repeat(43)}`;

    expect(() => authenticateOrgKey(deps, new Headers({ "x-api-key": unknown }))).toThrow(
      expect.objectContaining({ type: "authentication_error" }),
    );
    expect(() => authenticateOrgKey(deps, new Headers({ "x-api-key": "sk-ant-123" }))).toThrow();
    revokeApiKey(deps, TEST_ACTOR, id);
    expect(() => authenticateOrgKey(deps, new Headers({ "x-api-key": key }))).toThrow(/revoked/);
  });

  test("after rotation the old key serves 48 hours, then expires; the new key works", () => {
    const { deps, clock } = setup();
    const old = createApiKey(deps, TEST_ACTOR, { name: "k" });
    const successor = rotateApiKey(deps, TEST_ACTOR, old.id);

    clock.advance(ROTATION_OVERLAP_MS - 1);
    expect(authenticateOrgKey(deps, new Headers({ "x-api-key": old.key })).apiKeyId).toBe(old.id);
    clock.advance(1);

    expect(() => authenticateOrgKey(deps, new Headers({ "x-api-key": old.key }))).toThrow(
      /expired/,
    );
    expect(authenticateOrgKey(deps, new Headers({ "x-api-key": successor.key })).apiKeyId).toBe(
      successor.id,
    );
  });

  test("a key created while the org has one PAT key is bound to it", async () => {
    const { deps } = setup();
    const { createPatKey } = await import("../pat-keys/service.ts");
    const pat = createPatKey(deps, TEST_ACTOR, {
      label: "p",
      key: "sk-ant-api03-only-key-0000000",
    });

    const bound = createApiKey(deps, TEST_ACTOR, { name: "k" });
    const unbound = createApiKey(deps, TEST_ACTOR, { name: "u", pat_key_id: null });

    expect(bound.pat_key_id).toBe(pat.id);
    expect(unbound.pat_key_id).toBeNull();
  });

  test("keys are stored only as hashes", () => {
    const { deps } = setup();
    const { key } = createApiKey(deps, TEST_ACTOR, { name: "k" });

    const dump = JSON.stringify(deps.sqlite.query("SELECT * FROM api_keys").all());
    const changes = JSON.stringify(deps.sqlite.query("SELECT * FROM change_log").all());

    expect(dump).not.toContain(key);
    expect(dump).not.toContain(key.slice(4, 20));
    expect(changes).not.toContain(key);
  });
});
