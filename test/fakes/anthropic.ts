// A local, deterministic fake of the Anthropic Messages API for tests. Same input, same bytes
// (apart from the per-server request counter), so proxy tests can compare bodies exactly.
//
// Trigger models (the `model` field of POST /v1/messages):
//   fake-error-529     → 529 overloaded_error
//   fake-error-429     → 429 rate_limit_error with `retry-after: 7`
//   fake-error-400     → 400 invalid_request_error
//   fake-stream-error  → with `stream: true`: 200 SSE, `message_start`, then an `error` event
//                        (overloaded_error) and the end; without stream it answers normally
//   fake-slow          → answers normally after a 2 s wait
// Trigger text: a message containing `usage:server-tools` makes a stream send two
// `message_delta` events with growing cumulative usage (the non-stream answer reports the final
// totals), to test that a client keeps the latest usage instead of summing.
//
// Reply: `Echo: <text of the last user message>`. Input tokens: whitespace-separated words of
// the system prompt and every message's text, plus 3. Output tokens: words of the reply.

import { type FakeUsage, type StreamPlan, sseBody, streamEvents } from "./anthropic-sse.ts";

export interface FakeAnthropicOptions {
  apiKeys?: string[];
}

export interface RecordedRequest {
  method: string;
  path: string;
  search: string;
  headers: Record<string, string>;
  body: string;
}

export interface FakeAnthropic {
  url: string;
  requests: RecordedRequest[];
  stop(): Promise<void>;
}

export const DEFAULT_FAKE_API_KEY = "sk-ant-test-key-0001";
export const FAKE_ORGANIZATION_ID = "00000000-0000-4000-8000-00000000f00d";
export const SLOW_MODEL_DELAY_MS = 2000;
/** What `usage:server-tools` adds on top of the plain counts, first in the interim delta. */
export const SERVER_TOOLS_INTERIM = { input_tokens: 100, output_tokens: 0, cache_read: 40 };
/** …and in the final delta, so each cumulative field grows between the two. */
export const SERVER_TOOLS_FINAL = { input_tokens: 250, output_tokens: 12, cache_read: 90 };

const modelInfo = (id: string, display_name: string, created_at: string) =>
  ({ type: "model", id, display_name, created_at }) as const;

export const FAKE_MODELS = [
  modelInfo("claude-sonnet-4-5-20250929", "Claude Sonnet 4.5", "2025-09-29T00:00:00Z"),
  modelInfo("claude-opus-4-1-20250805", "Claude Opus 4.1", "2025-08-05T00:00:00Z"),
  modelInfo("claude-haiku-4-5-20251001", "Claude Haiku 4.5", "2025-10-01T00:00:00Z"),
];

type Json = Record<string, unknown>;

class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
    readonly extraHeaders: Record<string, string> = {},
  ) {
    super(message);
  }
}

const TRIGGER_ERRORS: Record<string, () => ApiError> = {
  "fake-error-529": () => new ApiError(529, "overloaded_error", "Overloaded"),
  "fake-error-429": () =>
    new ApiError(429, "rate_limit_error", "Number of requests has exceeded your rate limit", {
      "retry-after": "7",
    }),
  "fake-error-400": () => new ApiError(400, "invalid_request_error", "fake-error-400: bad request"),
};

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const wordCount = (text: string) => text.split(/\s+/).filter((w) => w.length > 0).length;

/** Text of a string or content-block array; non-text blocks carry no words here. */
function contentText(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  const parts = content.map((block: unknown) => {
    const text = (block as Json | null)?.text;
    return typeof text === "string" ? text : "";
  });
  return parts.join(" ");
}

function messageList(body: Json): Json[] {
  return Array.isArray(body.messages) ? (body.messages as Json[]) : [];
}

export function fakeInputTokens(body: Json): number {
  const texts = [contentText(body.system), ...messageList(body).map((m) => contentText(m.content))];
  return texts.reduce((sum, text) => sum + wordCount(text), 0) + 3;
}

export function fakeReplyText(body: Json): string {
  const lastUser = messageList(body).findLast((m) => m.role === "user");
  return `Echo: ${contentText(lastUser?.content)}`.trimEnd();
}

function mentionsServerTools(body: Json): boolean {
  return messageList(body).some((m) => contentText(m.content).includes("usage:server-tools"));
}

function requireFields(body: Json, fields: Record<string, "string" | "number">): void {
  for (const [field, kind] of Object.entries(fields)) {
    if (typeof body[field] !== kind) {
      throw new ApiError(400, "invalid_request_error", `${field}: Field required (${kind})`);
    }
  }
  if (!Array.isArray(body.messages) || body.messages.length === 0) {
    throw new ApiError(400, "invalid_request_error", "messages: at least one message is required");
  }
}

function parseBody(raw: string): Json {
  try {
    const parsed: unknown = JSON.parse(raw);
    if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) return parsed as Json;
  } catch {
    // Fall through to the same error as a non-object body.
  }
  throw new ApiError(400, "invalid_request_error", "request body: must be a JSON object");
}

function usageFor(body: Json, text: string): { usage: FakeUsage; interim: FakeUsage | null } {
  const base: FakeUsage = {
    input_tokens: fakeInputTokens(body),
    output_tokens: wordCount(text),
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
  };
  if (!mentionsServerTools(body)) return { usage: base, interim: null };
  const grow = (add: typeof SERVER_TOOLS_FINAL): FakeUsage => ({
    input_tokens: base.input_tokens + add.input_tokens,
    output_tokens: base.output_tokens + add.output_tokens,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: add.cache_read,
  });
  return { usage: grow(SERVER_TOOLS_FINAL), interim: grow(SERVER_TOOLS_INTERIM) };
}

