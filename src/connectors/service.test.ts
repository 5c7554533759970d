import { afterAll, describe, expect, test } from "bun:test";
import { FAKE_ZENDESK_DEFAULTS, startFakeZendesk } from "../../test/fakes/zendesk.ts";
import { createHttpClient } from "../lib/http-client.ts";
import { TEST_ACTOR, TEST_ORG, testCoreDeps } from "../testing/core-deps.ts";
import {
  createConnector,
  deleteConnector,
  disableConnector,
  enableConnector,
  revealConnectorConfig,
  rotateConnector,
  testConnector,
  updateConnector,
} from "./service.ts";
import { findConnector } from "./store.ts";

const zendesk = startFakeZendesk();
afterAll(() => zendesk.stop());

const CREDENTIALS = {
  email: FAKE_ZENDESK_DEFAULTS.email,
  api_token: FAKE_ZENDESK_DEFAULTS.apiToken,
};

function setup() {
  const core = testCoreDeps();
  return { ...core, deps: { ...core.deps, http: createHttpClient({ maxRetries: 0 }) } };
}

function create(deps: ReturnType<typeof setup>["deps"], credentials: object = CREDENTIALS) {
  return createConnector(deps, TEST_ACTOR, {
    type: "zendesk",
    name: "zendesk",
    base_url: zendesk.url,
    credentials: credentials as Record<string, unknown>,
    settings: {},
  });
}

describe("connectors", () => {
  test("create seals the credentials, tests the connection and goes ACTIVE", async () => {
    const { deps } = setup();

    const connector = await create(deps);

    expect(connector).toMatchObject({ status: "ACTIVE", last_test_error: null });
    expect(connector.tools).toContain("zendesk__list_tickets");
    expect(connector.credential_hints.api_token).not.toContain(FAKE_ZENDESK_DEFAULTS.apiToken);
    const row = findConnector(deps.db, TEST_ORG, connector.id);
    expect(row?.credentials.includes(Buffer.from(FAKE_ZENDESK_DEFAULTS.apiToken))).toBe(false);
    expect(row && revealConnectorConfig(deps, row).credentials).toEqual(CREDENTIALS);
  });

  test("bad credentials leave it OFFLINE with the reason, never the token", async () => {
    const { deps } = setup();

    const connector = await create(deps, {
      email: CREDENTIALS.email,
      api_token: "wrong-token-123",
    });

    expect(connector.status).toBe("OFFLINE");
    expect(connector.last_test_error).toContain("401");
    expect(connector.last_test_error).not.toContain("wrong-token-123");
  });

  test("the lifecycle refuses actions outside the docs' table with 409", async () => {
    const { deps } = setup();
    const { id } = await create(deps);

    const killed = disableConnector(deps, TEST_ACTOR, id);
    const testWhileKilled = await testConnector(deps, TEST_ACTOR, id).catch((error) => error);
    const reenabled = await enableConnector(deps, TEST_ACTOR, id);

    expect(killed.status).toBe("KILLED");
    expect(testWhileKilled).toMatchObject({ type: "conflict_error", status: 409 });
    expect(reenabled.status).toBe("ACTIVE");
  });

  test("rotation replaces credentials and re-tests; the change log holds hints only", async () => {
    const { deps } = setup();
    const { id } = await create(deps);

    const rotated = await rotateConnector(deps, TEST_ACTOR, id, {
      oauth_token: FAKE_ZENDESK_DEFAULTS.oauthToken,
    });
    deleteConnector(deps, TEST_ACTOR, id);

    expect(rotated.status).toBe("ACTIVE");
    const log = JSON.stringify(deps.sqlite.query("SELECT * FROM change_log").all());
    expect(log).toContain("connector.rotated");
    expect(log).toContain("connector.deleted");
    expect(log).not.toContain(FAKE_ZENDESK_DEFAULTS.apiToken);
    expect(log).not.toContain(FAKE_ZENDESK_DEFAULTS.oauthToken);
  });

  test("moving a connector to another host needs its credentials again", async () => {
    const { deps } = setup();
    const { id } = await create(deps);
    const elsewhere = startFakeZendesk();

    const refused = await updateConnector(deps, TEST_ACTOR, id, { base_url: elsewhere.url }).catch(
      (error) => error,
    );
    const moved = await updateConnector(deps, TEST_ACTOR, id, {
      base_url: elsewhere.url,
      credentials: CREDENTIALS,
    });
    await elsewhere.stop();

    expect(refused).toMatchObject({ type: "invalid_request_error" });
    expect(String(refused.message)).toContain("credentials");
    expect(moved).toMatchObject({ base_url: elsewhere.url, status: "ACTIVE" });
  });

  test("names that would break the tool prefix are refused", async () => {
    const { connectorCreateSchema } = await import("./schema.ts");

    for (const name of ["zen__desk", "Zendesk", "zendesk_", "-zd", ""]) {
      expect(
        connectorCreateSchema.safeParse({ type: "zendesk", name, credentials: {} }).success,
      ).toBe(false);
    }
    expect(
      connectorCreateSchema.safeParse({ type: "zendesk", name: "zen_desk-2", credentials: {} })
        .success,
    ).toBe(true);
  });
});
