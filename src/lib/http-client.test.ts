import { describe, expect, test } from "bun:test";
import { KestraError } from "./errors.ts";
import { createHttpClient, type FetchFunction, parseRetryAfterMs } from "./http-client.ts";

const URL_WITH_SECRET = "https://acme.example.com/api/v2/things.json?token=s3cret-value";

interface Call {
  url: string;
  init: RequestInit;
}

/** A fetch that answers from a script, one entry per call, and records what it was sent. */
function scriptedFetch(script: Array<() => Response | Promise<Response>>) {
  const calls: Call[] = [];
  const fetch: FetchFunction = async (url, init) => {
    calls.push({ url, init });
    const next = script[calls.length - 1];
    if (!next) throw new Error("fetch called more often than scripted");
    return next();
  };
  return { fetch, calls };
}

function recordingSleep() {
  const waits: number[] = [];
  return { waits, sleep: async (ms: number) => void waits.push(ms) };
}

const ok = () => Response.json({ fine: true });
const tooMany = (retryAfter?: string) =>
  new Response("slow down", {
    status: 429,
    headers: retryAfter === undefined ? {} : { "retry-after": retryAfter },
  });
const refused = () => {
  throw new TypeError("connect ECONNREFUSED");
};

async function caught(promise: Promise<unknown>): Promise<KestraError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!(error instanceof KestraError)) throw new Error(`expected a KestraError, got ${error}`);
  return error;
}

