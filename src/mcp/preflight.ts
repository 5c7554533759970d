/**
 * Checks a JSON-RPC body before the MCP SDK sees it. The SDK validates `tools/call` params
 * with a schema whose failure surfaces as -32603 Internal error with a raw issue dump; a
 * malformed call is the client's fault, so it gets -32602 Invalid params here instead.
 */
import { JSONRPC_INVALID_PARAMS } from "./rpc-error.ts";

export type Preflight =
  | { ok: true; body: unknown }
  | { ok: false; status: number; error: { code: number; message: string }; id: unknown };

const JSONRPC_PARSE_ERROR = -32700;
const JSONRPC_INVALID_REQUEST = -32600;

export function preflightRpc(text: string): Preflight {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return {
      ok: false,
      status: 400,
      error: { code: JSONRPC_PARSE_ERROR, message: "Parse error" },
      id: null,
    };
  }
  if (Array.isArray(body)) {
    // Batching was removed from MCP in 2025-06-18: a POST carries one message.
    const error = {
      code: JSONRPC_INVALID_REQUEST,
      message: "Invalid Request: batches are not supported",
    };
    return { ok: false, status: 400, error, id: null };
  }
  // A notification (no id) gets no answer at all, so it is left to the SDK (202 Accepted).
  const isRequest = typeof body === "object" && body !== null && "id" in body;
  const problem = isRequest ? toolCallProblem(body) : undefined;
  if (!problem) return { ok: true, body };
  const id = (body as { id?: unknown }).id ?? null;
  return { ok: false, status: 200, error: { code: JSONRPC_INVALID_PARAMS, message: problem }, id };
}

function toolCallProblem(body: unknown): string | undefined {
  if (typeof body !== "object" || body === null || Array.isArray(body)) return undefined;
  const { method, params } = body as { method?: unknown; params?: unknown };
  if (method !== "tools/call") return undefined;
  if (typeof params !== "object" || params === null || Array.isArray(params)) {
    return "Invalid params: tools/call needs params {name, arguments}";
  }
  const { name, arguments: args } = params as { name?: unknown; arguments?: unknown };
  if (typeof name !== "string" || name.length === 0) return "Invalid params: name must be a string";
  if (args !== undefined && (typeof args !== "object" || args === null || Array.isArray(args))) {
    return "Invalid params: arguments must be an object";
  }
  return undefined;
}
