/**
 * MCP Fortress seen through the MCP SDK's Client on Streamable HTTP: the role's two tools and
 * nothing else, ticket JSON from the Zendesk fake, a denied tool as JSON-RPC -32602 "Policy
 * denied" that never reaches Zendesk, and the contract's 401 envelope for a bad org key.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type CallToolResult, McpError } from "@modelcontextprotocol/sdk/types.js";
import { FAKE_ZENDESK_DEFAULTS } from "../fakes/zendesk.ts";
import { removeTempDirs } from "./harness.ts";
import { connectMcp, toolResultJson } from "./mcp-client.ts";
import { ALLOWED_TOOLS, type Stack, startStack, ZENDESK_TOKEN } from "./stack.ts";

let stack: Stack;

beforeAll(async () => {
  stack = await startStack();
});

afterAll(async () => {
  await stack?.stop();
  removeTempDirs();
});

const connect = (headers: Record<string, string>) => connectMcp(stack.kestra.url, headers);
const withKey = () => connect({ "x-api-key": stack.setup.orgKey });

describe("MCP gateway lists and calls tools for the caller's role", () => {
  test("the connector was created ACTIVE, its connection test passing against the fake", () => {
    expect(stack.setup.connector.status).toBe("ACTIVE");
    expect(stack.setup.connector.tools).toContain("zendesk__delete_ticket");
  });

  test("tools/list shows exactly the two tools the role allows", async () => {
    const { client } = await withKey();

    const { tools } = await client.listTools();
    await client.close();

    expect(tools.map((tool) => tool.name).sort()).toEqual(ALLOWED_TOOLS);
    const list = tools.find((tool) => tool.name === "zendesk__list_tickets");
    expect(list?.inputSchema.type).toBe("object");
    expect(list?.annotations?.readOnlyHint).toBe(true);
  });

  test("zendesk__list_tickets returns the fake's tickets as JSON", async () => {
    const { client } = await withKey();

    const result = (await client.callTool({
      name: "zendesk__list_tickets",
      arguments: {},
    })) as CallToolResult;
    await client.close();

    expect(result.isError).toBeFalsy();
    const body = toolResultJson(result) as { tickets: { id: number; subject: string }[] };
    const expected = [...stack.zendesk.tickets.values()].map(({ id, subject }) => ({
      id,
      subject,
    }));
    expect(body.tickets.map(({ id, subject }) => ({ id, subject }))).toEqual(expected);
  });

  test("zendesk__get_ticket returns one ticket with its description", async () => {
    const { client } = await withKey();

    const result = (await client.callTool({
      name: "zendesk__get_ticket",
      arguments: { id: 1 },
    })) as CallToolResult;
    await client.close();

    expect(toolResultJson(result)).toMatchObject({
      ticket: { id: 1, subject: "Printer on fire", description: "Printer on fire" },
    });
  });

  test("the Zendesk calls carry the stored credential", () => {
    const basic = Buffer.from(`${FAKE_ZENDESK_DEFAULTS.email}/token:${ZENDESK_TOKEN}`);
    const ticketCalls = stack.zendesk.requests.filter((r) => r.path.startsWith("/api/v2/tickets"));
    expect(ticketCalls.length).toBeGreaterThan(0);
    for (const call of ticketCalls) {
      expect(call.headers.authorization).toBe(`Basic ${basic.toString("base64")}`);
    }
  });

  test("an org key sent as Authorization: Bearer works too", async () => {
    const { client } = await connect({ authorization: `Bearer ${stack.setup.orgKey}` });

    const { tools } = await client.listTools();
    await client.close();

    expect(tools.map((tool) => tool.name).sort()).toEqual(ALLOWED_TOOLS);
  });
});

describe("MCP gateway denies what the role does not allow", () => {
  test("zendesk__delete_ticket fails with -32602 'Policy denied' and a reason", async () => {
    const { client } = await withKey();
    const zendeskCalls = stack.zendesk.requests.length;

    const error = await client
      .callTool({ name: "zendesk__delete_ticket", arguments: { id: 1 } })
      .then(
        () => undefined,
        (caught: unknown) => caught,
      );
    await client.close();

    expect(error).toBeInstanceOf(McpError);
    const denied = error as McpError;
    expect(denied.code).toBe(-32602);
    expect(denied.message).toBe("MCP error -32602: Policy denied");
    expect(denied.data).toEqual({
      reason: "Tool 'zendesk__delete_ticket' is denied for your role",
    });
    expect(stack.zendesk.requests.length).toBe(zendeskCalls);
    expect(stack.zendesk.tickets.has(1)).toBe(true);
  });

  test("on the wire the denial's message is exactly 'Policy denied'", async () => {
    const response = await fetch(`${stack.kestra.url}/v1/mcp`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: "application/json, text/event-stream",
        "x-api-key": stack.setup.orgKey,
      },
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: 7,
        method: "tools/call",
        params: { name: "zendesk__delete_ticket", arguments: { id: 2 } },
      }),
    });

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      jsonrpc: "2.0",
      id: 7,
      error: {
        code: -32602,
        message: "Policy denied",
        data: { reason: "Tool 'zendesk__delete_ticket' is denied for your role" },
      },
    });
  });

  test("an unknown org key gets HTTP 401 in the contract's envelope", async () => {
    const response = await fetch(`${stack.kestra.url}/v1/mcp`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: "application/json, text/event-stream",
        "x-api-key": "org_not-a-real-key-0000000000000000",
      },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
    });

    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({
      type: "error",
      error: { type: "authentication_error", message: expect.any(String), code: 401 },
      request_id: response.headers.get("x-kestra-request-id"),
    });
  });
});
