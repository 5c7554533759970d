/**
 * GET /api/v1/audit after real client traffic: every decision of the walking skeleton (PAT
 * calls allowed and denied, tool calls allowed and denied) with token counts for PAT calls,
 * streamed or not, found by the request id the client saw in `x-kestra-request-id`.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import Anthropic from "@anthropic-ai/sdk";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { fakeInputTokens, SERVER_TOOLS_FINAL } from "../fakes/anthropic.ts";
import { removeTempDirs } from "./harness.ts";
import { connectMcp } from "./mcp-client.ts";
import {
  ALLOWED_MODEL,
  auditEntries,
  auditEntryOf,
  DENIED_MODEL,
  type Stack,
  startStack,
} from "./stack.ts";

let stack: Stack;
let sdk: Anthropic;

beforeAll(async () => {
  stack = await startStack();
  sdk = new Anthropic({
    apiKey: stack.setup.orgKey,
    baseURL: `${stack.kestra.url}/v1`,
    maxRetries: 0,
  });
});

afterAll(async () => {
  await stack?.stop();
  removeTempDirs();
});

const params = (text: string, model = ALLOWED_MODEL) => ({
  model,
  max_tokens: 64,
  messages: [{ role: "user" as const, content: text }],
});

const hasUsage = (entry: { usage: unknown }) => entry.usage !== null;

function requestIdOf(headers: Headers | undefined): string {
  const id = headers?.get("x-kestra-request-id");
  if (!id) throw new Error("the answer carried no x-kestra-request-id");
  return id;
}

describe("audit entries of PAT calls", () => {
  test("a non-streaming message is audited as allowed with its token counts", async () => {
    const body = params("count my tokens please");
    const { response } = await sdk.messages.create(body).withResponse();

    const entry = await auditEntryOf(stack, requestIdOf(response.headers), hasUsage);

    expect(entry).toMatchObject({
      product: "pat",
      type: "messages",
      decision: "allowed",
      target: ALLOWED_MODEL,
    });
    expect(entry.usage).toMatchObject({
      outcome: "completed",
      status_code: 200,
      input_tokens: fakeInputTokens(body),
      output_tokens: 5,
    });
  });

  test("a streamed message is audited with the stream's final token counts", async () => {
    const body = params("stream and count");
    const { data: stream, response } = await sdk.messages
      .create({ ...body, stream: true })
      .withResponse();
    for await (const _event of stream) {
      // Read the stream to its end, as a client does.
    }

    const entry = await auditEntryOf(stack, requestIdOf(response.headers), hasUsage);

    expect(entry.decision).toBe("allowed");
    expect(entry.usage).toMatchObject({
      outcome: "completed",
      input_tokens: fakeInputTokens(body),
      output_tokens: 4,
    });
  });

  test("a stream with growing cumulative usage records the latest totals, not a sum", async () => {
    const body = params("usage:server-tools now");
    const stream = sdk.messages.stream(body);
    await stream.finalMessage();
    const response = await stream.withResponse().then(({ response: raw }) => raw);

    const entry = await auditEntryOf(stack, requestIdOf(response.headers), hasUsage);

    expect(entry.usage).toMatchObject({
      input_tokens: fakeInputTokens(body) + SERVER_TOOLS_FINAL.input_tokens,
      output_tokens: 3 + SERVER_TOOLS_FINAL.output_tokens,
      cache_read_input_tokens: SERVER_TOOLS_FINAL.cache_read,
    });
  });

  test("a model outside the allowlist is audited as denied, model_not_allowed", async () => {
    const error = await sdk.messages.create(params("forbidden", DENIED_MODEL)).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(Anthropic.PermissionDeniedError);
    const headers = (error as InstanceType<typeof Anthropic.APIError>).headers;

    const entry = await auditEntryOf(stack, requestIdOf(headers));

    expect(entry).toMatchObject({
      product: "pat",
      decision: "denied",
      reason: "model_not_allowed",
      target: DENIED_MODEL,
      usage: null,
    });
  });

  test("an upstream 529 is audited as allowed with an upstream_error outcome", async () => {
    const error = await sdk.messages.create(params("overloaded", "fake-error-529")).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(Anthropic.InternalServerError);
    const { status, headers } = error as InstanceType<typeof Anthropic.APIError>;
    expect(status).toBe(529);

    const entry = await auditEntryOf(stack, requestIdOf(headers), hasUsage);

    expect(entry.decision).toBe("allowed");
    expect(entry.usage).toMatchObject({ outcome: "upstream_error", status_code: 529 });
  });
});

describe("audit entries of tool calls", () => {
  test("an allowed zendesk__list_tickets and a denied zendesk__delete_ticket", async () => {
    const { client, requestIds } = await connectMcp(stack.kestra.url, {
      "x-api-key": stack.setup.orgKey,
    });
    const listed = (await client.callTool({
      name: "zendesk__list_tickets",
      arguments: {},
    })) as CallToolResult;
    const denied = await client
      .callTool({ name: "zendesk__delete_ticket", arguments: { id: 3 } })
      .then(
        () => "allowed",
        () => "refused",
      );
    await client.close();
    expect(listed.isError).toBeFalsy();
    expect(denied).toBe("refused");

    const entries = await auditEntries(stack.kestra.url, stack.admin.token);
    const toolCalls = entries.filter((entry) => entry.product === "mcp");

    const allowed = toolCalls.find((entry) => entry.target === "zendesk__list_tickets");
    expect(allowed).toMatchObject({ type: "tool_call", decision: "allowed", reason: null });
    expect(allowed?.usage).toMatchObject({ outcome: "completed", status_code: 200 });
    const refused = toolCalls.find((entry) => entry.target === "zendesk__delete_ticket");
    expect(refused).toMatchObject({ type: "tool_call", decision: "denied", reason: "tool_denied" });
    expect(requestIds).toContain(allowed?.request_id ?? "missing");
    expect(requestIds).toContain(refused?.request_id ?? "missing");
  });
});
