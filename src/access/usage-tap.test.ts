import { describe, expect, test } from "bun:test";
import { SseUsageParser, tapUsage, usageFromJson } from "./usage-tap.ts";

function sse(events: object[]): string {
  return events.map((event) => `event: x\ndata: ${JSON.stringify(event)}\n\n`).join("");
}

describe("usage from a stream", () => {
  test("takes message_start counts, then the latest cumulative message_delta, never a sum", () => {
    const parser = new SseUsageParser();
    const text = sse([
      {
        type: "message_start",
        message: { model: "claude-x", usage: { input_tokens: 25, output_tokens: 1 } },
      },
      { type: "content_block_delta", delta: { type: "text_delta", text: "hi" } },
      { type: "message_delta", usage: { output_tokens: 10 } },
      {
        type: "message_delta",
        usage: { output_tokens: 15, input_tokens: 40, cache_read_input_tokens: 7 },
      },
    ]);

    // Split mid-event and mid-character to prove framing survives arbitrary chunking.
    const bytes = new TextEncoder().encode(text);
    for (let i = 0; i < bytes.length; i += 7) parser.push(bytes.subarray(i, i + 7));

    expect(parser.usage).toEqual({
      model: "claude-x",
      inputTokens: 40,
      outputTokens: 15,
      cacheCreationInputTokens: 0,
      cacheReadInputTokens: 7,
    });
  });

  test("a JSON body yields its usage; a non-JSON body yields zeros", () => {
    const json = JSON.stringify({ model: "m", usage: { input_tokens: 3, output_tokens: 4 } });

    expect(usageFromJson(json)).toMatchObject({ model: "m", inputTokens: 3, outputTokens: 4 });
    expect(usageFromJson("<html>bad gateway</html>").inputTokens).toBe(0);
  });
});

describe("tap", () => {
  test("relays every byte unchanged and reports completion once", async () => {
    const body = JSON.stringify({ model: "m", usage: { input_tokens: 9, output_tokens: 2 } });
    const reports: string[] = [];
    const source = new Response(body).body;
    if (!source) throw new Error("no body");

    const tapped = tapUsage(source, {
      streaming: false,
      idleTimeoutMs: 1000,
      onDone: (usage, outcome) =>
        reports.push(`${outcome}:${usage.inputTokens}:${usage.outputTokens}`),
    });

    expect(await new Response(tapped).text()).toBe(body);
    expect(reports).toEqual(["completed:9:2"]);
  });

  test("a client that goes away is reported as aborted with the usage seen so far", async () => {
    const reports: string[] = [];
    const first = sse([
      { type: "message_start", message: { usage: { input_tokens: 5, output_tokens: 1 } } },
    ]);
    const source = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(first));
      },
    });

    const tapped = tapUsage(source, {
      streaming: true,
      idleTimeoutMs: 1000,
      onDone: (usage, outcome) => reports.push(`${outcome}:${usage.inputTokens}`),
    });
    const reader = tapped.getReader();
    await reader.read();
    await reader.cancel();

    expect(reports).toEqual(["aborted:5"]);
  });
});

describe("tap on a stream that goes wrong", () => {
  const encoder = new TextEncoder();
  const start = sse([
    { type: "message_start", message: { usage: { input_tokens: 5, output_tokens: 1 } } },
  ]);
  const partial = 'event: content_block_delta\ndata: {"type":"content_bl';

  function tapped(source: ReadableStream<Uint8Array>, reports: string[], idleTimeoutMs = 1000) {
    return tapUsage(source, {
      streaming: true,
      idleTimeoutMs,
      onDone: (usage, outcome) => reports.push(`${outcome}:${usage.inputTokens}`),
    });
  }

  test("an upstream that breaks mid-event ends with whole events, then an error", async () => {
    const reports: string[] = [];
    let pulls = 0;
    const source = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulls += 1;
        if (pulls === 1) controller.enqueue(encoder.encode(start + partial));
        else controller.error(new Error("ECONNRESET"));
      },
    });

    const text = await new Response(tapped(source, reports)).text();

    expect(text.startsWith(start)).toBe(true);
    expect(text).not.toContain('"content_bl');
    const message = "The connection to the Anthropic API broke mid-stream";
    expect(text.endsWith(`"type":"upstream_error","message":"${message}"}}\n\n`)).toBe(true);
    expect(reports).toEqual(["upstream_error:5"]);
  });

  test("an upstream that goes silent is cut after the idle timeout", async () => {
    const reports: string[] = [];
    const source = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(encoder.encode(start));
      },
    });

    const text = await new Response(tapped(source, reports, 50)).text();

    expect(text).toContain('"type":"upstream_timeout"');
    expect(reports).toEqual(["upstream_error:5"]);
  });

  test("an upstream that closes mid-event gets an error event, not half an event", async () => {
    const reports: string[] = [];
    const source = new Response(start + partial).body as ReadableStream<Uint8Array>;

    const text = await new Response(tapped(source, reports)).text();

    expect(text.startsWith(start)).toBe(true);
    expect(text).not.toContain('"content_bl');
    expect(text).toContain("event: error");
    expect(reports).toEqual(["upstream_error:5"]);
  });

  test("a 200 stream carrying an error event is recorded as an upstream error", async () => {
    const reports: string[] = [];
    const body =
      start + sse([{ type: "error", error: { type: "overloaded_error", message: "Overloaded" } }]);

    const text = await new Response(
      tapped(new Response(body).body as ReadableStream<Uint8Array>, reports),
    ).text();

    expect(text).toBe(body);
    expect(reports).toEqual(["upstream_error:5"]);
  });
});
