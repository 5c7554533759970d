/**
 * Byte-for-byte comparisons against "a direct call to Anthropic". The fake's bodies embed a
 * per-server counter (`msg_fake000001`, `req_fake000001`), so the direct calls go to a twin
 * fake that is kept in lockstep: every request that reaches the proxy's upstream is also sent,
 * in the same order, to the twin. Then equal counters mean equal bytes, with no rewriting.
 */
import { expect } from "bun:test";
import Anthropic from "@anthropic-ai/sdk";
import { type FakeAnthropic, startFakeAnthropic } from "../fakes/anthropic.ts";
import { PAT_SECRET, type Stack, startStack } from "./stack.ts";

export const ANTHROPIC_VERSION = "2023-06-01";

export type KeyStyle = "bearer" | "x-api-key";

export interface Twin {
  stack: Stack;
  /** The fake that direct calls go to, holding the same PAT as the proxy's upstream. */
  direct: FakeAnthropic;
  stop(): Promise<number>;
}

export async function startTwin(): Promise<Twin> {
  const [stack, direct] = await Promise.all([
    startStack(),
    startFakeAnthropic({ apiKeys: [PAT_SECRET] }),
  ]);
  return {
    stack,
    direct,
    async stop() {
      await direct.stop();
      return stack.stop();
    },
  };
}

/** Fails fast (with a clear message) if an earlier test broke the lockstep. */
export function expectLockstep(twin: Twin): void {
  expect(twin.stack.anthropic.requests.length, "upstream and twin saw the same calls").toBe(
    twin.direct.requests.length,
  );
}

export interface RawAnswer {
  status: number;
  headers: Headers;
  text: string;
}

export interface RawCall {
  path: string;
  body?: unknown;
  method?: string;
  style?: KeyStyle;
}

export function keyHeaders(key: string, style: KeyStyle): Record<string, string> {
  return style === "bearer" ? { authorization: `Bearer ${key}` } : { "x-api-key": key };
}

export async function rawCall(baseUrl: string, key: string, call: RawCall): Promise<RawAnswer> {
  const headers: Record<string, string> = {
    "anthropic-version": ANTHROPIC_VERSION,
    ...keyHeaders(key, call.style ?? "bearer"),
  };
  if (call.body !== undefined) headers["content-type"] = "application/json";
  const response = await fetch(`${baseUrl}${call.path}`, {
    method: call.method ?? "POST",
    headers,
    body: call.body === undefined ? undefined : JSON.stringify(call.body),
  });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

/** The same call through the proxy (org key) and straight to the twin (PAT). */
export async function twinCall(
  twin: Twin,
  call: RawCall,
): Promise<{ proxied: RawAnswer; direct: RawAnswer }> {
  expectLockstep(twin);
  const proxied = await rawCall(twin.stack.kestra.url, twin.stack.setup.orgKey, call);
  // Anthropic has no `/v1/v1/…`: that doubled prefix exists only on the proxy.
  const directPath = call.path.replace(/^\/v1\/v1\//, "/v1/");
  const direct = await rawCall(twin.direct.url, PAT_SECRET, { ...call, path: directPath });
  return { proxied, direct };
}

/** The headers an Anthropic client reads, which the proxy must relay unchanged. */
export function relayedHeaders(headers: Headers): Record<string, string> {
  const relayed: Record<string, string> = {};
  headers.forEach((value, name) => {
    if (/^(anthropic-|request-id$|retry-after$|content-type$|cache-control$)/.test(name)) {
      relayed[name] = value;
    }
  });
  return relayed;
}

export interface SdkPair {
  proxied: Anthropic;
  direct: Anthropic;
}

/**
 * SDK clients for the proxy (base URL at the root, or ending in `/v1` as the product docs
 * configure it) and for the twin. No retries, so a 529 is one request on each side.
 */
export function sdkPair(twin: Twin, basePath: "" | "/v1", style: KeyStyle = "bearer"): SdkPair {
  const client = (baseURL: string, key: string) =>
    style === "bearer"
      ? new Anthropic({ apiKey: key, baseURL, maxRetries: 0 })
      : new Anthropic({
          apiKey: null,
          authToken: null,
          baseURL,
          maxRetries: 0,
          defaultHeaders: { "x-api-key": key, authorization: null },
        });
  return {
    proxied: client(`${twin.stack.kestra.url}${basePath}`, twin.stack.setup.orgKey),
    // Anthropic itself lives at the root; only the proxy also answers under `/v1/v1/…`.
    direct: client(twin.direct.url, PAT_SECRET),
  };
}

/** The text of a parsed reply, as an application reads it. */
export function textOf(message: Anthropic.Message): string {
  return message.content.map((block) => (block.type === "text" ? block.text : "")).join("");
}
