/**
 * `POST /v1/mcp` on the MCP SDK's web-standard Streamable HTTP transport, stateless and
 * answering plain JSON. Identity is checked before the MCP layer sees the request, so a bad
 * key gets the contract's HTTP 401 envelope. GET and DELETE answer 405, as the transport spec
 * allows a server without a standalone stream or sessions to do.
 */
import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
import type { GatewayDeps, GatewayRequest } from "../pipeline/deps.ts";
import { admitCaller } from "../pipeline/tool-call.ts";
import { buildMcpServer } from "./server.ts";

export async function handleMcpPost(deps: GatewayDeps, raw: Request, request: GatewayRequest) {
  const caller = admitCaller(deps, request);
  const server = buildMcpServer(deps, caller, request);
  const transport = new WebStandardStreamableHTTPServerTransport({
    sessionIdGenerator: undefined,
    enableJsonResponse: true,
  });
  await server.connect(transport);
  try {
    return await transport.handleRequest(raw);
  } finally {
    void server.close();
  }
}

export function mcpMethodNotAllowed(requestId: string): Response {
  return new Response(
    JSON.stringify({
      jsonrpc: "2.0",
      error: { code: -32000, message: "Method not allowed: this gateway is stateless; use POST" },
      id: null,
    }),
    {
      status: 405,
      headers: {
        allow: "POST",
        "content-type": "application/json",
        "x-kestra-request-id": requestId,
      },
    },
  );
}
