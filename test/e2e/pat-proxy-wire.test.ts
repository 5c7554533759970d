/**
 * PAT Fortress on the wire, with raw fetch: bodies and headers against a direct call, the
 * query string, the header style of the upstream credential, pass-through of Anthropic's own
 * errors and the contract's 401 envelope for a bad org key.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { removeTempDirs } from "./harness.ts";
import { ALLOWED_MODEL, PAT_SECRET } from "./stack.ts";
import { expectLockstep, rawCall, relayedHeaders, startTwin, type Twin, twinCall } from "./twin.ts";

let twin: Twin;

beforeAll(async () => {
  twin = await startTwin();
});

afterAll(async () => {
  await twin?.stop();
  removeTempDirs();
});

const message = (text: string, extra: Record<string, unknown> = {}) => ({
  model: ALLOWED_MODEL,
  max_tokens: 64,
  messages: [{ role: "user", content: text }],
  ...extra,
});

const lastUpstream = () => {
  const last = twin.stack.anthropic.requests.at(-1);
  if (!last) throw new Error("nothing reached the upstream");
  return last;
};

describe("PAT proxy relays bodies and headers unchanged", () => {
  for (const path of ["/v1/messages", "/v1/v1/messages"]) {
    test(`a JSON reply at ${path} equals a direct call byte for byte`, async () => {
      const { proxied, direct } = await twinCall(twin, { path, body: message("raw json") });

      expect(proxied.status).toBe(200);
      expect(proxied.text).toBe(direct.text);
      expect(JSON.parse(proxied.text)).toMatchObject({ content: [{ text: "Echo: raw json" }] });
      expect(lastUpstream().path).toBe("/v1/messages");
    });

    test(`an SSE reply at ${path} equals a direct call byte for byte`, async () => {
      const body = message("raw stream", { stream: true });
      const { proxied, direct } = await twinCall(twin, { path, body });

      expect(proxied.status).toBe(200);
      expect(proxied.text.startsWith("event: message_start\n")).toBe(true);
      expect(proxied.text).toBe(direct.text);
    });
  }

  test("request-id and anthropic-* pass through; x-kestra-request-id is added", async () => {
    const { proxied, direct } = await twinCall(twin, {
      path: "/v1/messages",
      body: message("headers"),
    });

    const relayed = relayedHeaders(proxied.headers);
    expect(relayed).toEqual(relayedHeaders(direct.headers));
    expect(relayed["request-id"]).toMatch(/^req_fake\d+$/);
    expect(relayed["anthropic-ratelimit-requests-remaining"]).toBe("999");
    expect(proxied.headers.get("x-kestra-request-id")).toMatch(/^req_/);
    expect(proxied.headers.get("x-kestra-request-id")).not.toBe(relayed["request-id"]);
  });

  test("the query string reaches the upstream (?beta=true)", async () => {
    const { proxied } = await twinCall(twin, {
      path: "/v1/messages?beta=true",
      body: message("beta"),
    });

    expect(proxied.status).toBe(200);
    expect(lastUpstream().search).toBe("?beta=true");
  });

  test("the upstream receives the client's exact request body", async () => {
    const body = message("exact body", { temperature: 0.5, metadata: { user_id: "u-1" } });
    await twinCall(twin, { path: "/v1/messages", body });

    expect(lastUpstream().body).toBe(JSON.stringify(body));
  });

  test("GET /v1/models is proxied too", async () => {
    const { proxied, direct } = await twinCall(twin, { path: "/v1/models", method: "GET" });

    expect(proxied.status).toBe(200);
    expect(proxied.text).toBe(direct.text);
  });
});

describe("PAT proxy sends the PAT in the header style the client used", () => {
  test("Authorization: Bearer org key → Authorization: Bearer PAT upstream", async () => {
    await twinCall(twin, { path: "/v1/messages", body: message("bearer"), style: "bearer" });

    const { headers } = lastUpstream();
    expect(headers.authorization).toBe(`Bearer ${PAT_SECRET}`);
    expect(headers["x-api-key"]).toBeUndefined();
  });

  test("x-api-key org key → x-api-key PAT upstream, no Authorization", async () => {
    await twinCall(twin, { path: "/v1/messages", body: message("xkey"), style: "x-api-key" });

    const { headers } = lastUpstream();
    expect(headers["x-api-key"]).toBe(PAT_SECRET);
    expect(headers.authorization).toBeUndefined();
  });

  test("the org key itself never reaches the upstream", () => {
    const seen = JSON.stringify(twin.stack.anthropic.requests);
    expect(seen).not.toContain(twin.stack.setup.orgKey);
  });
});

describe("PAT proxy passes Anthropic's own errors through", () => {
  test("an upstream 529 keeps its status, body and headers", async () => {
    const body = message("overload", { model: "fake-error-529" });
    const { proxied, direct } = await twinCall(twin, { path: "/v1/messages", body });

    expect(proxied.status).toBe(529);
    expect(proxied.text).toBe(direct.text);
    expect(JSON.parse(proxied.text)).toMatchObject({ error: { type: "overloaded_error" } });
    expect(relayedHeaders(proxied.headers)).toEqual(relayedHeaders(direct.headers));
  });

  test("an upstream 429 keeps its retry-after header", async () => {
    const body = message("slow down", { model: "fake-error-429" });
    const { proxied, direct } = await twinCall(twin, { path: "/v1/messages", body });

    expect(proxied.status).toBe(429);
    expect(proxied.headers.get("retry-after")).toBe("7");
    expect(proxied.text).toBe(direct.text);
  });
});

describe("PAT proxy relays a stream that fails midway", () => {
  test("an error event after message_start arrives as the upstream sent it", async () => {
    const body = message("break", { model: "fake-stream-error", stream: true });
    const { proxied, direct } = await twinCall(twin, { path: "/v1/messages", body });

    expect(proxied.status).toBe(200);
    expect(proxied.text).toContain("event: error\n");
    expect(proxied.text).toBe(direct.text);
  });
});

describe("PAT proxy refuses a bad org key in the contract's envelope", () => {
  for (const style of ["bearer", "x-api-key"] as const) {
    test(`an unknown org key in ${style} answers 401 authentication_error`, async () => {
      expectLockstep(twin);
      const upstreamCalls = twin.stack.anthropic.requests.length;

      const answer = await rawCall(twin.stack.kestra.url, "org_not-a-real-key-0000000000000000", {
        path: "/v1/messages",
        body: message("intruder"),
        style,
      });

      expect(answer.status).toBe(401);
      const requestId = answer.headers.get("x-kestra-request-id");
      expect(JSON.parse(answer.text)).toEqual({
        type: "error",
        error: { type: "authentication_error", message: expect.any(String), code: 401 },
        request_id: requestId,
      });
      expect(twin.stack.anthropic.requests.length).toBe(upstreamCalls);
    });
  }
});
