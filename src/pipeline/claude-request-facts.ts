/**
 * What policy needs to know from a Claude API request body: the model and max_tokens of each
 * message request it carries. A Message Batch (`POST /v1/messages/batches`) carries many, and
 * each is checked, so batching cannot route around a model allowlist or a token limit. Paths
 * are checked for canonical form and matched without regard to case, and a POST to any other
 * path that names a model is checked too: no spelling of a path gets a model past policy.
 */
import { invalidRequest } from "../lib/errors.ts";
import type { MessagesRequestFacts } from "../policy/decide.ts";

export type ClaudeRequestType = "messages" | "count_tokens" | "batch" | "proxy";

/** A message request as policy sees it, plus its size: the bound on its input tokens. */
export interface MessageRequestFacts extends MessagesRequestFacts {
  bytes: number;
}

export interface ClaudeRequestFacts {
  type: ClaudeRequestType;
  /** One entry per message request in the body; empty for paths that name no model. */
  requests: MessageRequestFacts[];
}

const TYPE_BY_PATH: Record<string, ClaudeRequestType> = {
  "/v1/messages": "messages",
  "/v1/messages/count_tokens": "count_tokens",
  "/v1/messages/batches": "batch",
};

/** `//`, dot segments, percent-encoding and a trailing `/` could alias a governed path. */
const NON_CANONICAL_PATH = /\/\/|%|\\|\/\.\.?(\/|$)|\/$/;

export function assertCanonicalPath(path: string): void {
  if (NON_CANONICAL_PATH.test(path)) throw invalidRequest(`not a canonical API path: ${path}`);
}

export function readClaudeRequestFacts(
  method: string,
  path: string,
  body: ArrayBuffer | null,
): ClaudeRequestFacts {
  assertCanonicalPath(path);
  if (method !== "POST") return { type: "proxy", requests: [] };
  const type = TYPE_BY_PATH[path.toLowerCase()] ?? "proxy";
  if (type === "proxy") return { type, requests: modelsNamedIn(body) };

  const parsed = parseJsonObject(body, "request body");
  if (type !== "batch")
    return { type, requests: [messageFacts(parsed, "", body?.byteLength ?? 0)] };
  return { type, requests: batchFacts(parsed) };
}

/** An unknown endpoint is forwarded, but any model its body names still meets policy. */
function modelsNamedIn(body: ArrayBuffer | null): MessageRequestFacts[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder().decode(body ?? new ArrayBuffer(0)));
  } catch {
    return [];
  }
  if (!isObject(parsed)) return [];
  if (Array.isArray(parsed.requests)) return batchFacts(parsed);
  return "model" in parsed ? [messageFacts(parsed, "", body?.byteLength ?? 0)] : [];
}

function batchFacts(parsed: Record<string, unknown>): MessageRequestFacts[] {
  const requests = parsed.requests;
  if (!Array.isArray(requests) || requests.length === 0) {
    throw invalidRequest("requests: expected a non-empty array");
  }
  return requests.map((entry: unknown, index) => {
    const prefix = `requests.${index}.params.`;
    const params = isObject(entry) ? entry.params : undefined;
    if (!isObject(params)) throw invalidRequest(`requests.${index}.params: expected an object`);
    return messageFacts(params, prefix, Buffer.byteLength(JSON.stringify(params)));
  });
}

function messageFacts(
  body: Record<string, unknown>,
  prefix: string,
  bytes: number,
): MessageRequestFacts {
  const { model, max_tokens: maxTokens } = body;
  if (typeof model !== "string" || model.length === 0) {
    throw invalidRequest(`${prefix}model: expected a string`);
  }
  if (maxTokens !== undefined && typeof maxTokens !== "number") {
    throw invalidRequest(`${prefix}max_tokens: expected a number`);
  }
  return { model, maxTokens: maxTokens ?? null, bytes };
}

function parseJsonObject(body: ArrayBuffer | null, what: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder().decode(body ?? new ArrayBuffer(0)));
  } catch {
    throw invalidRequest(`${what} must be a JSON object`);
  }
  if (!isObject(parsed)) throw invalidRequest(`${what} must be a JSON object`);
  return parsed;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
