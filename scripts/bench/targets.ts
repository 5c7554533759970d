/**
 * The requests the bench sends, as `Attempt`s that resolve to null on success or to a short
 * reason. Each reads its whole body, so direct and proxied runs pay for the same bytes.
 */
import { FAKE_ZENDESK_DEFAULTS } from "../../test/fakes/zendesk.ts";
import type { Attempt } from "./load.ts";

const TIMEOUT_MS = 10_000;
const ANTHROPIC_VERSION = "2023-06-01";

// A small, valid Messages body; the fake echoes the text back.
const MESSAGE_BODY = JSON.stringify({
  model: "claude-haiku-4-5-20251001",
  max_tokens: 64,
  messages: [{ role: "user", content: "Say hello to the benchmark." }],
});

type Json = Record<string, unknown>;

function asObject(value: unknown): Json | undefined {
  return value !== null && typeof value === "object" && !Array.isArray(value)
    ? (value as Json)
    : undefined;
}

function clip(text: string): string {
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

/** `POST /v1/messages` with `key` as `x-api-key`, to the fake or through the binary. */
export function messagesAttempt(baseUrl: string, key: string): Attempt {
  const url = `${baseUrl}/v1/messages`;
  const headers = {
    "content-type": "application/json",
    "anthropic-version": ANTHROPIC_VERSION,
    "x-api-key": key,
  };
  return async () => {
    const response = await fetch(url, {
      method: "POST",
      headers,
      body: MESSAGE_BODY,
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    const text = await response.text();
    if (!response.ok) return `HTTP ${response.status}: ${clip(text)}`;
    const message = asObject(JSON.parse(text));
    return message?.type === "message" ? null : `not a message: ${clip(text)}`;
  };
}

/**
 * What `zendesk__list_tickets` without arguments sends upstream: the first cursor page of
 * 25 tickets, with Basic `{email}/token:{api_token}` authentication.
 */
export function zendeskDirectAttempt(zendeskUrl: string): Attempt {
  const url = `${zendeskUrl}/api/v2/tickets.json?page[size]=25`;
  const basic = `${FAKE_ZENDESK_DEFAULTS.email}/token:${FAKE_ZENDESK_DEFAULTS.apiToken}`;
  const headers = { authorization: `Basic ${Buffer.from(basic).toString("base64")}` };
  return async () => {
    const response = await fetch(url, { headers, signal: AbortSignal.timeout(TIMEOUT_MS) });
    const text = await response.text();
    if (!response.ok) return `HTTP ${response.status}: ${clip(text)}`;
    const page = asObject(JSON.parse(text));
    return Array.isArray(page?.tickets) ? null : `no tickets array: ${clip(text)}`;
  };
}

/** The JSON-RPC message of a stateless POST, read from plain JSON or a one-event SSE body. */
function rpcMessage(contentType: string, text: string): Json | undefined {
  if (!contentType.includes("text/event-stream")) return asObject(JSON.parse(text));
  const data = text
    .split("\n")
    .filter((line) => line.startsWith("data:"))
    .map((line) => line.slice(5).trim())
    .join("");
  return data === "" ? undefined : asObject(JSON.parse(data));
}

/** Why a `tools/call` answer is not a successful result, or null when it is one. */
export function toolCallProblem(status: number, contentType: string, text: string): string | null {
  if (status < 200 || status >= 300) return `HTTP ${status}: ${clip(text)}`;
  const message = rpcMessage(contentType, text);
  if (message === undefined) return `no JSON-RPC message: ${clip(text)}`;
  const error = asObject(message.error);
  if (error) return `JSON-RPC error ${String(error.code)}: ${String(error.message)}`;
  const result = asObject(message.result);
  if (!result) return `no result: ${clip(text)}`;
  if (result.isError === true) return `tool error: ${clip(JSON.stringify(result.content))}`;
  return null;
}

/** A JSON-RPC `tools/call` of `zendesk__list_tickets` through the binary's MCP gateway. */
export function mcpAttempt(baseUrl: string, orgKey: string): Attempt {
  const url = `${baseUrl}/v1/mcp`;
  const headers = {
    "content-type": "application/json",
    accept: "application/json, text/event-stream",
    "x-api-key": orgKey,
  };
  let id = 0;
  return async () => {
    id++;
    const body = JSON.stringify({
      jsonrpc: "2.0",
      id,
      method: "tools/call",
      params: { name: "zendesk__list_tickets", arguments: {} },
    });
    const response = await fetch(url, {
      method: "POST",
      headers,
      body,
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    const text = await response.text();
    return toolCallProblem(response.status, response.headers.get("content-type") ?? "", text);
  };
}
