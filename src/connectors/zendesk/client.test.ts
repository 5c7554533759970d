import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import {
  FAKE_ZENDESK_DEFAULTS,
  type FakeZendesk,
  startFakeZendesk,
} from "../../../test/fakes/zendesk.ts";
import { createHttpClient, type HttpClient } from "../../lib/http-client.ts";
import type { ActionOutcome } from "../types.ts";
import { zendeskConnector } from "./definition.ts";

const TOKEN_CREDENTIALS = {
  email: FAKE_ZENDESK_DEFAULTS.email,
  api_token: FAKE_ZENDESK_DEFAULTS.apiToken,
};
const OAUTH_CREDENTIALS = { oauth_token: FAKE_ZENDESK_DEFAULTS.oauthToken };

let fake: FakeZendesk;
let waits: number[];

beforeEach(() => {
  fake = startFakeZendesk();
  waits = [];
});

afterEach(async () => {
  await fake.stop();
});

// Sleeps are recorded, not slept, so a retry-after of seconds costs the test nothing.
const http = () => createHttpClient({ sleep: async (ms) => void waits.push(ms) });

function listTickets(
  credentials: Record<string, unknown>,
  options: { baseUrl?: string; client?: HttpClient } = {},
): Promise<ActionOutcome> {
  const action = zendeskConnector.actions.find((candidate) => candidate.name === "list_tickets");
  if (!action) throw new Error("no list_tickets action");
  return action.run({
    args: { limit: 2 },
    config: { baseUrl: options.baseUrl ?? fake.url, credentials, settings: {} },
    http: options.client ?? http(),
  });
}

/** An HttpClient that answers every request with one canned response. */
function cannedClient(status: number, body: string, headers: Record<string, string> = {}) {
  const client: HttpClient = {
    request: async () => ({
      status,
      headers: new Headers(headers),
      text: body,
      json: () => JSON.parse(body),
    }),
  };
  return client;
}

describe("authentication", () => {
  test("an API token is sent as Basic base64(email/token:api_token)", async () => {
    const outcome = await listTickets(TOKEN_CREDENTIALS);

    const expected = Buffer.from("agent@example.com/token:zd-test-token-0001").toString("base64");
    expect(outcome.ok).toBe(true);
    expect(fake.requests[0]?.headers.authorization).toBe(`Basic ${expected}`);
  });

  test("an OAuth token is sent as Bearer", async () => {
    const outcome = await listTickets(OAUTH_CREDENTIALS);

    expect(outcome.ok).toBe(true);
    expect(fake.requests[0]?.headers.authorization).toBe("Bearer zd-test-oauth-0001");
  });

  test("a wrong token is a 401 whose message holds no token", async () => {
    const outcome = await listTickets({ ...TOKEN_CREDENTIALS, api_token: "wrong-token-123" });

    expect(outcome).toEqual({
      ok: false,
      status: 401,
      message: "Zendesk rejected the credentials (401)",
    });
  });

  test("stored credentials of the wrong shape fail without calling Zendesk", async () => {
    const outcome = await listTickets({ email: "agent@example.com" });

    expect(outcome.ok).toBe(false);
    expect(outcome.ok ? "" : outcome.message).toBe(
      "Stored Zendesk credentials are invalid: email needs an api_token",
    );
    expect(fake.requests).toHaveLength(0);
  });
});

describe("rate limits", () => {
  test("a 429 with a short retry-after is retried after that wait", async () => {
    fake.rateLimitNext(1, 1);

    const outcome = await listTickets(TOKEN_CREDENTIALS);

    expect(outcome.ok).toBe(true);
    expect(fake.requests).toHaveLength(2);
    expect(waits).toEqual([1000]);
  });

  test("a 429 with a long retry-after is surfaced at once with retryAfterSeconds", async () => {
    fake.rateLimitNext(1, 60);

    const outcome = await listTickets(TOKEN_CREDENTIALS);

    expect(outcome).toEqual({
      ok: false,
      status: 429,
      retryAfterSeconds: 60,
      message: "Zendesk's API rate limit was reached (429); try again in 60 s",
    });
    expect(fake.requests).toHaveLength(1);
    expect(waits).toEqual([]);
  });

  test("a 429 that persists through the retries is surfaced", async () => {
    fake.rateLimitNext(5, 1);

    const outcome = await listTickets(TOKEN_CREDENTIALS);

    expect(outcome.ok ? undefined : outcome.retryAfterSeconds).toBe(1);
    expect(fake.requests).toHaveLength(3);
  });

  test("every fake answer carries Zendesk's rate-limit headers", async () => {
    const response = await fetch(`${fake.url}/api/v2/tickets.json`);

    expect(response.headers.get("x-rate-limit")).toBe("700");
    expect(response.headers.get("x-rate-limit-remaining")).toBe("699");
  });
});

describe("failure messages", () => {
  test("a 5xx says Zendesk is unavailable", async () => {
    const outcome = await listTickets(TOKEN_CREDENTIALS, { client: cannedClient(500, "oops") });

    expect(outcome).toEqual({
      ok: false,
      status: 500,
      message: "Zendesk is unavailable (500); try again later",
    });
  });

  test("a 403 passes Zendesk's words on, with any echoed token redacted", async () => {
    const body = JSON.stringify({
      error: "Forbidden",
      description: `Token ${FAKE_ZENDESK_DEFAULTS.apiToken} may not do this`,
    });

    const outcome = await listTickets(TOKEN_CREDENTIALS, { client: cannedClient(403, body) });

    expect(outcome).toEqual({
      ok: false,
      status: 403,
      message:
        "Zendesk denied this to the connector's user (403): Token [redacted] may not do this",
    });
  });

  test("an unreachable Zendesk is a 502 that names the host but no secret", async () => {
    const port = fake.url.split(":").at(-1);
    await fake.stop();

    const outcome = await listTickets(OAUTH_CREDENTIALS, { baseUrl: fake.url });

    expect(outcome).toEqual({
      ok: false,
      status: 502,
      message: `GET 127.0.0.1:${port} failed: could not reach the server`,
    });
    fake = startFakeZendesk();
  });

  test("no failure message ever contains the token", async () => {
    const token = FAKE_ZENDESK_DEFAULTS.apiToken;
    fake.rateLimitNext(1, 60);
    const outcomes = [
      await listTickets(TOKEN_CREDENTIALS),
      await listTickets({ ...TOKEN_CREDENTIALS, email: "someone@example.com" }),
      await listTickets(TOKEN_CREDENTIALS, { client: cannedClient(422, `{"error":"${token}"}`) }),
    ];

    for (const outcome of outcomes) {
      expect(outcome.ok).toBe(false);
      expect(JSON.stringify(outcome)).not.toContain(token);
    }
  });
});
