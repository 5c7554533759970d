import { describe, expect, test } from "bun:test";
import { SseFramer } from "./sse-frames.ts";

describe("SSE framing", () => {
  test("passes only whole events, and the bytes add up to exactly what came in", () => {
    const text = "event: a\ndata: 1\n\nevent: b\r\ndata: 2\r\n\r\nevent: c\rdata: 3\r\rtail";
    const bytes = new TextEncoder().encode(text);
    const framer = new SseFramer();
    const out: number[] = [];

    for (let i = 0; i < bytes.length; i += 5) out.push(...framer.push(bytes.subarray(i, i + 5)));

    expect(new TextDecoder().decode(new Uint8Array(out))).toBe(
      "event: a\ndata: 1\n\nevent: b\r\ndata: 2\r\n\r\nevent: c\rdata: 3\r\r",
    );
    expect(framer.atBoundary).toBe(false);
    expect(new TextDecoder().decode(framer.drain())).toBe("tail");
  });

  test("a multi-byte character split across chunks stays intact", () => {
    const bytes = new TextEncoder().encode('data: {"text":"héllo ✓"}\n\n');
    const framer = new SseFramer();

    const first = framer.push(bytes.subarray(0, 17));
    const second = framer.push(bytes.subarray(17));

    expect(first.length).toBe(0);
    expect(new TextDecoder().decode(second)).toBe('data: {"text":"héllo ✓"}\n\n');
  });
});
