/** Admin API: roles and the audit trail. */
import { Elysia } from "elysia";
import { z } from "zod";
import { auditQuerySchema } from "../audit/schema.ts";
import { listAudit } from "../audit/service.ts";
import { pageQuerySchema } from "../lib/pagination.ts";
import { getOrgUsage } from "../metering/service.ts";
import * as roles from "../policy/roles-service.ts";
import { roleInputSchema } from "../policy/schema.ts";
import type { AdminApiDeps } from "./deps.ts";
import { adminGuard, noContent } from "./guard.ts";

const idParams = z.object({ id: z.string().min(1) });

export function roleRoutes(deps: AdminApiDeps) {
  return new Elysia({ prefix: "/api/v1/roles" })
    .use(adminGuard(deps))
    .get("/", ({ actor, query }) => roles.listRoles(deps, actor.orgId, query), {
      query: pageQuerySchema,
    })
    .get("/:id", ({ actor, params }) => roles.getRole(deps, actor.orgId, params.id), {
      params: idParams,
    })
    .post(
      "/",
      ({ actor, body, set }) => {
        set.status = 201;
        return roles.createRole(deps, actor, body);
      },
      { body: roleInputSchema },
    )
    .put("/:id", ({ actor, params, body }) => roles.updateRole(deps, actor, params.id, body), {
      params: idParams,
      body: roleInputSchema,
    })
    .delete(
      "/:id",
      ({ actor, params }) => {
        roles.deleteRole(deps, actor, params.id);
        return noContent();
      },
      { params: idParams },
    );
}

export function meteringRoutes(deps: AdminApiDeps) {
  return new Elysia({ prefix: "/api/v1/metering" })
    .use(adminGuard(deps))
    .get("/usage", ({ actor }) => getOrgUsage(deps, actor.orgId), {
      detail: { summary: "This month's requests, tokens and estimated spend" },
    });
}

export function auditRoutes(deps: AdminApiDeps) {
  return new Elysia({ prefix: "/api/v1/audit" })
    .use(adminGuard(deps))
    .get("/", ({ actor, query }) => listAudit(deps, actor.orgId, query), {
      query: auditQuerySchema,
      detail: { summary: "Audit entries of governed requests, newest first" },
    });
}
