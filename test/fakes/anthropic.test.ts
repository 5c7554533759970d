// Proves the fake is faithful enough that the official SDK accepts it, and pins the raw wire
// format (event order, headers, error envelopes) that proxy tests will compare against.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import Anthropic from "@anthropic-ai/sdk";
import {
  DEFAULT_FAKE_API_KEY,
  FAKE_ORGANIZATION_ID,
  type FakeAnthropic,
  SERVER_TOOLS_FINAL,
  startFakeAnthropic,
} from "./anthropic.ts";

let fake: FakeAnthropic;

beforeAll(async () => {
  fake = await startFakeAnthropic();
});

afterAll(async () => {
  await fake.stop();
});

const client = (apiKey = DEFAULT_FAKE_API_KEY) =>
  new Anthropic({ apiKey, baseURL: fake.url, maxRetries: 0 });

const hello = (model = "claude-sonnet-4-5-20250929", text = "hello there world") => ({
  model,
  max_tokens: 64,
  messages: [{ role: "user" as const, content: text }],
});

function rawPost(path: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(`${fake.url}${path}`, {
    method: "POST",
    headers: {
      "x-api-key": DEFAULT_FAKE_API_KEY,
      "anthropic-version": "2023-06-01",
      "content-type": "application/json",
      ...headers,
    },
    body: JSON.stringify(body),
  });
}

async function readChunks(res: Response): Promise<string[]> {
  const chunks: string[] = [];
  const decoder = new TextDecoder();
  for await (const chunk of res.body ?? []) chunks.push(decoder.decode(chunk));
  return chunks;
}

async function caught(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error("expected the call to fail");
}

describe("fake Anthropic with the real SDK", () => {
  test("messages.create returns a deterministic message", async () => {
    const message = await client().messages.create(hello());
    expect(message.type).toBe("message");
    expect(message.role).toBe("assistant");
    expect(message.model).toBe("claude-sonnet-4-5-20250929");
    expect(message.id).toMatch(/^msg_fake\d{6}$/);
    // Widened: the SDK types list optional fields (citations, …) the fake leaves out.
    expect<unknown>(message.content).toEqual([{ type: "text", text: "Echo: hello there world" }]);
    expect(message.stop_reason).toBe("end_turn");
    expect<unknown>(message.usage).toEqual({
      input_tokens: 6,
      output_tokens: 4,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
    });
  });

  test("messages.stream yields text deltas and a final message with usage", async () => {
    const stream = client().messages.stream(hello());
    const deltas: string[] = [];
    stream.on("text", (delta) => deltas.push(delta));
    const final = await stream.finalMessage();
    expect(deltas).toEqual(["Echo: ", "hello ", "there ", "world"]);
    expect<unknown>(final.content).toEqual([{ type: "text", text: "Echo: hello there world" }]);
    expect(final.usage.input_tokens).toBe(6);
    expect(final.usage.output_tokens).toBe(4);
  });

  test("server-tool usage: the SDK keeps the latest cumulative numbers", async () => {
    const stream = client().messages.stream(hello(undefined, "check usage:server-tools"));
    const final = await stream.finalMessage();
    expect(final.usage.input_tokens).toBe(5 + SERVER_TOOLS_FINAL.input_tokens);
    expect(final.usage.output_tokens).toBe(3 + SERVER_TOOLS_FINAL.output_tokens);
    expect(final.usage.cache_read_input_tokens).toBe(SERVER_TOOLS_FINAL.cache_read);
  });

  test("529 surfaces as the SDK's server error with status 529", async () => {
    const err = await caught(client().messages.create(hello("fake-error-529")));
    expect(err).toBeInstanceOf(Anthropic.InternalServerError);
    const apiErr = err as InstanceType<typeof Anthropic.APIError>;
    expect(apiErr.status).toBe(529);
    expect(apiErr.type).toBe("overloaded_error");
    expect(apiErr.requestID).toMatch(/^req_fake\d{6}$/);
  });

  test("429 carries retry-after and maps to RateLimitError", async () => {
    const err = await caught(client().messages.create(hello("fake-error-429")));
    expect(err).toBeInstanceOf(Anthropic.RateLimitError);
    expect((err as InstanceType<typeof Anthropic.RateLimitError>).headers.get("retry-after")).toBe(
      "7",
    );
  });

  test("400 trigger maps to BadRequestError", async () => {
    const err = await caught(client().messages.create(hello("fake-error-400")));
    expect(err).toBeInstanceOf(Anthropic.BadRequestError);
  });

  test("a mid-stream error event makes the SDK stream fail", async () => {
    const err = await caught(client().messages.stream(hello("fake-stream-error")).finalMessage());
    expect(err).toBeInstanceOf(Anthropic.APIError);
    expect((err as InstanceType<typeof Anthropic.APIError>).type).toBe("overloaded_error");
  });

  test("a bad key raises AuthenticationError", async () => {
    const err = await caught(client("sk-ant-wrong").messages.create(hello()));
    expect(err).toBeInstanceOf(Anthropic.AuthenticationError);
    expect((err as InstanceType<typeof Anthropic.APIError>).apiMessage).toBe("invalid x-api-key");
  });

  test("records the auth header style the SDK used", async () => {
    const before = fake.requests.length;
    await client().messages.create(hello());
    const recorded = fake.requests[before];
    expect(recorded?.method).toBe("POST");
    expect(recorded?.path).toBe("/v1/messages");
    // This SDK version sends apiKey as a bearer token, not x-api-key.
    expect(recorded?.headers.authorization).toBe(`Bearer ${DEFAULT_FAKE_API_KEY}`);
    expect(recorded?.headers["x-api-key"]).toBeUndefined();
    expect(recorded?.headers["anthropic-version"]).toBeString();
    expect(JSON.parse(recorded?.body ?? "null")).toEqual(hello());
  });

  test("models.list and countTokens", async () => {
    const ids: string[] = [];
    for await (const model of client().models.list()) ids.push(model.id);
    expect(ids[0]).toBe("claude-sonnet-4-5-20250929");
    expect(ids).toHaveLength(3);
    const counted = await client().messages.countTokens(hello());
    expect(counted.input_tokens).toBe(6);
  });

  test("fake-slow takes about two seconds", async () => {
    const started = performance.now();
    await client().messages.create(hello("fake-slow"));
    expect(performance.now() - started).toBeGreaterThanOrEqual(1900);
  });
});

