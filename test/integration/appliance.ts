/**
 * Starts the whole appliance in-process (the same `startAppliance` the binary runs) on a free
 * port with a fresh data directory, beside fake Anthropic and Zendesk servers, and sets up an
 * org through the admin API only, as an admin would.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { configSchema } from "../../src/config/schema.ts";
import { systemClock } from "../../src/lib/clock.ts";
import { createMemoryLogger } from "../../src/lib/logger.ts";
import { startAppliance } from "../../src/server/start.ts";
import { DEFAULT_FAKE_API_KEY, startFakeAnthropic } from "../fakes/anthropic.ts";
import { FAKE_ZENDESK_DEFAULTS, startFakeZendesk } from "../fakes/zendesk.ts";

export const ADMIN_PASSWORD = "integration-admin-password";

export async function startTestAppliance(server: { idle_timeout_seconds?: number } = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), "kestra-it-"));
  const anthropic = await startFakeAnthropic();
  const zendesk = startFakeZendesk();
  const parsed = configSchema.parse({
    server: { listen: "127.0.0.1:0", ...server },
    data_dir: dataDir,
    pat: { upstream_url: anthropic.url },
  });
  const config = {
    ...parsed,
    master_key_file: join(dataDir, "master.key"),
    server: { ...parsed.server, public_url: "http://127.0.0.1:1" },
  };
  const logger = createMemoryLogger("debug");
  const appliance = await startAppliance({
    config,
    logger,
    clock: systemClock,
    bootstrapPassword: ADMIN_PASSWORD,
  });
  const baseUrl = appliance.urls[0] ?? "";

  const admin = await adminClient(baseUrl);
  return {
    baseUrl,
    dataDir,
    anthropic,
    zendesk,
    admin,
    logger,
    async stop() {
      await appliance.stop();
      await anthropic.stop();
      await zendesk.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export type TestAppliance = Awaited<ReturnType<typeof startTestAppliance>>;

export async function adminClient(baseUrl: string) {
  const login = await fetch(`${baseUrl}/api/v1/auth/token`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email: "admin@localhost", password: ADMIN_PASSWORD }),
  });
  const { access_token: token } = (await login.json()) as { access_token: string };
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${baseUrl}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return {
      status: response.status,
      body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
    };
  };
  return { token, call };
}

/** The Done-when setup: a PAT, a Zendesk connector, a support role and an org key for it. */
export async function provisionSupportDesk(appliance: TestAppliance, allowlist?: string[]) {
  const { call } = appliance.admin;
  const pat = await call("POST", "/pat-keys", {
    label: "Production",
    key: DEFAULT_FAKE_API_KEY,
    model_allowlist: allowlist ?? ["claude-sonnet-4-5-20250929"],
  });
  const connector = await call("POST", "/connectors", {
    type: "zendesk",
    name: "zendesk",
    base_url: appliance.zendesk.url,
    credentials: { email: FAKE_ZENDESK_DEFAULTS.email, api_token: FAKE_ZENDESK_DEFAULTS.apiToken },
  });
  const role = await call("POST", "/roles", {
    name: "Support Agent",
    tools: { zendesk__list_tickets: "allow", zendesk__get_ticket: "allow", "zendesk__*": "deny" },
  });
  const apiKey = await call("POST", "/api-keys", { name: "support", role_id: role.body.id });
  return { pat, connector, role, orgKey: String(apiKey.body.key) };
}
