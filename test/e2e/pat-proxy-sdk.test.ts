/**
 * PAT Fortress seen through @anthropic-ai/sdk: the SDK pointed at the proxy gets the
 * upstream's reply byte for byte (JSON and SSE, base URL with and without `/v1`), parses it,
 * and surfaces our policy and authentication errors as its own error classes.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import Anthropic from "@anthropic-ai/sdk";
import { removeTempDirs } from "./harness.ts";
import { ALLOWED_MODEL, DENIED_MODEL, PAT_SECRET } from "./stack.ts";
import { expectLockstep, relayedHeaders, sdkPair, startTwin, type Twin, textOf } from "./twin.ts";

let twin: Twin;

beforeAll(async () => {
  twin = await startTwin();
});

afterAll(async () => {
  await twin?.stop();
  removeTempDirs();
});

const params = (text: string) => ({
  model: ALLOWED_MODEL,
  max_tokens: 64,
  messages: [{ role: "user" as const, content: text }],
});

const lastUpstreamHeaders = () => twin.stack.anthropic.requests.at(-1)?.headers ?? {};

for (const basePath of ["", "/v1"] as const) {
  const label = basePath === "" ? "the root" : "/v1";

  describe(`Anthropic SDK with its base URL at ${label}`, () => {
    test("a JSON reply arrives byte for byte, with the upstream's headers", async () => {
      const sdk = sdkPair(twin, basePath);
      expectLockstep(twin);

      const proxied = await sdk.proxied.messages.create(params("json bytes")).asResponse();
      const direct = await sdk.direct.messages.create(params("json bytes")).asResponse();

      expect(proxied.status).toBe(200);
      expect(await proxied.text()).toBe(await direct.text());
      expect(relayedHeaders(proxied.headers)).toEqual(relayedHeaders(direct.headers));
      expect(proxied.headers.get("x-kestra-request-id")).toMatch(/^req_/);
      expect(twin.stack.anthropic.requests.at(-1)?.path).toBe("/v1/messages");
    });

    test("an SSE stream arrives byte for byte", async () => {
      const sdk = sdkPair(twin, basePath);
      expectLockstep(twin);
      const streamed = { ...params("stream bytes"), stream: true as const };

      const proxied = await sdk.proxied.messages.create(streamed).asResponse();
      const direct = await sdk.direct.messages.create(streamed).asResponse();

      expect(proxied.headers.get("content-type")).toContain("text/event-stream");
      const text = await proxied.text();
      expect(text).toContain("event: message_stop");
      expect(text).toBe(await direct.text());
    });

    test("the SDK parses the proxied reply, streamed and not", async () => {
      const sdk = sdkPair(twin, basePath);
      expectLockstep(twin);

      const message = await sdk.proxied.messages.create(params("parse me"));
      const stream = sdk.proxied.messages.stream(params("parse me too"));
      const final = await stream.finalMessage();
      await sdk.direct.messages.create(params("parse me"));
      await sdk.direct.messages.stream(params("parse me too")).finalMessage();

      expect(textOf(message)).toBe("Echo: parse me");
      expect(textOf(final)).toBe("Echo: parse me too");
      expect(final.usage.output_tokens).toBe(4);
    });
  });
}

describe("Anthropic SDK and the upstream credential", () => {
  test("SDK 1.x sends Bearer; the upstream gets the PAT as Bearer, never the org key", async () => {
    const sdk = sdkPair(twin, "");
    expectLockstep(twin);

    await sdk.proxied.messages.create(params("bearer style"));
    await sdk.direct.messages.create(params("bearer style"));

    const headers = lastUpstreamHeaders();
    expect(headers.authorization).toBe(`Bearer ${PAT_SECRET}`);
    expect(headers["x-api-key"]).toBeUndefined();
    expect(JSON.stringify(twin.stack.anthropic.requests)).not.toContain(twin.stack.setup.orgKey);
  });

  test("an x-api-key client (SDK 0.x style) makes the PAT go upstream as x-api-key", async () => {
    const sdk = sdkPair(twin, "/v1", "x-api-key");
    expectLockstep(twin);

    const message = await sdk.proxied.messages.create(params("old style"));
    await sdk.direct.messages.create(params("old style"));

    expect(textOf(message)).toBe("Echo: old style");
    expect(twin.direct.requests.at(-1)?.headers.authorization).toBeUndefined();
    const headers = lastUpstreamHeaders();
    expect(headers["x-api-key"]).toBe(PAT_SECRET);
    expect(headers.authorization).toBeUndefined();
  });
});

describe("Anthropic SDK and our errors", () => {
  test("a model outside the allowlist raises PermissionDeniedError with our message", async () => {
    const sdk = sdkPair(twin, "/v1");
    const upstreamCalls = twin.stack.anthropic.requests.length;

    const error = await sdk.proxied.messages
      .create({ ...params("not allowed"), model: DENIED_MODEL })
      .then(
        () => undefined,
        (caught: unknown) => caught,
      );

    expect(error).toBeInstanceOf(Anthropic.PermissionDeniedError);
    const denied = error as InstanceType<typeof Anthropic.PermissionDeniedError>;
    const ours = `Access denied: model '${DENIED_MODEL}' is not in your allowlist`;
    expect(denied.status).toBe(403);
    expect(denied.message).toContain(ours);
    expect(denied.error).toMatchObject({
      type: "error",
      error: { type: "policy_denied", message: ours, code: 403, reason: "model_not_allowed" },
    });
    expect(twin.stack.anthropic.requests.length).toBe(upstreamCalls);
  });

  test("an unknown org key raises AuthenticationError and nothing goes upstream", async () => {
    const client = new Anthropic({
      apiKey: "org_this-key-does-not-exist-000000000000",
      baseURL: twin.stack.kestra.url,
      maxRetries: 0,
    });
    const upstreamCalls = twin.stack.anthropic.requests.length;

    const error = await client.messages.create(params("who am i")).then(
      () => undefined,
      (caught: unknown) => caught,
    );

    expect(error).toBeInstanceOf(Anthropic.AuthenticationError);
    expect((error as InstanceType<typeof Anthropic.AuthenticationError>).status).toBe(401);
    expect(twin.stack.anthropic.requests.length).toBe(upstreamCalls);
  });
});
