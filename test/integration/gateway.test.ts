import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import Anthropic from "@anthropic-ai/sdk";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { DEFAULT_FAKE_API_KEY } from "../fakes/anthropic.ts";
import { provisionSupportDesk, startTestAppliance, type TestAppliance } from "./appliance.ts";

let appliance: TestAppliance;
let orgKey: string;

beforeAll(async () => {
  appliance = await startTestAppliance();
  const desk = await provisionSupportDesk(appliance);
  expect(desk.connector.body.status).toBe("ACTIVE");
  orgKey = desk.orgKey;
});

afterAll(async () => {
  await appliance.stop();
});

const MESSAGE = {
  model: "claude-sonnet-4-5-20250929",
  max_tokens: 64,
  messages: [{ role: "user" as const, content: "hello there world" }],
};

describe("PAT proxy through the Anthropic SDK", () => {
  test("answers the upstream's message and sends the PAT, not the org key, upstream", async () => {
    const client = new Anthropic({ apiKey: orgKey, baseURL: appliance.baseUrl, maxRetries: 0 });

    const message = await client.messages.create(MESSAGE);

    expect(message.content[0]).toMatchObject({ type: "text", text: "Echo: hello there world" });
    const upstream = appliance.anthropic.requests.at(-1);
    expect(upstream?.headers.authorization).toBe(`Bearer ${DEFAULT_FAKE_API_KEY}`);
    expect(JSON.stringify(upstream?.headers)).not.toContain(orgKey);
  });

  test("a base URL ending in /v1 works as the product docs configure it", async () => {
    const client = new Anthropic({ apiKey: orgKey, baseURL: `${appliance.baseUrl}/v1` });

    const stream = client.messages.stream(MESSAGE);
    const final = await stream.finalMessage();

    expect(final.content[0]).toMatchObject({ text: "Echo: hello there world" });
    expect(appliance.anthropic.requests.at(-1)?.path).toBe("/v1/messages");
  });

  test("a model outside the allowlist raises PermissionDeniedError with our message", async () => {
    const client = new Anthropic({ apiKey: orgKey, baseURL: appliance.baseUrl, maxRetries: 0 });
    const upstreamCalls = appliance.anthropic.requests.length;

    const error = await client.messages
      .create({ ...MESSAGE, model: "claude-opus-4-1" })
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(Anthropic.PermissionDeniedError);
    expect((error as Error).message).toContain(
      "Access denied: model 'claude-opus-4-1' is not in your allowlist",
    );
    expect(appliance.anthropic.requests.length).toBe(upstreamCalls);
  });
});

describe("MCP gateway through the MCP SDK client", () => {
  async function connect() {
    const client = new Client({ name: "integration", version: "1.0.0" });
    const transport = new StreamableHTTPClientTransport(new URL(`${appliance.baseUrl}/v1/mcp`), {
      requestInit: { headers: { "x-api-key": orgKey } },
    });
    await client.connect(transport);
    return client;
  }

  test("lists exactly the tools the role allows", async () => {
    const client = await connect();

    const { tools } = await client.listTools();

    expect(tools.map((tool) => tool.name).sort()).toEqual([
      "zendesk__get_ticket",
      "zendesk__list_tickets",
    ]);
    await client.close();
  });

  test("an allowed call returns ticket JSON; a denied one fails with -32602", async () => {
    const client = await connect();

    const listed = await client.callTool({ name: "zendesk__list_tickets", arguments: {} });
    const denied = await client
      .callTool({ name: "zendesk__delete_ticket", arguments: { id: 1 } })
      .catch((caught: unknown) => caught as { code: number; data: unknown; message: string });

    const content = listed.content as { type: string; text: string }[];
    const tickets = JSON.parse(content[0]?.text ?? "{}") as { tickets: unknown[] };
    expect(tickets.tickets.length).toBeGreaterThan(0);
    expect(denied).toMatchObject({
      code: -32602,
      data: { reason: "Tool 'zendesk__delete_ticket' is denied for your role" },
    });
    await client.close();
  });
});

describe("usage reports", () => {
  test("a PAT key's month shows requests, tokens and estimated spend per model", async () => {
    const keys = await appliance.admin.call("GET", "/pat-keys");
    const patKeyId = (keys.body.data as { id: string }[])[0]?.id;

    const { status, body } = await appliance.admin.call("GET", `/pat-keys/${patKeyId}/usage`);

    expect(status).toBe(200);
    expect(body).toMatchObject({
      pat_key_id: patKeyId,
      period: expect.stringMatching(/^\d{4}-\d{2}$/),
      monthly_spend_cap_usd: null,
      remaining_usd: null,
    });
    expect(body.requests as number).toBeGreaterThanOrEqual(2);
    expect(body.input_tokens).toBe((body.requests as number) * 6);
    expect(body.estimated_spend_usd as number).toBeGreaterThan(0);
    const byModel = body.by_model as Record<string, { requests: number }>;
    expect(byModel["claude-sonnet-4-5-20250929"]?.requests).toBe(body.requests as number);
  });

  test("the org's month is split by product, PAT key and model", async () => {
    const { body } = await appliance.admin.call("GET", "/metering/usage");

    expect(Object.keys(body.by_product as object).sort()).toEqual(["mcp", "pat"]);
    expect(Object.keys(body.by_pat_key as object)).toHaveLength(1);
  });
});

describe("audit trail", () => {
  test("records each decision, with token counts for the PAT calls", async () => {
    const { body } = await appliance.admin.call("GET", "/audit?limit=200");
    const entries = body.data as {
      type: string;
      decision: string;
      target: string;
      usage: { input_tokens: number; output_tokens: number } | null;
    }[];

    const messages = entries.filter(
      (entry) => entry.type === "messages" && entry.decision === "allowed",
    );
    expect(messages.length).toBeGreaterThanOrEqual(2);
    for (const entry of messages)
      expect(entry.usage).toMatchObject({ input_tokens: 6, output_tokens: 4 });
    expect(entries).toContainEqual(
      expect.objectContaining({ type: "messages", decision: "denied", target: "claude-opus-4-1" }),
    );
    expect(entries).toContainEqual(
      expect.objectContaining({
        type: "tool_call",
        decision: "denied",
        target: "zendesk__delete_ticket",
      }),
    );
    expect(entries).toContainEqual(
      expect.objectContaining({
        type: "tool_call",
        decision: "allowed",
        target: "zendesk__list_tickets",
      }),
    );
  });
});
