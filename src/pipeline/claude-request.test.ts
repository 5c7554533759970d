import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import {
  DEFAULT_FAKE_API_KEY,
  type FakeAnthropic,
  startFakeAnthropic,
} from "../../test/fakes/anthropic.ts";
import { createApiKey } from "../identity/api-keys-service.ts";
import { createHttpClient } from "../lib/http-client.ts";
import { priceFor, worstCaseCostUsd } from "../metering/prices.ts";
import { SpendLedger } from "../metering/spend-ledger.ts";
import { patKeyAccount } from "../metering/store.ts";
import { createPatKey } from "../pat-keys/service.ts";
import { TEST_ACTOR, testCoreDeps } from "../testing/core-deps.ts";
import { governClaudeRequest } from "./claude-request.ts";
import { clearLookupCaches, createLookupCaches, type GatewayDeps } from "./deps.ts";

let fake: FakeAnthropic;
beforeAll(async () => {
  fake = await startFakeAnthropic();
});
afterAll(async () => {
  await fake.stop();
});

function gateway(overrides: Partial<GatewayDeps> = {}) {
  const { deps } = testCoreDeps();
  const caches = createLookupCaches();
  const gatewayDeps: GatewayDeps = {
    ...deps,
    ...caches,
    invalidateLookups: () => clearLookupCaches(caches),
    http: createHttpClient(),
    inFlightCalls: new Set(),
    spendLedger: new SpendLedger(deps.clock, (patKeyId, startMs, endMs) =>
      patKeyAccount(deps.db, patKeyId, startMs, endMs),
    ),
    pat: { upstreamUrl: fake.url, upstreamTimeoutMs: 5000 },
    mcpAllowedOrigins: new Set(),
    ...overrides,
  };
  createPatKey(gatewayDeps, TEST_ACTOR, {
    label: "p",
    key: DEFAULT_FAKE_API_KEY,
    max_tokens_per_request: 100,
  });
  const { key } = createApiKey(gatewayDeps, TEST_ACTOR, { name: "k" });
  return { deps: gatewayDeps, key };
}

function messagesRequest(key: string, body: object | string, path = "/v1/messages") {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  return {
    requestId: "req_1",
    headers: new Headers({
      "x-api-key": key,
      "anthropic-version": "2023-06-01",
      "content-type": "application/json",
    }),
    ip: "127.0.0.1",
    logFields: {},
    signal: new AbortController().signal,
    method: "POST",
    path,
    search: "",
    onAdmitted: () => undefined,
    readBody: async () => new TextEncoder().encode(text).buffer as ArrayBuffer,
  };
}

const BODY = {
  model: "claude-sonnet-4-5-20250929",
  max_tokens: 10,
  messages: [{ role: "user", content: "hi" }],
};

