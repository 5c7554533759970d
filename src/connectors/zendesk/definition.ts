/**
 * The Zendesk catalog entry: credential and settings schemas, the base URL rule
 * (`https://{subdomain}.zendesk.com` unless `base_url` is given), the ticket actions and the
 * connection test.
 */
import { invalidRequest } from "../../lib/errors.ts";
import { describeIssues } from "../../lib/zod-issues.ts";
import type { ActionOutcome, ConnectorDefinition } from "../types.ts";
import { zendeskActions } from "./actions.ts";
import { callZendesk, type ZendeskContext } from "./client.ts";
import {
  selfAnswerSchema,
  ticketListProbeSchema,
  zendeskCredentialsSchema,
  zendeskSettingsSchema,
} from "./schema.ts";

export const zendeskConnector: ConnectorDefinition = {
  type: "zendesk",
  credentials: zendeskCredentialsSchema,
  settings: zendeskSettingsSchema,
  resolveBaseUrl: resolveZendeskBaseUrl,
  actions: zendeskActions,
  test: testZendeskConnection,
};

export function resolveZendeskBaseUrl(input: {
  baseUrl: string | undefined;
  settings: Record<string, unknown>;
}): string {
  if (input.baseUrl !== undefined && input.baseUrl.trim() !== "")
    return normaliseBaseUrl(input.baseUrl);

  const settings = zendeskSettingsSchema.safeParse(input.settings);
  if (!settings.success) {
    throw invalidRequest(`Invalid Zendesk settings: ${describeIssues(settings.error, "settings")}`);
  }
  if (settings.data.subdomain === undefined) {
    throw invalidRequest("A Zendesk connector needs settings.subdomain or base_url");
  }
  return `https://${settings.data.subdomain}.zendesk.com`;
}

/** Keeps scheme, host and any path prefix; drops a trailing `/` or `/api/v2` pasted from docs. */
function normaliseBaseUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw invalidRequest("base_url must be an absolute URL such as https://acme.zendesk.com");
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw invalidRequest("base_url must use https:// or http://");
  }
  if (url.username || url.password || url.search || url.hash) {
    throw invalidRequest("base_url must not hold credentials, a query or a fragment");
  }
  const path = url.pathname.replace(/\/+$/, "").replace(/\/api\/v2$/, "");
  return `${url.origin}${path}`;
}

/**
 * `users/me` answers 200 even without valid credentials, with the anonymous user (id null), so
 * a 200 alone proves nothing; the ticket actions also need an agent, not an end user.
 */
async function testZendeskConnection(context: ZendeskContext): Promise<ActionOutcome> {
  const result = await callZendesk(context, {
    method: "GET",
    path: "/users/me.json",
    answer: selfAnswerSchema,
  });
  // Some Zendesk-compatible servers (and proxies in front of Zendesk) have no users/me;
  // reading one ticket proves the same: the credential works and may read tickets.
  if (!result.ok && result.status === 404) return testByReadingOneTicket(context);
  if (!result.ok) return result;

  const { id, name, email, role } = result.body.user;
  if (id === null) {
    return {
      ok: false,
      status: 401,
      message: "Zendesk treated the connector as an anonymous user; check the credentials",
    };
  }
  if (role === "end-user") {
    return {
      ok: false,
      status: 403,
      message: "The Zendesk user is an end user; ticket actions need an agent or admin",
    };
  }
  return { ok: true, data: { user: { id, name: name ?? null, email: email ?? null, role } } };
}

async function testByReadingOneTicket(context: ZendeskContext): Promise<ActionOutcome> {
  const result = await callZendesk(context, {
    method: "GET",
    path: "/tickets.json",
    query: { "page[size]": "1" },
    answer: ticketListProbeSchema,
  });
  return result.ok ? { ok: true, data: { tickets_readable: true } } : result;
}
