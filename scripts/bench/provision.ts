/**
 * Sets up the org the bench talks through, with the admin API only, as an admin would:
 * a PAT key holding the fake's Anthropic key, a Zendesk connector, a role allowing its tools
 * and an org API key bound to that role.
 */
import { DEFAULT_FAKE_API_KEY } from "../../test/fakes/anthropic.ts";
import { FAKE_ZENDESK_DEFAULTS } from "../../test/fakes/zendesk.ts";

type Json = Record<string, unknown>;

async function call(url: string, token: string | null, path: string, body: Json) {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (token !== null) headers.authorization = `Bearer ${token}`;
  const response = await fetch(`${url}/api/v1${path}`, {
    method: "POST",
    headers,
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`POST /api/v1${path} answered ${response.status}: ${text}`);
  return JSON.parse(text) as Json;
}

function field(answer: Json, name: string, path: string): string {
  const value = answer[name];
  if (typeof value !== "string" || value === "") {
    throw new Error(
      `POST /api/v1${path} answered without a string "${name}": ${JSON.stringify(answer)}`,
    );
  }
  return value;
}

/** Returns the org API key (sent as `x-api-key` to /v1/messages and /v1/mcp). */
export async function provisionOrg(url: string, password: string, zendeskUrl: string) {
  const login = await call(url, null, "/auth/token", { email: "admin@localhost", password });
  const token = field(login, "access_token", "/auth/token");

  await call(url, token, "/pat-keys", { label: "bench", key: DEFAULT_FAKE_API_KEY });
  const connector = await call(url, token, "/connectors", {
    type: "zendesk",
    name: "zendesk",
    base_url: zendeskUrl,
    credentials: { email: FAKE_ZENDESK_DEFAULTS.email, api_token: FAKE_ZENDESK_DEFAULTS.apiToken },
  });
  // Only an ACTIVE connector serves tools; anything else would make every MCP call fail.
  if (connector.status !== "ACTIVE") {
    throw new Error(
      `the zendesk connector is ${String(connector.status)}, not ACTIVE: ` +
        `${String(connector.last_test_error)}`,
    );
  }
  const role = await call(url, token, "/roles", {
    name: "bench",
    tools: { "zendesk__*": "allow" },
  });
  const roleId = field(role, "id", "/roles");
  const apiKey = await call(url, token, "/api-keys", { name: "bench", role_id: roleId });
  return field(apiKey, "key", "/api-keys");
}
