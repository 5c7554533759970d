/**
 * A JSON-RPC error as the MCP SDK's protocol layer serialises it: it copies `code`, `message`
 * and `data` from whatever a handler throws. (The SDK's own McpError prefixes its message with
 * "MCP error -32602:", which would change the contract's exact `Policy denied` text.)
 */
export const JSONRPC_INVALID_PARAMS = -32602;
export const JSONRPC_INTERNAL_ERROR = -32603;

export class JsonRpcError extends Error {
  readonly code: number;
  readonly data: unknown;

  constructor(code: number, message: string, data?: unknown) {
    super(message);
    this.name = "JsonRpcError";
    this.code = code;
    this.data = data;
  }
}

export function policyDeniedRpcError(reason: string): JsonRpcError {
  return new JsonRpcError(JSONRPC_INVALID_PARAMS, "Policy denied", { reason });
}
