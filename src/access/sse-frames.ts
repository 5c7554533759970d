/**
 * Splits an event stream into whole events at the byte level (WHATWG HTML §9.2 framing: an
 * event ends at a blank line, with LF, CRLF or CR line ends). The proxy relays each event as
 * soon as its last byte arrives, never half of one, so that it can always end a broken stream
 * with a well-formed `error` event. The bytes themselves are never changed.
 */

const LF = 0x0a;
const CR = 0x0d;

export class SseFramer {
  #pending: Uint8Array = new Uint8Array(0);

  /** Appends a chunk and returns the bytes of every event it completed (possibly empty). */
  push(chunk: Uint8Array): Uint8Array {
    const buffer = this.#pending.length === 0 ? chunk : concat(this.#pending, chunk);
    const end = lastEventEnd(buffer);
    this.#pending = buffer.subarray(end);
    return buffer.subarray(0, end);
  }

  /** True when no partial event is held back. */
  get atBoundary(): boolean {
    return this.#pending.length === 0;
  }

  /** Whatever is left when the upstream ends without a final blank line. */
  drain(): Uint8Array {
    const rest = this.#pending;
    this.#pending = new Uint8Array(0);
    return rest;
  }
}

/** The index just past the last blank line in `buffer`, or 0 when there is none. */
function lastEventEnd(buffer: Uint8Array): number {
  let end = 0;
  for (let i = 0; i < buffer.length; i++) {
    const byte = buffer[i];
    const next = buffer[i + 1];
    if (byte === LF && next === LF) end = i + 2;
    else if (byte === CR && next === CR) end = i + 2;
    else if (byte === CR && next === LF && buffer[i + 2] === CR && buffer[i + 3] === LF)
      end = i + 4;
  }
  return end;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

/** A well-formed SSE `error` event in Anthropic's shape, which the SDKs raise as an APIError. */
export function sseErrorEvent(type: string, message: string): Uint8Array {
  const data = JSON.stringify({ type: "error", error: { type, message } });
  return new TextEncoder().encode(`event: error\ndata: ${data}\n\n`);
}
