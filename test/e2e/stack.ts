/**
 * The walking skeleton's setup, done the way an admin would (admin API only): a fake Anthropic
 * and a fake Zendesk, the binary, a stored PAT, a Zendesk connector, a role allowing two tools
 * and an org API key for that role and PAT.
 */
import { type FakeAnthropic, startFakeAnthropic } from "../fakes/anthropic.ts";
import { FAKE_ZENDESK_DEFAULTS, type FakeZendesk, startFakeZendesk } from "../fakes/zendesk.ts";
import { type AdminClient, adminLogin, callJson } from "./admin-client.ts";
import { eventually, type KestraProcess, type StartOptions, startKestra } from "./harness.ts";

/** Distinctive secrets, so a grep for them cannot match anything else by chance. */
export const PAT_SECRET = "sk-ant-api03-e2e-PAT-secret-7f3c9a1d5e2b8046";
export const ZENDESK_TOKEN = "zd-e2e-api-token-4b8e1f6a9c3d7052";

export const ALLOWED_MODEL = "claude-sonnet-4-5-20250929";
export const DENIED_MODEL = "claude-opus-4-1-20250805";
export const MODEL_ALLOWLIST = [
  ALLOWED_MODEL,
  "fake-error-529",
  "fake-error-429",
  "fake-stream-error",
];
export const ALLOWED_TOOLS = ["zendesk__get_ticket", "zendesk__list_tickets"];

export interface Provisioned {
  orgKey: string;
  patKeyId: string;
  roleId: string;
  connector: { id: string; status: string; tools: string[] };
}

export interface Stack {
  kestra: KestraProcess;
  anthropic: FakeAnthropic;
  zendesk: FakeZendesk;
  admin: AdminClient;
  setup: Provisioned;
  /** Stops everything; answers the binary's exit code. */
  stop(): Promise<number>;
}

export async function provision(admin: AdminClient, zendeskUrl: string): Promise<Provisioned> {
  const patKey = await admin.request<{ id: string }>("POST", "/pat-keys", {
    label: "e2e team key",
    key: PAT_SECRET,
    model_allowlist: MODEL_ALLOWLIST,
  });
  const connector = await admin.request<Provisioned["connector"]>("POST", "/connectors", {
    type: "zendesk",
    name: "zendesk",
    base_url: zendeskUrl,
    credentials: { email: FAKE_ZENDESK_DEFAULTS.email, api_token: ZENDESK_TOKEN },
  });
  const role = await admin.request<{ id: string }>("POST", "/roles", {
    name: "support-agent",
    tools: Object.fromEntries(ALLOWED_TOOLS.map((tool) => [tool, "allow"])),
  });
  const apiKey = await admin.request<{ key: string }>("POST", "/api-keys", {
    name: "e2e client",
    role_id: role.id,
    pat_key_id: patKey.id,
  });
  return { orgKey: apiKey.key, patKeyId: patKey.id, roleId: role.id, connector };
}

export async function startStack(options: StartOptions = {}): Promise<Stack> {
  const anthropic = await startFakeAnthropic({ apiKeys: [PAT_SECRET] });
  const zendesk = startFakeZendesk({ apiToken: ZENDESK_TOKEN });
  const kestra = await startKestra({
    ...options,
    env: { KESTRA_PAT_UPSTREAM_URL: anthropic.url, ...options.env },
  });
  const admin = await adminLogin(kestra.url);
  const setup = await provision(admin, zendesk.url);
  return {
    kestra,
    anthropic,
    zendesk,
    admin,
    setup,
    async stop() {
      const code = await kestra.stop();
      await Promise.all([anthropic.stop(), zendesk.stop()]);
      return code;
    },
  };
}

export interface AuditUsage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
  outcome: string;
  status_code: number | null;
  model: string | null;
}

export interface AuditEntry {
  request_id: string;
  product: string;
  type: string;
  decision: string;
  reason: string | null;
  target: string | null;
  usage: AuditUsage | null;
}

export async function auditEntries(url: string, token: string): Promise<AuditEntry[]> {
  const answer = await callJson<{ data: AuditEntry[] }>(url, "GET", "/api/v1/audit?limit=200", {
    token,
  });
  if (answer.status !== 200) throw new Error(`GET /api/v1/audit answered ${answer.status}`);
  return answer.body.data;
}

/**
 * The audit entry of one request, once `ready` holds for it. Usage is committed when the
 * upstream answer ends, which may be just after the client has read the last byte.
 */
export function auditEntryOf(
  stack: Stack,
  requestId: string,
  ready: (entry: AuditEntry) => boolean = () => true,
): Promise<AuditEntry> {
  return eventually(`the audit entry of ${requestId}`, async () => {
    const entries = await auditEntries(stack.kestra.url, stack.admin.token);
    return entries.find((entry) => entry.request_id === requestId && ready(entry));
  });
}
