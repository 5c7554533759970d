/** Admin API: login, users and org API keys. */
import { Elysia } from "elysia";
import { z } from "zod";
import * as apiKeys from "../identity/api-keys-service.ts";
import { loginWithPassword } from "../identity/login-service.ts";
import {
  apiKeyCreateSchema,
  apiKeyUpdateSchema,
  tokenRequestSchema,
  userCreateSchema,
  userUpdateSchema,
} from "../identity/schema.ts";
import * as users from "../identity/users-service.ts";
import { pageQuerySchema } from "../lib/pagination.ts";
import type { AdminApiDeps } from "./deps.ts";
import { adminGuard, noContent } from "./guard.ts";

const idParams = z.object({ id: z.string().min(1) });

export function authRoutes(deps: AdminApiDeps) {
  return new Elysia({ prefix: "/api/v1/auth" }).post(
    "/token",
    ({ body, request }) => loginWithPassword(deps, { ...body, ip: deps.contexts.of(request).ip }),
    {
      body: tokenRequestSchema,
      detail: { summary: "Exchange email and password for an admin JWT" },
    },
  );
}

export function userRoutes(deps: AdminApiDeps) {
  return new Elysia({ prefix: "/api/v1/users" })
    .use(adminGuard(deps))
    .get("/", ({ actor, query }) => users.listUsers(deps, actor.orgId, query), {
      query: pageQuerySchema,
    })
    .get("/:id", ({ actor, params }) => users.getUser(deps, actor.orgId, params.id), {
      params: idParams,
    })
    .post(
      "/",
      async ({ actor, body, set }) => {
        set.status = 201;
        return users.createUser(deps, actor, body);
      },
      { body: userCreateSchema },
    )
    .put("/:id", ({ actor, params, body }) => users.updateUser(deps, actor, params.id, body), {
      params: idParams,
      body: userUpdateSchema,
    })
    .delete(
      "/:id",
      ({ actor, params }) => {
        users.deleteUser(deps, actor, params.id);
        return noContent();
      },
      { params: idParams },
    );
}

export function apiKeyRoutes(deps: AdminApiDeps) {
  return new Elysia({ prefix: "/api/v1/api-keys" })
    .use(adminGuard(deps))
    .get("/", ({ actor, query }) => apiKeys.listApiKeys(deps, actor.orgId, query), {
      query: pageQuerySchema,
    })
    .get("/:id", ({ actor, params }) => apiKeys.getApiKey(deps, actor.orgId, params.id), {
      params: idParams,
    })
    .post(
      "/",
      ({ actor, body, set }) => {
        set.status = 201;
        return apiKeys.createApiKey(deps, actor, body);
      },
      { body: apiKeyCreateSchema, detail: { summary: "Issue an org API key (shown once)" } },
    )
    .put("/:id", ({ actor, params, body }) => apiKeys.updateApiKey(deps, actor, params.id, body), {
      params: idParams,
      body: apiKeyUpdateSchema,
      detail: { summary: "Rename a key or change its user, role or PAT key binding" },
    })
    .post(
      "/:id/rotate",
      ({ actor, params, set }) => {
        set.status = 201;
        return apiKeys.rotateApiKey(deps, actor, params.id);
      },
      {
        params: idParams,
        detail: { summary: "Issue a successor; the old key serves 48 more hours" },
      },
    )
    .delete(
      "/:id",
      ({ actor, params }) => {
        apiKeys.revokeApiKey(deps, actor, params.id);
        return noContent();
      },
      { params: idParams, detail: { summary: "Revoke at once" } },
    );
}
