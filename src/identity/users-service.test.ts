import { describe, expect, test } from "bun:test";
import { LookupCache } from "../lib/lookup-cache.ts";
import { createRole, deleteRole } from "../policy/roles-service.ts";
import { TEST_ACTOR, testCoreDeps } from "../testing/core-deps.ts";
import { createApiKey } from "./api-keys-service.ts";
import { authenticateOrgKey, type CachedKey } from "./authenticate.ts";
import { createUser, deleteUser, updateUser } from "./users-service.ts";

function setup() {
  const { deps } = testCoreDeps();
  const apiKeyCache = new LookupCache<CachedKey>();
  return { ...deps, apiKeyCache, invalidateLookups: () => apiKeyCache.clear() };
}

const admin = { email: "root@example.com", name: "Root", role_ids: [], is_admin: true };

describe("users", () => {
  test("deleting a user revokes their org API keys in the same change", async () => {
    const deps = setup();
    const user = await createUser(deps, TEST_ACTOR, {
      ...admin,
      email: "u@example.com",
      is_admin: false,
    });
    const { key, id } = createApiKey(deps, TEST_ACTOR, { name: "k", user_id: user.id });

    deleteUser(deps, TEST_ACTOR, user.id);

    expect(() => authenticateOrgKey(deps, new Headers({ "x-api-key": key }))).toThrow(/revoked/);
    const log = deps.sqlite
      .query("SELECT after FROM change_log WHERE action = 'user.deleted'")
      .get();
    expect(JSON.stringify(log)).toContain(id);
  });

  test("the last active admin cannot be demoted, disabled or deleted", async () => {
    const deps = setup();
    const only = await createUser(deps, TEST_ACTOR, admin);
    const actor = { ...TEST_ACTOR, actorId: "usr_someone_else" };

    for (const change of [{ is_admin: false }, { status: "disabled" as const }]) {
      await expect(updateUser(deps, actor, only.id, change)).rejects.toThrow(/last active admin/);
    }
    expect(() => deleteUser(deps, actor, only.id)).toThrow(/last active admin/);

    const second = await createUser(deps, TEST_ACTOR, { ...admin, email: "two@example.com" });
    expect((await updateUser(deps, actor, only.id, { is_admin: false })).is_admin).toBe(false);
    expect(second.is_admin).toBe(true);
  });

  test("a role still assigned to a user or key cannot be deleted", async () => {
    const deps = setup();
    const role = createRole(deps, TEST_ACTOR, {
      name: "r",
      tools: {},
      models: ["claude-haiku-4-5"],
    });
    createApiKey(deps, TEST_ACTOR, { name: "k", role_id: role.id });

    expect(() => deleteRole(deps, TEST_ACTOR, role.id)).toThrow(
      /assigned to 0 user\(s\) and 1 API key/,
    );
  });
});
