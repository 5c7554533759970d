// Server-sent event builder for the fake Anthropic Messages API (see ./anthropic.ts).
// Kept apart so the event order and the usage numbers of a stream can be read in one place.

/** Usage block as the Messages API reports it on a finished message. */
export interface FakeUsage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
}

/** What the stream should contain; the fake decides this before any byte is sent. */
export interface StreamPlan {
  id: string;
  model: string;
  text: string;
  usage: FakeUsage;
  /** Send an `error` event right after `message_start` and end, like a mid-stream overload. */
  failAfterStart: boolean;
  /** Cumulative usage of an earlier `message_delta`, sent before the final one (server tools). */
  interimUsage: FakeUsage | null;
}

type Json = Record<string, unknown>;

/** Delay between events: long enough that a buffering proxy shows up, short enough for tests. */
export const EVENT_GAP_MS = 5;

/** Serialise one event exactly as the real API frames it. */
export function sseEvent(type: string, data: Json): string {
  return `event: ${type}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** Split the reply at word starts so every stream carries at least two text deltas. */
export function splitIntoChunks(text: string): string[] {
  const words = text.match(/\s*\S+\s*/g) ?? [];
  if (words.length >= 2) return words;
  const mid = Math.max(1, Math.floor(text.length / 2));
  return [text.slice(0, mid), text.slice(mid)];
}

function messageStart(plan: StreamPlan): string {
  const message = {
    id: plan.id,
    type: "message",
    role: "assistant",
    model: plan.model,
    content: [],
    stop_reason: null,
    stop_sequence: null,
    // The real API reports the prompt up front and a placeholder output count of 1.
    usage: { ...plan.usage, output_tokens: 1 },
  };
  return sseEvent("message_start", { type: "message_start", message });
}

function textBlockEvents(text: string): string[] {
  const events = [
    sseEvent("content_block_start", {
      type: "content_block_start",
      index: 0,
      content_block: { type: "text", text: "" },
    }),
    sseEvent("ping", { type: "ping" }),
  ];
  for (const chunk of splitIntoChunks(text)) {
    events.push(
      sseEvent("content_block_delta", {
        type: "content_block_delta",
        index: 0,
        delta: { type: "text_delta", text: chunk },
      }),
    );
  }
  events.push(sseEvent("content_block_stop", { type: "content_block_stop", index: 0 }));
  return events;
}

function messageDelta(usage: Json): string {
  return sseEvent("message_delta", {
    type: "message_delta",
    delta: { stop_reason: "end_turn", stop_sequence: null },
    usage,
  });
}

function closingEvents(plan: StreamPlan): string[] {
  const events: string[] = [];
  if (plan.interimUsage) {
    // Server-tool turns report growing cumulative totals; a client must keep the last one.
    events.push(messageDelta({ ...plan.interimUsage }));
    events.push(messageDelta({ ...plan.usage }));
  } else {
    events.push(messageDelta({ output_tokens: plan.usage.output_tokens }));
  }
  events.push(sseEvent("message_stop", { type: "message_stop" }));
  return events;
}

/** Every event of the stream, in the order the real API sends them. */
export function streamEvents(plan: StreamPlan): string[] {
  const start = messageStart(plan);
  if (plan.failAfterStart) {
    const error = { type: "error", error: { type: "overloaded_error", message: "Overloaded" } };
    return [start, sseEvent("error", error)];
  }
  return [start, ...textBlockEvents(plan.text), ...closingEvents(plan)];
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A body that emits one event per chunk with a pause between, so streaming is observable. */
export function sseBody(events: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let next = 0;
  let cancelled = false;
  // Pull-driven so each event leaves as its own chunk rather than queueing up behind `start`.
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (next > 0) await sleep(EVENT_GAP_MS);
      // The client may hang up during the pause; touching the controller then would throw.
      if (cancelled) return;
      const event = events[next];
      next += 1;
      if (event === undefined) controller.close();
      else controller.enqueue(encoder.encode(event));
    },
    cancel() {
      cancelled = true;
    },
  });
}
