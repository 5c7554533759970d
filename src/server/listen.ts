/**
 * The HTTP edge on Bun.serve: opens each request's context (request id, client address),
 * stamps `x-kestra-request-id` on every response, and writes one JSON log line per request.
 * With `server.admin_listen` set, the admin API and UI answer only there and the gateway only
 * on `server.listen`.
 */
import type { Server } from "bun";
import type { Config } from "../config/schema.ts";
import { KestraError, notFound, toErrorResponse } from "../lib/errors.ts";
import { MAX_MESSAGES_BODY_BYTES } from "../pat/routes.ts";
import type { AppDeps, buildApp } from "./app.ts";
import { clientIp } from "./request-context.ts";

type App = ReturnType<typeof buildApp>;
type Surface = "all" | "gateway" | "admin";

/** Bun's own hard cap, above ours so that oversized bodies get our envelope, not a bare 413. */
const MAX_REQUEST_BODY_BYTES = 64 * 1024 * 1024;
const DRAIN_TIMEOUT_MS = 10_000;
const CANONICAL_ORIGIN = "http://kestra.internal";
const ADMIN_PATHS = /^\/(api|admin|scim|saml|oidc)(\/|$)|^\/$/;

export interface Listener {
  url: string;
  stop(): Promise<void>;
}

export function listen(app: App, deps: AppDeps, config: Config): Listener[] {
  const adminListen = config.server.admin_listen;
  if (!adminListen) return [serve(app, deps, config, config.server.listen, "all")];
  return [
    serve(app, deps, config, config.server.listen, "gateway"),
    serve(app, deps, config, adminListen, "admin"),
  ];
}

function splitAddress(address: string): { hostname: string; port: number } {
  const at = address.lastIndexOf(":");
  return {
    hostname: address.slice(0, at).replace(/^\[|\]$/g, ""),
    port: Number(address.slice(at + 1)),
  };
}

function serve(
  app: App,
  deps: AppDeps,
  config: Config,
  address: string,
  surface: Surface,
): Listener {
  const { hostname, port } = splitAddress(address);
  const server: Server<undefined> = Bun.serve({
    hostname,
    port,
    maxRequestBodySize: MAX_REQUEST_BODY_BYTES,
    // Slow or silent unauthenticated clients are cut after this; governed calls lift it.
    idleTimeout: config.server.idle_timeout_seconds,
    fetch: (request, bunServer) => handle(app, deps, config, surface, request, bunServer),
  });
  return {
    url: server.url.toString().replace(/\/$/, ""),
    async stop() {
      const drained = server.stop(false);
      const timedOut = new Promise<void>((resolve) =>
        setTimeout(resolve, DRAIN_TIMEOUT_MS).unref(),
      );
      await Promise.race([drained, timedOut]);
      await server.stop(true);
    },
  };
}

async function handle(
  app: App,
  deps: AppDeps,
  config: Config,
  surface: Surface,
  request: Request,
  bunServer: Server<undefined>,
): Promise<Response> {
  const socketIp = bunServer.requestIP(request)?.address ?? null;
  const ip = clientIp(request, socketIp, config.server.trust_proxy);
  const url = new URL(request.url);
  const routed = routableRequest(request, url);
  let admitted = false;
  const context = deps.contexts.open(routed, ip, deps.clock.now(), () => {
    admitted = true;
    bunServer.timeout(request, 0);
  });
  const path = url.pathname;

  const refusal = refuseAtEdge(surface, path, request.headers);
  const handled = refusal ? edgeRefusal(refusal, context.requestId) : await app.handle(routed);
  // The lifted timeout belongs to the socket: put it back once this answer is sent, so the
  // next request on a kept-alive connection is held to it again until it authenticates.
  const restore = () => bunServer.timeout(request, config.server.idle_timeout_seconds);
  const response = admitted ? whenBodyEnds(handled, restore) : handled;
  if (!response.headers.has("x-kestra-request-id")) {
    response.headers.set("x-kestra-request-id", context.requestId);
  }
  deps.logger.info("request", {
    request_id: context.requestId,
    method: request.method,
    path,
    status: response.status,
    duration_ms: deps.clock.now() - context.startedAt,
    ip,
    ...context.logFields,
  });
  return response;
}

/**
 * Elysia finds the path by searching for "/" from index 11 of the URL, which assumes a host of
 * four characters or more; behind `Host: api` it would route `/v1/api/v1/…` as `/api/v1/…`.
 * Such requests are rebuilt on a fixed origin (the Host header itself is left alone).
 */
function routableRequest(request: Request, url: URL): Request {
  if (url.origin.length >= CANONICAL_ORIGIN.length) return request;
  return new Request(`${CANONICAL_ORIGIN}${url.pathname}${url.search}`, request);
}

/** Passes a response's body through unchanged and calls `done` once it has ended or failed. */
function whenBodyEnds(response: Response, done: () => void): Response {
  const source = response.body;
  if (!source) {
    done();
    return response;
  }
  const reader = source.getReader();
  const body = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const result = await reader.read().catch((error: unknown) => {
          done();
          throw error;
        });
        if (result.done) {
          done();
          controller.close();
        } else {
          controller.enqueue(result.value);
        }
      },
      cancel(reason) {
        done();
        return reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
  return new Response(body, { status: response.status, headers: response.headers });
}

/** An unread body may still be arriving: close the connection rather than drain it. */
function edgeRefusal(error: KestraError, requestId: string): Response {
  const response = toErrorResponse(error, requestId);
  if (error.status === 413) response.headers.set("connection", "close");
  return response;
}

function refuseAtEdge(surface: Surface, path: string, headers: Headers): KestraError | undefined {
  const isAdminPath = ADMIN_PATHS.test(path);
  if ((surface === "gateway" && isAdminPath) || (surface === "admin" && !isAdminPath)) {
    return notFound("route");
  }
  const length = Number(headers.get("content-length") ?? 0);
  if (length > MAX_MESSAGES_BODY_BYTES) {
    return new KestraError("request_too_large", "request body is larger than 32 MB");
  }
  return undefined;
}