describe("createHttpClient", () => {
  test("sends JSON with content-type and accept headers and parses the answer", async () => {
    const { fetch, calls } = scriptedFetch([ok]);
    const http = createHttpClient({ fetch });

    const response = await http.request({
      method: "POST",
      url: "https://acme.example.com/x",
      headers: { authorization: "Bearer abc" },
      json: { a: 1 },
    });

    expect(response.status).toBe(200);
    expect(response.json()).toEqual({ fine: true });
    const headers = new Headers(calls[0]?.init.headers);
    expect(headers.get("content-type")).toBe("application/json");
    expect(headers.get("accept")).toBe("application/json");
    expect(headers.get("authorization")).toBe("Bearer abc");
    expect(calls[0]?.init.body).toBe('{"a":1}');
  });

  test("json() of a non-JSON body throws upstream_error naming only method and host", async () => {
    const { fetch } = scriptedFetch([() => new Response("<html>", { status: 200 })]);
    const http = createHttpClient({ fetch });
    const response = await http.request({ method: "GET", url: URL_WITH_SECRET });

    const error = await caught(Promise.resolve().then(() => response.json()));

    expect(error.type).toBe("upstream_error");
    expect(error.message).toBe("GET acme.example.com answered 200 with a non-JSON body");
  });

  test("retries a 429 after the retry-after seconds when they are short enough", async () => {
    const { fetch, calls } = scriptedFetch([() => tooMany("1"), ok]);
    const { waits, sleep } = recordingSleep();

    const response = await createHttpClient({ fetch, sleep }).request({
      method: "POST",
      url: URL_WITH_SECRET,
    });

    expect(response.status).toBe(200);
    expect(calls).toHaveLength(2);
    expect(waits).toEqual([1000]);
  });

  test("hands back a 429 at once when retry-after is longer than maxRetryWaitMs", async () => {
    const { fetch, calls } = scriptedFetch([() => tooMany("30"), ok]);
    const { waits, sleep } = recordingSleep();

    const response = await createHttpClient({ fetch, sleep }).request({
      method: "GET",
      url: URL_WITH_SECRET,
    });

    expect(response.status).toBe(429);
    expect(response.headers.get("retry-after")).toBe("30");
    expect(calls).toHaveLength(1);
    expect(waits).toEqual([]);
  });

  test("honours retry-after given as an HTTP date", async () => {
    const now = Date.parse("2025-01-01T00:00:00Z");
    const later = new Date(now + 1500).toUTCString();
    const { fetch } = scriptedFetch([() => tooMany(later), ok]);
    const { waits, sleep } = recordingSleep();

    await createHttpClient({ fetch, sleep, now: () => now }).request({
      method: "GET",
      url: URL_WITH_SECRET,
    });

    // toUTCString drops milliseconds, so the wait is the whole seconds left.
    expect(waits).toEqual([1000]);
  });

  test("backs off on a 503 without retry-after and stops after maxRetries", async () => {
    const unavailable = () => new Response("down", { status: 503 });
    const { fetch, calls } = scriptedFetch([unavailable, unavailable, unavailable, ok]);
    const { waits, sleep } = recordingSleep();

    const response = await createHttpClient({ fetch, sleep }).request({
      method: "GET",
      url: URL_WITH_SECRET,
    });

    expect(response.status).toBe(503);
    expect(calls).toHaveLength(3);
    expect(waits).toEqual([200, 400]);
  });

  test("does not retry other errors such as 500 or 404", async () => {
    const { fetch, calls } = scriptedFetch([() => new Response("", { status: 500 }), ok]);

    const response = await createHttpClient({ fetch }).request({
      method: "GET",
      url: URL_WITH_SECRET,
    });

    expect(response.status).toBe(500);
    expect(calls).toHaveLength(1);
  });

  test("retries a network failure for GET, then throws upstream_error sans URL", async () => {
    const { fetch, calls } = scriptedFetch([refused, refused, refused]);
    const { sleep } = recordingSleep();

    const error = await caught(
      createHttpClient({ fetch, sleep }).request({ method: "GET", url: URL_WITH_SECRET }),
    );

    expect(calls).toHaveLength(3);
    expect(error.type).toBe("upstream_error");
    expect(error.message).toBe("GET acme.example.com failed: could not reach the server");
    expect(error.message).not.toContain("s3cret");
  });

  test("never retries a network failure for a write, which may have been applied", async () => {
    const { fetch, calls } = scriptedFetch([refused, ok]);

    const error = await caught(
      createHttpClient({ fetch }).request({ method: "POST", url: URL_WITH_SECRET, json: {} }),
    );

    expect(calls).toHaveLength(1);
    expect(error.type).toBe("upstream_error");
  });

  test("a stalled upstream throws upstream_timeout after timeoutMs", async () => {
    const hang: FetchFunction = (_url, init) =>
      new Promise((_resolve, reject) => {
        init.signal?.addEventListener("abort", () => reject(init.signal?.reason));
      });

    const error = await caught(
      createHttpClient({ fetch: hang, timeoutMs: 20 }).request({
        method: "GET",
        url: URL_WITH_SECRET,
      }),
    );

    expect(error.type).toBe("upstream_timeout");
    expect(error.message).toBe("GET acme.example.com timed out after 20 ms");
  });

  test("a body that stalls after the headers also times out", async () => {
    const stalled = new ReadableStream({
      start: (controller) => controller.enqueue(new TextEncoder().encode("{")),
    });
    const server = Bun.serve({
      hostname: "127.0.0.1",
      port: 0,
      fetch: () => new Response(stalled),
    });
    try {
      const http = createHttpClient({ timeoutMs: 50 });

      const error = await caught(http.request({ method: "GET", url: server.url.href }));

      expect(error.type).toBe("upstream_timeout");
    } finally {
      await server.stop(true);
    }
  });

  test("the caller's abort is passed through as-is, not turned into a timeout", async () => {
    const controller = new AbortController();
    const hang: FetchFunction = (_url, init) =>
      new Promise((_resolve, reject) => {
        init.signal?.addEventListener("abort", () => reject(init.signal?.reason));
      });
    const pending = createHttpClient({ fetch: hang }).request({
      method: "GET",
      url: URL_WITH_SECRET,
      signal: controller.signal,
    });

    controller.abort(new Error("caller gave up"));

    await expect(pending).rejects.toThrow("caller gave up");
  });

  test("works against a real local server", async () => {
    const server = Bun.serve({
      hostname: "127.0.0.1",
      port: 0,
      fetch: () => Response.json([1, 2]),
    });
    try {
      const response = await createHttpClient().request({ method: "GET", url: server.url.href });
      expect(response.json()).toEqual([1, 2]);
    } finally {
      await server.stop(true);
    }
  });
});

describe("parseRetryAfterMs", () => {
  test("reads delay-seconds, HTTP dates and rejects anything else", () => {
    const now = Date.parse("2025-01-01T00:00:00Z");

    expect(parseRetryAfterMs("7", now)).toBe(7000);
    expect(parseRetryAfterMs("Wed, 01 Jan 2025 00:00:03 GMT", now)).toBe(3000);
    expect(parseRetryAfterMs("Tue, 31 Dec 2024 23:59:00 GMT", now)).toBe(0);
    expect(parseRetryAfterMs("soon", now)).toBeUndefined();
  });
});