describe("PAT pipeline", () => {
  test("a request whose audit entry cannot commit is refused and never forwarded", async () => {
    const { deps, key } = gateway();
    deps.writes = { enqueue: () => Promise.reject(new Error("disk full")), flush: () => undefined };
    const before = fake.requests.length;

    const result = await governClaudeRequest(deps, messagesRequest(key, BODY)).catch(
      (error) => error,
    );

    expect(result).toMatchObject({ type: "api_error", status: 500 });
    expect(fake.requests.length).toBe(before);
  });

  test("max_tokens over the PAT key's limit is denied before anything goes upstream", async () => {
    const { deps, key } = gateway();
    const before = fake.requests.length;

    const result = await governClaudeRequest(
      deps,
      messagesRequest(key, { ...BODY, max_tokens: 101 }),
    ).catch((error) => error);

    expect(result).toMatchObject({ type: "policy_denied", reason: "max_tokens_exceeded" });
    expect(fake.requests.length).toBe(before);
    const audit = deps.sqlite.query("SELECT decision, reason FROM audit_entries").all();
    expect(audit).toEqual([{ decision: "denied", reason: "max_tokens_exceeded" }]);
  });

  test("a message batch with one model outside the allowlist is denied whole", async () => {
    const { deps, key } = gateway();
    const before = fake.requests.length;
    const batch = {
      requests: [
        { custom_id: "ok", params: { ...BODY } },
        { custom_id: "big", params: { ...BODY, max_tokens: 5000 } },
      ],
    };
    const request = messagesRequest(key, batch, "/v1/messages/batches");

    const result = await governClaudeRequest(deps, request).catch((error) => error);

    expect(result).toMatchObject({ type: "policy_denied", reason: "max_tokens_exceeded" });
    expect(fake.requests.length).toBe(before);
  });

  test("a path spelled to dodge policy is refused or still governed", async () => {
    const { deps, key } = gateway();
    const opus = { ...BODY, model: "claude-opus-4-1" };
    const limited = gateway();
    await limited.deps.sqlite.run(
      "UPDATE pat_keys SET model_allowlist = '[\"claude-sonnet-4-5-20250929\"]'",
    );
    limited.deps.invalidateLookups();

    const doubled = await governClaudeRequest(
      deps,
      messagesRequest(key, BODY, "/v1//messages"),
    ).catch((e) => e);
    const cased = await governClaudeRequest(
      limited.deps,
      messagesRequest(limited.key, opus, "/v1/Messages"),
    ).catch((e) => e);
    const legacy = await governClaudeRequest(
      limited.deps,
      messagesRequest(limited.key, opus, "/v1/complete"),
    ).catch((e) => e);

    expect(doubled).toMatchObject({ type: "invalid_request_error" });
    expect(cased).toMatchObject({ type: "policy_denied", reason: "model_not_allowed" });
    expect(legacy).toMatchObject({ type: "policy_denied", reason: "model_not_allowed" });
  });

  test("an upstream error echoing the real key reaches the client with its hint", async () => {
    const echo = Bun.serve({
      hostname: "127.0.0.1",
      port: 0,
      fetch: (request) =>
        Response.json(
          {
            type: "error",
            error: {
              type: "authentication_error",
              message: `bad key ${request.headers.get("x-api-key")}`,
            },
          },
          { status: 401 },
        ),
    });
    const { deps, key } = gateway({
      pat: { upstreamUrl: echo.url.origin, upstreamTimeoutMs: 5000 },
    });

    const response = await governClaudeRequest(deps, messagesRequest(key, BODY));
    const text = await response.text();
    await echo.stop(true);

    expect(response.status).toBe(401);
    expect(text).not.toContain(DEFAULT_FAKE_API_KEY);
    expect(text).toContain("bad key sk-ant-…0001");
  });

  test("a PAT key over its monthly spend cap is refused with spend_cap_reached", async () => {
    const { deps, key } = gateway();
    const sonnet = priceFor(BODY.model, deps.clock.now());
    const worstCase = worstCaseCostUsd(JSON.stringify(BODY).length, BODY.max_tokens, sonnet);
    const firstCost = (4 * 3 + 2 * 15) / 1e6;
    // Room for one call's worst case, but not for a second one on top of the first's cost.
    deps.sqlite.run("UPDATE pat_keys SET monthly_spend_cap_usd = ?", [worstCase + firstCost / 2]);
    deps.invalidateLookups();

    const first = await governClaudeRequest(deps, messagesRequest(key, BODY));
    await first.text();
    deps.writes.flush();
    const spent = deps.sqlite
      .query("SELECT cost_usd AS cost, outcome FROM usage_records")
      .get() as {
      cost: number;
      outcome: string;
    };
    const second = await governClaudeRequest(deps, messagesRequest(key, BODY)).catch(
      (error) => error,
    );

    expect(spent.outcome).toBe("completed");
    expect(spent.cost).toBeCloseTo(firstCost, 12);
    expect(second).toMatchObject({ type: "policy_denied", reason: "spend_cap_reached" });
  });

  test("a stream the client leaves is booked with max_tokens of output", async () => {
    const { deps, key } = gateway();
    const body = {
      ...BODY,
      stream: true,
      messages: [{ role: "user", content: "one two three four" }],
    };

    const response = await governClaudeRequest(deps, messagesRequest(key, body));
    const reader = response.body?.getReader();
    await reader?.read();
    await reader?.cancel();
    deps.writes.flush();

    const row = deps.sqlite
      .query("SELECT outcome, input_tokens, cost_usd FROM usage_records")
      .get() as {
      outcome: string;
      input_tokens: number;
      cost_usd: number;
    };
    expect(row.outcome).toBe("aborted");
    expect(row.cost_usd).toBeCloseTo((row.input_tokens * 3 + BODY.max_tokens * 15) / 1e6, 12);
  });

  test("an error body that stalls is a 504 and releases the spend reservation", async () => {
    const stalling = Bun.serve({
      hostname: "127.0.0.1",
      port: 0,
      fetch: () =>
        new Response(
          new ReadableStream({
            start(controller) {
              controller.enqueue(new TextEncoder().encode('{"type":"error",'));
            },
          }),
          { status: 500, headers: { "content-type": "application/json" } },
        ),
    });
    const { deps, key } = gateway({
      pat: { upstreamUrl: stalling.url.origin, upstreamTimeoutMs: 200 },
    });
    deps.sqlite.run("UPDATE pat_keys SET monthly_spend_cap_usd = 5");
    deps.invalidateLookups();

    const result = await governClaudeRequest(deps, messagesRequest(key, BODY)).catch(
      (error) => error,
    );
    await stalling.stop(true);
    deps.writes.flush();

    expect(result).toMatchObject({ type: "upstream_timeout", status: 504 });
    expect(deps.inFlightCalls.size).toBe(0);
    expect(deps.sqlite.query("SELECT outcome, cost_usd FROM usage_records").get()).toEqual({
      outcome: "upstream_error",
      cost_usd: 0,
    });
  });

  test("a body that is not JSON is a 400 naming the problem", async () => {
    const { deps, key } = gateway();
    const request = messagesRequest(key, "{oops");

    const result = await governClaudeRequest(deps, request).catch((error) => error);

    expect(result).toMatchObject({
      type: "invalid_request_error",
      message: "request body must be a JSON object",
    });
  });

  test("usage is committed when the answer ends, linked to the allowed decision", async () => {
    const { deps, key } = gateway();

    const response = await governClaudeRequest(deps, messagesRequest(key, BODY));
    await response.text();
    deps.writes.flush();

    const usage = deps.sqlite
      .query(
        `SELECT u.input_tokens AS input, u.output_tokens AS output, u.outcome, a.decision
         FROM usage_records u JOIN audit_entries a ON a.id = u.audit_id`,
      )
      .all();
    expect(usage).toEqual([{ input: 4, output: 2, outcome: "completed", decision: "allowed" }]);
  });
});
