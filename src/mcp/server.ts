/**
 * Builds the MCP server for one HTTP request of an admitted caller. The gateway is stateless
 * (no MCP session): every POST is authenticated on its own, as the MCP security guidance asks
 * (sessions must not stand in for authentication), so a server per request is the simple shape.
 */
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import {
  CallToolRequestSchema,
  type CallToolResult,
  ListToolsRequestSchema,
  type Tool,
} from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import type { ActionOutcome, ConnectorAction } from "../connectors/types.ts";
import type { GatewayDeps, GatewayRequest } from "../pipeline/deps.ts";
import { type AdmittedCaller, governToolCall, listAllowedTools } from "../pipeline/tool-call.ts";
import {
  JSONRPC_INTERNAL_ERROR,
  JSONRPC_INVALID_PARAMS,
  JsonRpcError,
  policyDeniedRpcError,
} from "./rpc-error.ts";

export const SERVER_INFO = { name: "kestra-fortress", version: "0.1.0" };

const inputSchemas = new WeakMap<ConnectorAction, Tool["inputSchema"]>();

function inputSchemaOf(action: ConnectorAction): Tool["inputSchema"] {
  let schema = inputSchemas.get(action);
  if (!schema) {
    const { $schema: _dialect, ...jsonSchema } = z.toJSONSchema(action.input, { io: "input" });
    schema = jsonSchema as Tool["inputSchema"];
    inputSchemas.set(action, schema);
  }
  return schema;
}

function describeTool(name: string, action: ConnectorAction): Tool {
  return {
    name,
    title: action.title,
    description: action.description,
    inputSchema: inputSchemaOf(action),
    annotations: {
      title: action.title,
      readOnlyHint: action.readOnly,
      destructiveHint: action.destructive,
      openWorldHint: true,
    },
  };
}

function toToolResult(outcome: ActionOutcome): CallToolResult {
  if (outcome.ok) {
    return { content: [{ type: "text", text: JSON.stringify(outcome.data) }] };
  }
  return { content: [{ type: "text", text: outcome.message }], isError: true };
}

export function buildMcpServer(deps: GatewayDeps, caller: AdmittedCaller, request: GatewayRequest) {
  const server = new Server(SERVER_INFO, { capabilities: { tools: { listChanged: false } } });

  server.setRequestHandler(ListToolsRequestSchema, () => ({
    tools: listAllowedTools(deps, caller).map((tool) => describeTool(tool.name, tool.action)),
  }));

  server.setRequestHandler(CallToolRequestSchema, async (call) => {
    const args = (call.params.arguments ?? {}) as Record<string, unknown>;
    let verdict: Awaited<ReturnType<typeof governToolCall>>;
    try {
      verdict = await governToolCall(deps, caller, request, call.params.name, args);
    } catch (error) {
      deps.logger.error("tools/call failed", { request_id: request.requestId, error });
      throw new JsonRpcError(JSONRPC_INTERNAL_ERROR, "Internal error");
    }
    if (verdict.kind === "unknown_tool")
      throw new JsonRpcError(JSONRPC_INVALID_PARAMS, verdict.message);
    if (verdict.kind === "denied") throw policyDeniedRpcError(verdict.reason);
    return toToolResult(verdict.outcome);
  });

  return server;
}
