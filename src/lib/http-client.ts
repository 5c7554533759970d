/**
 * The one outbound HTTP client of the connectors, over global `fetch`. Each attempt has its own
 * timeout; 429 and 503 are retried when the upstream asks for a short enough wait, and network
 * failures are retried for GET only, since a retried write could apply twice. Error messages
 * name the method and host, never the path, query or headers, where secrets could sit.
 */
import { upstreamError, upstreamTimeout } from "./errors.ts";

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

export interface HttpRequest {
  method: HttpMethod;
  url: string;
  headers?: Record<string, string>;
  /** Sent as the JSON body with `content-type: application/json`. */
  json?: unknown;
  signal?: AbortSignal;
}

export interface HttpResponse {
  status: number;
  headers: Headers;
  text: string;
  /** Parses `text`; throws an `upstream_error` KestraError when it is not JSON. */
  json(): unknown;
}

export interface HttpClient {
  request(request: HttpRequest): Promise<HttpResponse>;
}

/** The part of `fetch` the client uses; narrower than `typeof fetch` so tests can inject one. */
export type FetchFunction = (url: string, init: RequestInit) => Promise<Response>;

export interface HttpClientOptions {
  timeoutMs?: number;
  maxRetries?: number;
  /** The longest `retry-after` worth waiting for; a longer one is handed back to the caller. */
  maxRetryWaitMs?: number;
  fetch?: FetchFunction;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

const DEFAULT_TIMEOUT_MS = 15_000;
const DEFAULT_MAX_RETRIES = 2;
const DEFAULT_MAX_RETRY_WAIT_MS = 2_000;
const BASE_BACKOFF_MS = 200;
const RETRYABLE_STATUSES = new Set([429, 503]);

type Settings = Required<HttpClientOptions>;
type Attempt = { kind: "response"; response: HttpResponse } | { kind: "network"; error: unknown };

export function createHttpClient(options: HttpClientOptions = {}): HttpClient {
  const settings: Settings = {
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    maxRetries: options.maxRetries ?? DEFAULT_MAX_RETRIES,
    maxRetryWaitMs: options.maxRetryWaitMs ?? DEFAULT_MAX_RETRY_WAIT_MS,
    fetch: options.fetch ?? globalThis.fetch,
    sleep: options.sleep ?? ((ms) => Bun.sleep(ms)),
    now: options.now ?? Date.now,
  };
  return {
    async request(request) {
      for (let attempt = 0; ; attempt++) {
        const outcome = await attemptOnce(request, settings);
        const retriesLeft = attempt < settings.maxRetries;
        const waitMs = retriesLeft ? retryWaitMs(request, outcome, attempt, settings) : undefined;
        if (waitMs === undefined) return settle(request, outcome);
        await settings.sleep(waitMs);
        request.signal?.throwIfAborted();
      }
    },
  };
}

async function attemptOnce(request: HttpRequest, settings: Settings): Promise<Attempt> {
  const timeout = AbortSignal.timeout(settings.timeoutMs);
  const signal = request.signal ? AbortSignal.any([request.signal, timeout]) : timeout;
  try {
    const response = await settings.fetch(request.url, {
      method: request.method,
      headers: buildHeaders(request),
      body: request.json === undefined ? undefined : JSON.stringify(request.json),
      signal,
      // A redirect is handed back rather than followed, so credentials never go to another host.
      redirect: "manual",
    });
    // The body is read under the same signal, so a stalled body also times out.
    const text = await response.text();
    return { kind: "response", response: toHttpResponse(request, response, text) };
  } catch (error) {
    request.signal?.throwIfAborted();
    if (timeout.aborted) {
      throw upstreamTimeout(`${describe(request)} timed out after ${settings.timeoutMs} ms`);
    }
    return { kind: "network", error };
  }
}

function buildHeaders(request: HttpRequest): Headers {
  const headers = new Headers({ accept: "application/json" });
  if (request.json !== undefined) headers.set("content-type", "application/json");
  for (const [name, value] of Object.entries(request.headers ?? {})) headers.set(name, value);
  return headers;
}

function toHttpResponse(request: HttpRequest, response: Response, text: string): HttpResponse {
  return {
    status: response.status,
    headers: response.headers,
    text,
    json() {
      try {
        return JSON.parse(text);
      } catch {
        throw upstreamError(
          `${describe(request)} answered ${response.status} with a non-JSON body`,
        );
      }
    },
  };
}

/** How long to wait before the next attempt, or `undefined` when this outcome is final. */
function retryWaitMs(
  request: HttpRequest,
  outcome: Attempt,
  attempt: number,
  settings: Settings,
): number | undefined {
  const backoff = Math.min(BASE_BACKOFF_MS * 2 ** attempt, settings.maxRetryWaitMs);
  if (outcome.kind === "network") return request.method === "GET" ? backoff : undefined;

  const { status, headers } = outcome.response;
  if (!RETRYABLE_STATUSES.has(status)) return undefined;
  const header = headers.get("retry-after");
  if (header === null) return backoff;
  const askedMs = parseRetryAfterMs(header, settings.now());
  if (askedMs === undefined) return backoff;
  return askedMs <= settings.maxRetryWaitMs ? askedMs : undefined;
}

function settle(request: HttpRequest, outcome: Attempt): HttpResponse {
  if (outcome.kind === "response") return outcome.response;
  throw upstreamError(`${describe(request)} failed: could not reach the server`, outcome.error);
}

/**
 * `Retry-After` is either delay-seconds or an HTTP-date (RFC 9110 §10.2.3). Returns the wait in
 * milliseconds (never negative), or `undefined` when the value is neither.
 */
export function parseRetryAfterMs(value: string, nowMs: number): number | undefined {
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const dateMs = Date.parse(trimmed);
  if (Number.isNaN(dateMs)) return undefined;
  return Math.max(0, dateMs - nowMs);
}

/** `retry-after` in whole seconds, for an `ActionOutcome.retryAfterSeconds`. */
export function retryAfterSeconds(headers: Headers, nowMs = Date.now()): number | undefined {
  const header = headers.get("retry-after");
  const ms = header === null ? undefined : parseRetryAfterMs(header, nowMs);
  return ms === undefined ? undefined : Math.ceil(ms / 1000);
}

/** Method and host only: paths and queries may carry identifiers or tokens. */
function describe(request: HttpRequest): string {
  let host = "the upstream";
  try {
    host = new URL(request.url).host;
  } catch {
    // An unparsable URL still gets a message; fetch itself reports it as a network failure.
  }
  return `${request.method} ${host}`;
}
