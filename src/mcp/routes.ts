/**
 * `POST /v1/mcp` on the MCP SDK's web-standard Streamable HTTP transport, stateless and
 * answering plain JSON. Identity is checked before the MCP layer sees the request, so a bad
 * key gets the contract's HTTP 401 envelope. GET and DELETE answer 405, as the transport spec
 * allows a server without a standalone stream or sessions to do.
 */
import * as mcpHttp from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
import { KestraError, toErrorResponse } from "../lib/errors.ts";
import { readBodyWithin } from "../lib/read-body.ts";
import type { GatewayDeps, GatewayRequest } from "../pipeline/deps.ts";
import { admitCaller } from "../pipeline/tool-call.ts";
import { preflightRpc } from "./preflight.ts";
import { buildMcpServer } from "./server.ts";

/** A JSON-RPC message to the gateway is small; tool arguments never need more than this. */
const MAX_MCP_BODY_BYTES = 4 * 1024 * 1024;

export async function handleMcpPost(deps: GatewayDeps, raw: Request, request: GatewayRequest) {
  const origin = raw.headers.get("origin");
  if (origin !== null && !deps.mcpAllowedOrigins.has(origin)) {
    return toErrorResponse(
      new KestraError("policy_denied", `Origin not allowed: ${origin}`),
      request.requestId,
    );
  }
  const caller = await admitCaller(deps, request);
  const body = await readBodyWithin(raw, MAX_MCP_BODY_BYTES);
  const preflight = preflightRpc(new TextDecoder().decode(body));
  if (!preflight.ok) {
    const { status, error, id } = preflight;
    return new Response(JSON.stringify({ jsonrpc: "2.0", id, error }), {
      status,
      headers: { "content-type": "application/json", "x-kestra-request-id": request.requestId },
    });
  }
  const server = buildMcpServer(deps, caller, request);
  const transport = new mcpHttp.WebStandardStreamableHTTPServerTransport({
    sessionIdGenerator: undefined,
    enableJsonResponse: true,
  });
  await server.connect(transport);
  try {
    return await transport.handleRequest(raw, { parsedBody: preflight.body });
  } finally {
    void server.close();
  }
}

export function mcpMethodNotAllowed(requestId: string): Response {
  const message = "Method not allowed: this gateway is stateless; use POST";
  const response = jsonRpcHttpError(405, message, requestId);
  response.headers.set("allow", "POST");
  return response;
}

/** A transport-level refusal: an HTTP status with an id-less JSON-RPC error body. */
function jsonRpcHttpError(status: number, message: string, requestId: string): Response {
  const body = { jsonrpc: "2.0", error: { code: -32000, message }, id: null };
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", "x-kestra-request-id": requestId },
  });
}
