/**
 * The admin API's authentication step, shared by every resource plugin: verifies the bearer
 * JWT and yields the change-log actor (org, user, request id) for the handler.
 */
import { Elysia } from "elysia";
import type { ChangeActor } from "../change-log/service.ts";
import { authenticateAdmin } from "../identity/login-service.ts";
import type { AdminApiDeps } from "./deps.ts";

export function adminGuard(deps: AdminApiDeps) {
  return new Elysia({ name: "kestra.admin-guard" }).resolve(
    { as: "scoped" },
    async ({ request }): Promise<{ actor: ChangeActor }> => {
      const admin = await authenticateAdmin(deps, request.headers);
      const { requestId, logFields } = deps.contexts.of(request);
      Object.assign(logFields, { org_id: admin.orgId, actor: admin.userId });
      return { actor: { orgId: admin.orgId, actorId: admin.userId, requestId } };
    },
  );
}

export const noContent = () => new Response(null, { status: 204 });
