/**
 * What policy needs to know from a Claude API request body: the model and max_tokens of each
 * message request it carries. A Message Batch (`POST /v1/messages/batches`) carries many, and
 * each is checked, so batching cannot route around a model allowlist or a token limit.
 */
import { invalidRequest } from "../lib/errors.ts";
import type { MessagesRequestFacts } from "../policy/decide.ts";

export type ClaudeRequestType = "messages" | "count_tokens" | "batch" | "proxy";

export interface ClaudeRequestFacts {
  type: ClaudeRequestType;
  /** One entry per message request in the body; empty for paths that name no model. */
  requests: MessagesRequestFacts[];
}

const TYPE_BY_PATH: Record<string, ClaudeRequestType> = {
  "/v1/messages": "messages",
  "/v1/messages/count_tokens": "count_tokens",
  "/v1/messages/batches": "batch",
};

export function readClaudeRequestFacts(
  method: string,
  path: string,
  body: ArrayBuffer | null,
): ClaudeRequestFacts {
  const type = method === "POST" ? (TYPE_BY_PATH[path] ?? "proxy") : "proxy";
  if (type === "proxy") return { type, requests: [] };

  const parsed = parseJsonObject(body, "request body");
  if (type !== "batch") return { type, requests: [messageFacts(parsed, "")] };

  const requests = parsed.requests;
  if (!Array.isArray(requests) || requests.length === 0) {
    throw invalidRequest("requests: expected a non-empty array");
  }
  return {
    type,
    requests: requests.map((entry: unknown, index) => {
      const prefix = `requests.${index}.params.`;
      const params = isObject(entry) ? entry.params : undefined;
      if (!isObject(params)) throw invalidRequest(`requests.${index}.params: expected an object`);
      return messageFacts(params, prefix);
    }),
  };
}

function messageFacts(body: Record<string, unknown>, prefix: string): MessagesRequestFacts {
  const { model, max_tokens: maxTokens } = body;
  if (typeof model !== "string" || model.length === 0) {
    throw invalidRequest(`${prefix}model: expected a string`);
  }
  if (maxTokens !== undefined && typeof maxTokens !== "number") {
    throw invalidRequest(`${prefix}max_tokens: expected a number`);
  }
  return { model, maxTokens: maxTokens ?? null };
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
