import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { provisionSupportDesk, startTestAppliance, type TestAppliance } from "./appliance.ts";

let appliance: TestAppliance;
let orgKey: string;

beforeAll(async () => {
  appliance = await startTestAppliance();
  orgKey = (await provisionSupportDesk(appliance)).orgKey;
});
afterAll(() => appliance.stop());

/** POSTs a raw body as a Streamable HTTP client would, with the org key unless told otherwise. */
function post(body: string, headers: Record<string, string> = { "x-api-key": orgKey }) {
  return fetch(`${appliance.baseUrl}/v1/mcp`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
      ...headers,
    },
    body,
  });
}

async function rpc(body: unknown, headers?: Record<string, string>) {
  const response = await post(JSON.stringify(body), headers);
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: text ? JSON.parse(text) : null,
  };
}

const call = (name: string, args: object = {}) => ({
  jsonrpc: "2.0",
  id: 7,
  method: "tools/call",
  params: { name, arguments: args },
});

describe("MCP wire format", () => {
  test("a denied call is exactly -32602 'Policy denied' with data.reason", async () => {
    const { status, body } = await rpc(call("zendesk__delete_ticket", { id: 1 }));

    expect(status).toBe(200);
    expect(body).toEqual({
      jsonrpc: "2.0",
      id: 7,
      error: {
        code: -32602,
        message: "Policy denied",
        data: { reason: "Tool 'zendesk__delete_ticket' is denied for your role" },
      },
    });
  });

  test("malformed tools/call params are -32602 Invalid params, not an internal error", async () => {
    const missing = await rpc({ jsonrpc: "2.0", id: 8, method: "tools/call", params: {} });
    const wrongType = await rpc(call("zendesk__get_ticket", [] as unknown as object));

    expect(missing.body).toEqual({
      jsonrpc: "2.0",
      id: 8,
      error: { code: -32602, message: "Invalid params: name must be a string" },
    });
    expect(wrongType.body.error.code).toBe(-32602);
  });

  test("a JSON-RPC batch is refused: MCP carries one message per POST", async () => {
    const { status, body } = await rpc([
      call("zendesk__list_tickets"),
      call("zendesk__get_ticket"),
    ]);

    expect(status).toBe(400);
    expect(body.error.code).toBe(-32600);
  });

  test("a tools/call notification gets 202 and no answer", async () => {
    const response = await post(
      JSON.stringify({ jsonrpc: "2.0", method: "tools/call", params: {} }),
    );

    expect(response.status).toBe(202);
    expect(await response.text()).toBe("");
  });

  test("a body that is not JSON is -32700 Parse error with HTTP 400", async () => {
    const response = await post("{nope");

    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: -32700 } });
  });

  test("an unknown tool is -32602 naming it", async () => {
    const { body } = await rpc(call("jira__create_issue"));

    expect(body.error).toEqual({ code: -32602, message: "Unknown tool: jira__create_issue" });
  });

  test("bad argument values are a tool result with isError, for the model to fix", async () => {
    const { body } = await rpc(call("zendesk__get_ticket", { id: "not-a-number" }));

    expect(body.result.isError).toBe(true);
    expect(body.result.content[0].text).toContain("id");
  });

  test("an upstream failure is a tool result with isError, naming the problem", async () => {
    const { body } = await rpc(call("zendesk__get_ticket", { id: 999999 }));

    expect(body.result).toMatchObject({ isError: true });
    expect(body.result.content[0].text).toContain("999999");
  });

  test("the org key also works as a bearer token, and every answer has a request id", async () => {
    const { status, headers, body } = await rpc(
      { jsonrpc: "2.0", id: 1, method: "tools/list" },
      { authorization: `Bearer ${orgKey}` },
    );

    expect(status).toBe(200);
    expect(body.result.tools).toHaveLength(2);
    expect(headers.get("x-kestra-request-id")).toMatch(/^req_/);
  });

  test("a missing or unknown key is an HTTP 401 in the contract's envelope", async () => {
    const missing = await rpc({ jsonrpc: "2.0", id: 1, method: "tools/list" }, {});
    const unknown = await rpc(
      { jsonrpc: "2.0", id: 1, method: "tools/list" },
      { "x-api-key": `org_${"x".repeat(43)}` },
    );

    for (const answer of [missing, unknown]) {
      expect(answer.status).toBe(401);
      expect(answer.body).toMatchObject({
        type: "error",
        error: { type: "authentication_error", code: 401 },
        request_id: expect.stringMatching(/^req_/),
      });
    }
  });

  test("a browser Origin other than the appliance's own is refused with 403", async () => {
    const foreign = await rpc(
      { jsonrpc: "2.0", id: 1, method: "tools/list" },
      { "x-api-key": orgKey, origin: "https://evil.example" },
    );
    const own = await rpc(
      { jsonrpc: "2.0", id: 1, method: "tools/list" },
      { "x-api-key": orgKey, origin: "http://127.0.0.1:1" },
    );

    expect(foreign.status).toBe(403);
    expect(foreign.body).toMatchObject({
      type: "error",
      error: { type: "policy_denied", message: "Origin not allowed: https://evil.example" },
    });
    expect(own.status).toBe(200);
  });

  test("GET answers 405: a stateless gateway has no standalone stream", async () => {
    const response = await fetch(`${appliance.baseUrl}/v1/mcp`, {
      headers: { accept: "text/event-stream", "x-api-key": orgKey },
    });

    expect(response.status).toBe(405);
  });
});