function baseHeaders(requestId: string, contentType: string): Record<string, string> {
  return {
    "content-type": contentType,
    "request-id": requestId,
    "anthropic-organization-id": FAKE_ORGANIZATION_ID,
    "anthropic-ratelimit-requests-limit": "1000",
    "anthropic-ratelimit-requests-remaining": "999",
    "anthropic-ratelimit-requests-reset": "2025-01-01T00:00:00Z",
    "anthropic-ratelimit-tokens-limit": "96000",
    "anthropic-ratelimit-tokens-remaining": "96000",
    "anthropic-ratelimit-tokens-reset": "2025-01-01T00:00:00Z",
    "anthropic-ratelimit-input-tokens-limit": "80000",
    "anthropic-ratelimit-input-tokens-remaining": "80000",
    "anthropic-ratelimit-input-tokens-reset": "2025-01-01T00:00:00Z",
    "anthropic-ratelimit-output-tokens-limit": "16000",
    "anthropic-ratelimit-output-tokens-remaining": "16000",
    "anthropic-ratelimit-output-tokens-reset": "2025-01-01T00:00:00Z",
  };
}

function jsonResponse(requestId: string, status: number, data: unknown, extra = {}): Response {
  const headers = { ...baseHeaders(requestId, "application/json"), ...extra };
  return new Response(JSON.stringify(data), { status, headers });
}

function errorResponse(requestId: string, err: ApiError): Response {
  const body = {
    type: "error",
    error: { type: err.type, message: err.message },
    request_id: requestId,
  };
  return jsonResponse(requestId, err.status, body, err.extraHeaders);
}

function checkAuth(headers: Headers, keys: Set<string>): void {
  const bearer = headers.get("authorization")?.match(/^Bearer (.+)$/)?.[1];
  const key = headers.get("x-api-key") ?? bearer;
  if (key === undefined || !keys.has(key)) {
    throw new ApiError(401, "authentication_error", "invalid x-api-key");
  }
  if (!headers.get("anthropic-version")) {
    throw new ApiError(400, "invalid_request_error", "anthropic-version: header is required");
  }
}

function modelList(): Json {
  const first = FAKE_MODELS[0]?.id ?? null;
  const last = FAKE_MODELS[FAKE_MODELS.length - 1]?.id ?? null;
  return { data: FAKE_MODELS, has_more: false, first_id: first, last_id: last };
}

class FakeServer {
  readonly requests: RecordedRequest[] = [];
  private readonly keys: Set<string>;
  private requestCount = 0;
  private messageCount = 0;

  constructor(options: FakeAnthropicOptions) {
    this.keys = new Set(options.apiKeys ?? [DEFAULT_FAKE_API_KEY]);
  }

  async handle(req: Request): Promise<Response> {
    this.requestCount += 1;
    const requestId = `req_fake${String(this.requestCount).padStart(6, "0")}`;
    const url = new URL(req.url);
    const body = await req.text();
    const headers = Object.fromEntries(req.headers.entries());
    this.requests.push({
      method: req.method,
      path: url.pathname,
      search: url.search,
      headers,
      body,
    });
    try {
      checkAuth(req.headers, this.keys);
      return await this.route(req.method, url.pathname, body, requestId);
    } catch (err) {
      if (err instanceof ApiError) return errorResponse(requestId, err);
      throw err;
    }
  }

  private async route(method: string, path: string, raw: string, requestId: string) {
    const route = `${method} ${path}`;
    if (route === "POST /v1/messages") return this.messages(parseBody(raw), requestId);
    if (route === "POST /v1/messages/count_tokens") {
      const body = parseBody(raw);
      requireFields(body, { model: "string" });
      return jsonResponse(requestId, 200, { input_tokens: fakeInputTokens(body) });
    }
    if (route === "GET /v1/models") return jsonResponse(requestId, 200, modelList());
    throw new ApiError(404, "not_found_error", `Not found: ${method} ${path}`);
  }

  private async messages(body: Json, requestId: string): Promise<Response> {
    requireFields(body, { model: "string", max_tokens: "number" });
    const model = String(body.model);
    const trigger = TRIGGER_ERRORS[model];
    if (trigger) throw trigger();
    if (model === "fake-slow") await sleep(SLOW_MODEL_DELAY_MS);
    this.messageCount += 1;
    const text = fakeReplyText(body);
    const { usage, interim } = usageFor(body, text);
    const id = `msg_fake${String(this.messageCount).padStart(6, "0")}`;
    if (body.stream === true) {
      const failAfterStart = model === "fake-stream-error";
      const plan: StreamPlan = { id, model, text, usage, failAfterStart, interimUsage: interim };
      const headers = baseHeaders(requestId, "text/event-stream; charset=utf-8");
      headers["cache-control"] = "no-cache";
      return new Response(sseBody(streamEvents(plan)), { status: 200, headers });
    }
    const message = {
      id,
      type: "message",
      role: "assistant",
      model,
      content: [{ type: "text", text }],
      stop_reason: "end_turn",
      stop_sequence: null,
      usage,
    };
    return jsonResponse(requestId, 200, message);
  }
}

export async function startFakeAnthropic(
  options: FakeAnthropicOptions = {},
): Promise<FakeAnthropic> {
  const fake = new FakeServer(options);
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    // fake-slow holds a request for 2 s; keep Bun's idle timer out of the way.
    idleTimeout: 30,
    fetch: (req) => fake.handle(req),
  });
  return {
    url: `http://127.0.0.1:${server.port}`,
    requests: fake.requests,
    stop: () => server.stop(true),
  };
}
