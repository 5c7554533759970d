/**
 * Access layer for PAT Fortress: forwards one request to the Anthropic API with the org key
 * swapped for the real PAT, in the header style the client used. Status, body and the
 * `anthropic-*`, `request-id` and `retry-after` headers come back unchanged; only
 * `x-kestra-request-id` is added. The upstream's own errors pass through as they are.
 */
import type { KeyStyle } from "../identity/authenticate.ts";
import { KestraError, upstreamError, upstreamTimeout } from "../lib/errors.ts";

/** RFC 9110 §7.6.1 hop-by-hop fields, plus what the proxy itself must own. */
const DROPPED_REQUEST_HEADERS = new Set([
  "connection",
  "keep-alive",
  "proxy-authenticate",
  "proxy-authorization",
  "proxy-connection",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
  "host",
  "content-length",
  "accept-encoding",
  "cookie",
  "x-api-key",
  "authorization",
  "x-forwarded-for",
  "x-forwarded-host",
  "x-forwarded-proto",
  "forwarded",
]);

/**
 * fetch decompresses the upstream body, so its encoding and length no longer describe the
 * bytes we relay; the runtime sets framing headers for the relayed stream itself.
 */
const DROPPED_RESPONSE_HEADERS = new Set([
  "connection",
  "keep-alive",
  "transfer-encoding",
  "content-encoding",
  "content-length",
  "trailer",
  "upgrade",
  "set-cookie",
]);

export interface UpstreamCall {
  upstreamUrl: string;
  /** The path as Anthropic knows it (`/v1/messages`), already stripped of a doubled `/v1`. */
  path: string;
  search: string;
  method: string;
  headers: Headers;
  body: ArrayBuffer | null;
  credential: string;
  keyStyle: KeyStyle;
  /** Time allowed until the upstream's response headers arrive; a stream may then run on. */
  headersTimeoutMs: number;
  /** Aborts the upstream call when the client goes away. */
  clientSignal: AbortSignal;
  fetch?: (input: string, init: RequestInit) => Promise<Response>;
}

export function upstreamRequestHeaders(incoming: Headers, credential: string, style: KeyStyle) {
  const headers = new Headers();
  incoming.forEach((value, name) => {
    if (!DROPPED_REQUEST_HEADERS.has(name.toLowerCase())) headers.set(name, value);
  });
  if (style === "x-api-key") headers.set("x-api-key", credential);
  else headers.set("authorization", `Bearer ${credential}`);
  return headers;
}

export function relayedResponseHeaders(upstream: Headers, requestId: string): Headers {
  const headers = new Headers();
  upstream.forEach((value, name) => {
    if (!DROPPED_RESPONSE_HEADERS.has(name.toLowerCase())) headers.append(name, value);
  });
  headers.set("x-kestra-request-id", requestId);
  return headers;
}

const MAX_ERROR_BODY_BYTES = 1024 * 1024;

/**
 * Reads an upstream error body whole (they are small JSON), bounded in time and size: an
 * upstream that stalls or breaks mid-body becomes a 504 or 502 rather than a hung request.
 */
export async function readErrorBody(response: Response, timeoutMs: number): Promise<string> {
  const reader = response.body?.getReader();
  if (!reader) return "";
  const chunks: Uint8Array[] = [];
  let size = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), timeoutMs);
  });
  try {
    while (size < MAX_ERROR_BODY_BYTES) {
      const result = await Promise.race([reader.read(), timedOut]);
      if (result === "timeout")
        throw upstreamTimeout("The Anthropic API stopped sending its answer");
      if (result.done) break;
      chunks.push(result.value);
      size += result.value.length;
    }
  } catch (error) {
    if (error instanceof KestraError) throw error;
    throw upstreamError("The connection to the Anthropic API broke", error);
  } finally {
    clearTimeout(timer);
    void reader.cancel().catch(() => undefined);
  }
  return Buffer.concat(chunks).subarray(0, MAX_ERROR_BODY_BYTES).toString("utf8");
}

export async function callClaudeUpstream(call: UpstreamCall): Promise<Response> {
  const target = `${call.upstreamUrl.replace(/\/+$/, "")}${call.path}${call.search}`;
  const controller = new AbortController();
  const timer = setTimeout(
    () => controller.abort(new Error("headers timeout")),
    call.headersTimeoutMs,
  );
  const onClientGone = () => controller.abort(new Error("client went away"));
  call.clientSignal.addEventListener("abort", onClientGone, { once: true });

  try {
    return await (call.fetch ?? fetch)(target, {
      method: call.method,
      headers: upstreamRequestHeaders(call.headers, call.credential, call.keyStyle),
      body: call.body,
      signal: controller.signal,
      redirect: "manual",
    });
  } catch (error) {
    if (controller.signal.aborted && !call.clientSignal.aborted) {
      throw upstreamTimeout("The Anthropic API did not answer in time");
    }
    throw upstreamError("The Anthropic API could not be reached", error);
  } finally {
    clearTimeout(timer);
  }
}
