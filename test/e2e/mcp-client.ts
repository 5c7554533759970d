/** The MCP SDK's own Client on Streamable HTTP, pointed at the gateway's `POST /v1/mcp`. */
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";

export interface ConnectedClient {
  client: Client;
  /** `x-kestra-request-id` of every HTTP answer, in order, to find their audit entries. */
  requestIds: string[];
}

export async function connectMcp(
  baseUrl: string,
  headers: Record<string, string>,
): Promise<ConnectedClient> {
  const requestIds: string[] = [];
  const transport = new StreamableHTTPClientTransport(new URL(`${baseUrl}/v1/mcp`), {
    requestInit: { headers },
    fetch: async (url, init) => {
      const response = await fetch(url, init);
      const id = response.headers.get("x-kestra-request-id");
      if (id) requestIds.push(id);
      return response;
    },
  });
  const client = new Client({ name: "kestra-e2e", version: "1.0.0" });
  await client.connect(transport);
  return { client, requestIds };
}

/** The JSON a connector tool answers, from its single text block. */
export function toolResultJson(result: CallToolResult): unknown {
  const [first] = result.content;
  if (first?.type !== "text") throw new Error("expected one text block in the tool result");
  return JSON.parse(first.text);
}
