/**
 * The Elysia application: every route mounted, and the one place where errors become the
 * contract's envelope. Transports and the admin API never format errors themselves.
 */
import { openapi } from "@elysiajs/openapi";
import { Elysia } from "elysia";
import { z } from "zod";
import { connectorRoutes, patKeyRoutes } from "../admin-api/credential-routes.ts";
import type { AdminApiDeps } from "../admin-api/deps.ts";
import { apiKeyRoutes, authRoutes, userRoutes } from "../admin-api/identity-routes.ts";
import { auditRoutes, meteringRoutes, roleRoutes } from "../admin-api/policy-routes.ts";
import { invalidRequest, KestraError, notFound, toErrorResponse } from "../lib/errors.ts";
import { handleMcpPost, mcpMethodNotAllowed } from "../mcp/routes.ts";
import { patRoutes } from "../pat/routes.ts";
import { type GatewayDeps, gatewayRequest } from "../pipeline/deps.ts";
import { DOCS_ASSET_PREFIX, docsAsset } from "./docs-assets.ts";
import { fromValidationError } from "./validation-error.ts";

export type AppDeps = AdminApiDeps & GatewayDeps;

export const VERSION = "0.1.0";

export function buildApp(deps: AppDeps) {
  return (
    new Elysia()
      .onError(({ code, error, request }) => errorResponse(deps, request, code, error))
      .use(
        openapi({
          path: "/api/v1/docs",
          specPath: "/api/v1/openapi.json",
          documentation: {
            info: {
              title: "Kestra Fortress admin API",
              version: VERSION,
              description:
                "Configure the appliance: users, roles, org API keys, PAT keys, connectors, " +
                "audit and usage. Log in with POST /api/v1/auth/token and send the token as " +
                "Authorization: Bearer. Errors use the envelope {type, error: {type, message, " +
                "code, reason?}, request_id}.",
            },
            components: {
              securitySchemes: {
                adminJwt: { type: "http", scheme: "bearer", bearerFormat: "JWT" },
              },
            },
            security: [{ adminJwt: [] }],
          },
          // Request bodies are documented as clients send them (before trims and transforms).
          mapJsonSchema: {
            zod: (schema: z.ZodType) =>
              z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }),
          },
          provider: "swagger-ui",
          swagger: {
            cdn: `${DOCS_ASSET_PREFIX}/swagger-ui-bundle.js`,
            theme: `${DOCS_ASSET_PREFIX}/swagger-ui.css`,
          },
          exclude: { paths: [/^\/v1\//, "/healthz", "/readyz"] },
        }),
      )
      .get(
        `${DOCS_ASSET_PREFIX}/:name`,
        ({ params }) => docsAsset(params.name) ?? notFoundRoute(),
        {
          detail: { hide: true },
        },
      )
      .get("/healthz", () => ({ status: "ok" }))
      .get("/readyz", () => {
        deps.sqlite.query("SELECT 1").get();
        return { status: "ready" };
      })
      // The HTMX dashboard (/admin) is not built yet; until it is, the root opens the API docs.
      .get("/", ({ redirect }) => redirect("/api/v1/docs"))
      .use(authRoutes(deps))
      .use(userRoutes(deps))
      .use(roleRoutes(deps))
      .use(apiKeyRoutes(deps))
      .use(patKeyRoutes(deps))
      .use(connectorRoutes(deps))
      .use(auditRoutes(deps))
      .use(meteringRoutes(deps))
      .post("/v1/mcp", ({ request }) => mcpPost(deps, request), { parse: "none" })
      .get("/v1/mcp", ({ request }) => mcpMethodNotAllowed(deps.contexts.of(request).requestId))
      .delete("/v1/mcp", ({ request }) => mcpMethodNotAllowed(deps.contexts.of(request).requestId))
      .use(patRoutes(deps, deps.contexts))
  );
}

function notFoundRoute(): never {
  throw notFound("route");
}

function mcpPost(deps: AppDeps, request: Request) {
  return handleMcpPost(deps, request, gatewayRequest(request, deps.contexts.of(request)));
}

function errorResponse(deps: AppDeps, request: Request, code: unknown, error: unknown) {
  const { requestId, ip } = deps.contexts.of(request);
  const known = toKestraError(code, error);
  if (known) {
    logRefusal(deps, known, { request_id: requestId, path: new URL(request.url).pathname, ip });
    return toErrorResponse(known, requestId);
  }
  deps.logger.error("unhandled error", {
    request_id: requestId,
    path: new URL(request.url).pathname,
    error,
  });
  return toErrorResponse(error, requestId);
}

/**
 * Refusals of identity and policy are worth a warn line (a run of them is someone probing);
 * faults of ours or the upstream's (5xx) carry their cause, which never leaves the log.
 */
function logRefusal(deps: AppDeps, error: KestraError, fields: Record<string, unknown>): void {
  if (error.status === 401 || error.status === 403 || error.status === 429) {
    deps.logger.warn("request refused", {
      ...fields,
      error_type: error.type,
      reason: error.reason,
    });
  } else if (error.status >= 500) {
    const cause = error.cause instanceof Error ? error.cause.message : undefined;
    deps.logger.error("request failed", { ...fields, error_type: error.type, cause });
  }
}

function toKestraError(code: unknown, error: unknown): KestraError | undefined {
  if (error instanceof KestraError) return error;
  if (code === "VALIDATION") return fromValidationError(error as { all?: unknown }, "request");
  if (code === "PARSE") return invalidRequest("request body is not valid JSON");
  if (code === "NOT_FOUND") return notFound("route");
  return undefined;
}