describe("fake Anthropic on the wire", () => {
  test("x-api-key works and the query string is recorded", async () => {
    const res = await rawPost("/v1/messages?beta=true", hello());
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/json");
    expect(res.headers.get("anthropic-organization-id")).toBe(FAKE_ORGANIZATION_ID);
    expect(res.headers.get("anthropic-ratelimit-requests-limit")).toBe("1000");
    expect(res.headers.get("anthropic-ratelimit-tokens-remaining")).toBe("96000");
    const last = fake.requests[fake.requests.length - 1];
    expect(last?.search).toBe("?beta=true");
    expect(last?.headers["x-api-key"]).toBe(DEFAULT_FAKE_API_KEY);
  });

  test("stream events come in the real order, one chunk at a time", async () => {
    const res = await rawPost("/v1/messages", { ...hello(), stream: true });
    expect(res.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
    const chunks = await readChunks(res);
    // A buffering body would hand several events over in one chunk.
    expect(chunks[0]?.startsWith("event: message_start\ndata: ")).toBe(true);
    expect(chunks.every((chunk) => chunk.match(/^event: /gm)?.length === 1)).toBe(true);
    const rest = chunks.join("");
    const types = [...rest.matchAll(/^event: (\w+)$/gm)].map((m) => m[1]);
    expect(types).toEqual([
      "message_start",
      "content_block_start",
      "ping",
      ...Array<string>(4).fill("content_block_delta"),
      "content_block_stop",
      "message_delta",
      "message_stop",
    ]);
    expect(rest).toContain(
      'event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"end_turn",' +
        '"stop_sequence":null},"usage":{"output_tokens":4}}\n\n',
    );
  });

  test("stream error event is exactly the overloaded envelope", async () => {
    const res = await rawPost("/v1/messages", { ...hello("fake-stream-error"), stream: true });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(
      text.endsWith(
        'event: error\ndata: {"type":"error","error":{"type":"overloaded_error",' +
          '"message":"Overloaded"}}\n\n',
      ),
    ).toBe(true);
  });

  test("errors use the Anthropic envelope", async () => {
    const noKey = await rawPost("/v1/messages", hello(), { "x-api-key": "" });
    expect(noKey.status).toBe(401);
    const noKeyBody = await noKey.json();
    expect(noKeyBody).toEqual({
      type: "error",
      error: { type: "authentication_error", message: "invalid x-api-key" },
      request_id: noKey.headers.get("request-id"),
    });
    const noVersion = await rawPost("/v1/messages", hello(), { "anthropic-version": "" });
    expect(noVersion.status).toBe(400);
    const { max_tokens: _dropped, ...noMax } = hello();
    const invalid = await rawPost("/v1/messages", noMax);
    expect(invalid.status).toBe(400);
    expect(((await invalid.json()) as { error: { message: string } }).error.message).toStartWith(
      "max_tokens:",
    );
    const missing = await rawPost("/v1/nope", {});
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { type: string } }).error.type).toBe(
      "not_found_error",
    );
  });
});
