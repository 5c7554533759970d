/**
 * Reads token usage from a Messages API answer while relaying it unchanged. A JSON body passes
 * on chunk by chunk and a stream event by event, each as soon as it is complete (never held
 * longer); a parser on the side follows the events. In a stream, `message_start` carries the
 * first counts and each `message_delta` cumulative ones, so the latest value of each field
 * wins; nothing is summed (Anthropic streaming docs).
 */
import { SseFramer, sseErrorEvent } from "./sse-frames.ts";

export interface TokenUsage {
  model: string | null;
  inputTokens: number;
  outputTokens: number;
  cacheCreationInputTokens: number;
  cacheReadInputTokens: number;
}

export type StreamOutcome = "completed" | "aborted" | "upstream_error";

export function emptyUsage(): TokenUsage {
  return {
    model: null,
    inputTokens: 0,
    outputTokens: 0,
    cacheCreationInputTokens: 0,
    cacheReadInputTokens: 0,
  };
}

const USAGE_FIELDS = [
  ["input_tokens", "inputTokens"],
  ["output_tokens", "outputTokens"],
  ["cache_creation_input_tokens", "cacheCreationInputTokens"],
  ["cache_read_input_tokens", "cacheReadInputTokens"],
] as const;

/** Overwrites each count the `usage` object carries; absent fields keep their value. */
export function applyUsage(target: TokenUsage, usage: unknown): void {
  if (typeof usage !== "object" || usage === null) return;
  const source = usage as Record<string, unknown>;
  for (const [wire, field] of USAGE_FIELDS) {
    const value = source[wire];
    if (typeof value === "number" && Number.isFinite(value)) target[field] = value;
  }
}

/** Usage from a whole JSON Message body; bodies that are not a Message leave it empty. */
export function usageFromJson(text: string): TokenUsage {
  const usage = emptyUsage();
  try {
    const body = JSON.parse(text) as { model?: unknown; usage?: unknown };
    if (typeof body.model === "string") usage.model = body.model;
    applyUsage(usage, body.usage);
  } catch {
    // Not JSON (an HTML error page from a middlebox, say): no usage to record.
  }
  return usage;
}

/** Incremental SSE reader (WHATWG event-stream framing) that tracks usage events. */
export class SseUsageParser {
  readonly usage = emptyUsage();
  /** An `error` event arrived: the answer failed even though its status was 200. */
  sawError = false;
  #buffer = "";
  readonly #decoder = new TextDecoder();

  push(chunk: Uint8Array): void {
    this.#buffer += this.#decoder.decode(chunk, { stream: true });
    let boundary = this.#nextBoundary();
    while (boundary) {
      this.#handleEvent(this.#buffer.slice(0, boundary.index));
      this.#buffer = this.#buffer.slice(boundary.index + boundary.length);
      boundary = this.#nextBoundary();
    }
  }

  #nextBoundary(): { index: number; length: number } | undefined {
    const match = /\r?\n\r?\n|\r\r/.exec(this.#buffer);
    return match ? { index: match.index, length: match[0].length } : undefined;
  }

  #handleEvent(block: string): void {
    const data = block
      .split(/\r?\n|\r/)
      .filter((line) => line.startsWith("data:"))
      .map((line) => line.slice(5).replace(/^ /, ""))
      .join("\n");
    if (!data) return;
    let event: { type?: unknown; message?: { model?: unknown; usage?: unknown }; usage?: unknown };
    try {
      event = JSON.parse(data);
    } catch {
      return;
    }
    if (event.type === "error") {
      this.sawError = true;
    } else if (event.type === "message_start") {
      if (typeof event.message?.model === "string") this.usage.model = event.message.model;
      applyUsage(this.usage, event.message?.usage);
    } else if (event.type === "message_delta") {
      applyUsage(this.usage, event.usage);
    }
  }
}

export interface TapOptions {
  streaming: boolean;
  /** The longest silence allowed between two chunks before the upstream counts as stalled. */
  idleTimeoutMs: number;
  /** Called once, when the body ends, fails or the client goes away. */
  onDone(usage: TokenUsage, outcome: StreamOutcome): void;
}

/** JSON bodies are kept (up to this size) only to read usage at the end. */
const MAX_JSON_CAPTURE_BYTES = 8 * 1024 * 1024;

class UpstreamStalled extends Error {
  override name = "UpstreamStalled";
}

function readWithin<T>(read: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const stalled = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new UpstreamStalled("upstream stalled")), timeoutMs);
  });
  return Promise.race([read, stalled]).finally(() => clearTimeout(timer));
}

/**
 * Relays an upstream body while reading its usage. A stream is relayed whole event by whole
 * event; when the upstream breaks or stalls mid-stream, the client gets a well-formed SSE
 * `error` event and a clean end instead of a reset connection.
 */
export function tapUsage(body: ReadableStream<Uint8Array>, options: TapOptions) {
  const reader = body.getReader();
  const parser = options.streaming ? new SseUsageParser() : undefined;
  const framer = options.streaming ? new SseFramer() : undefined;
  const captured: Uint8Array[] = [];
  let capturedBytes = 0;
  let finished = false;

  const finish = (outcome: StreamOutcome) => {
    if (finished) return;
    finished = true;
    const usage = parser ? parser.usage : usageFromJson(Buffer.concat(captured).toString("utf8"));
    // A client that hangs up on an error event still saw the call fail.
    const failed = outcome !== "upstream_error" && parser?.sawError;
    options.onDone(usage, failed ? "upstream_error" : outcome);
  };

  const fail = (controller: ReadableStreamDefaultController<Uint8Array>, error: unknown) => {
    finish("upstream_error");
    void reader.cancel(error).catch(() => undefined);
    if (!framer) {
      controller.error(error);
      return;
    }
    const stalled = error instanceof UpstreamStalled;
    const type = stalled ? "upstream_timeout" : "upstream_error";
    const message = stalled
      ? "The Anthropic API stopped sending mid-stream"
      : "The connection to the Anthropic API broke mid-stream";
    // A partial event held back by the framer is dropped: the client never sees half an event.
    framer.drain();
    controller.enqueue(sseErrorEvent(type, message));
    controller.close();
  };

  /** Passes a chunk on; false when it only held part of an event, so nothing went out. */
  const relay = (controller: ReadableStreamDefaultController<Uint8Array>, chunk: Uint8Array) => {
    if (!framer || !parser) {
      if (capturedBytes + chunk.length <= MAX_JSON_CAPTURE_BYTES) {
        captured.push(chunk);
        capturedBytes += chunk.length;
      }
      controller.enqueue(chunk);
      return true;
    }
    const events = framer.push(chunk);
    if (events.length === 0) return false;
    parser.push(events);
    controller.enqueue(events);
    return true;
  };

  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        // Loop until something is relayed: a chunk holding only part of an event yields nothing.
        for (;;) {
          let result: Awaited<ReturnType<typeof reader.read>>;
          try {
            result = await readWithin(reader.read(), options.idleTimeoutMs);
          } catch (error) {
            fail(controller, error);
            return;
          }
          if (result.done) {
            // An upstream that closes mid-event broke off; the client gets an error event, not
            // half an event.
            if (framer && !framer.atBoundary) {
              fail(controller, new Error("stream ended mid-event"));
              return;
            }
            finish("completed");
            controller.close();
            return;
          }
          if (relay(controller, result.value)) return;
        }
      },
      async cancel(reason) {
        finish("aborted");
        await reader.cancel(reason).catch(() => undefined);
      },
    },
    { highWaterMark: 0 },
  );
}
