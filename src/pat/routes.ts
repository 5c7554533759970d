/**
 * PAT Fortress transport: every `/v1/*` path but the MCP endpoint, also under `/v1/v1/*` for
 * clients whose base URL already ends in `/v1` (as the product docs configure the SDK).
 * The body is read raw, so what goes upstream is byte for byte what the client sent.
 */
import { Elysia } from "elysia";
import { readBodyWithin } from "../lib/read-body.ts";
import { governClaudeRequest } from "../pipeline/claude-request.ts";
import { type GatewayDeps, gatewayRequest } from "../pipeline/deps.ts";
import type { RequestContexts } from "../server/request-context.ts";

/** Anthropic's own limit for a Messages request (its 413 `request_too_large`). */
export const MAX_MESSAGES_BODY_BYTES = 32 * 1024 * 1024;

export function anthropicPath(pathname: string): string {
  return pathname.startsWith("/v1/v1/") ? pathname.slice(3) : pathname;
}

export function patRoutes(deps: GatewayDeps, contexts: RequestContexts) {
  const handle = ({ request }: { request: Request }) => {
    const url = new URL(request.url);
    const context = contexts.of(request);
    const hasBody = request.method !== "GET" && request.method !== "HEAD";
    return governClaudeRequest(deps, {
      ...gatewayRequest(request, context),
      method: request.method,
      path: anthropicPath(url.pathname),
      search: url.search,
      readBody: async () =>
        hasBody ? await readBodyWithin(request, MAX_MESSAGES_BODY_BYTES) : null,
    });
  };
  return new Elysia({ name: "kestra.pat" })
    .all("/v1/*", handle, { parse: "none", detail: { hide: true } })
    .all("/v1/v1/*", handle, { parse: "none", detail: { hide: true } });
}
