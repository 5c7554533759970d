/** Admin API: PAT keys and connectors (the vault's two tabs). */
import { Elysia } from "elysia";
import { z } from "zod";
import {
  connectorCreateSchema,
  connectorRotateSchema,
  connectorUpdateSchema,
} from "../connectors/schema.ts";
import * as connectors from "../connectors/service.ts";
import { pageQuerySchema } from "../lib/pagination.ts";
import { getPatKeyUsage } from "../metering/service.ts";
import { patKeyCreateSchema, patKeyRotateSchema, patKeyUpdateSchema } from "../pat-keys/schema.ts";
import * as patKeys from "../pat-keys/service.ts";
import type { AdminApiDeps } from "./deps.ts";
import { adminGuard, noContent } from "./guard.ts";

const idParams = z.object({ id: z.string().min(1) });

export function patKeyRoutes(deps: AdminApiDeps) {
  return new Elysia({ prefix: "/api/v1/pat-keys" })
    .use(adminGuard(deps))
    .get("/", ({ actor, query }) => patKeys.listPatKeys(deps, actor.orgId, query), {
      query: pageQuerySchema,
    })
    .get("/:id", ({ actor, params }) => patKeys.getPatKey(deps, actor.orgId, params.id), {
      params: idParams,
    })
    .post(
      "/",
      ({ actor, body, set }) => {
        set.status = 201;
        return patKeys.createPatKey(deps, actor, body);
      },
      {
        body: patKeyCreateSchema,
        detail: { summary: "Store a Claude API key, sealed by the vault" },
      },
    )
    .get("/:id/usage", ({ actor, params }) => getPatKeyUsage(deps, actor.orgId, params.id), {
      params: idParams,
      detail: { summary: "This month's requests, tokens and estimated spend against the cap" },
    })
    .put("/:id", ({ actor, params, body }) => patKeys.updatePatKey(deps, actor, params.id, body), {
      params: idParams,
      body: patKeyUpdateSchema,
    })
    .post(
      "/:id/rotate",
      ({ actor, params, body, set }) => {
        set.status = 201;
        return patKeys.rotatePatKey(deps, actor, params.id, body.key);
      },
      {
        params: idParams,
        body: patKeyRotateSchema,
        detail: { summary: "Replace the key; bound org keys move to the successor" },
      },
    )
    .delete(
      "/:id",
      ({ actor, params }) => {
        patKeys.revokePatKey(deps, actor, params.id);
        return noContent();
      },
      { params: idParams, detail: { summary: "Revoke permanently" } },
    );
}

export function connectorRoutes(deps: AdminApiDeps) {
  return new Elysia({ prefix: "/api/v1/connectors" })
    .use(adminGuard(deps))
    .get("/", ({ actor, query }) => connectors.listConnectors(deps, actor.orgId, query), {
      query: pageQuerySchema,
    })
    .get("/:id", ({ actor, params }) => connectors.getConnector(deps, actor.orgId, params.id), {
      params: idParams,
    })
    .post(
      "/",
      async ({ actor, body, set }) => {
        set.status = 201;
        return connectors.createConnector(deps, actor, body);
      },
      {
        body: connectorCreateSchema,
        detail: { summary: "Add a connector and test its connection" },
      },
    )
    .put(
      "/:id",
      ({ actor, params, body }) => connectors.updateConnector(deps, actor, params.id, body),
      {
        params: idParams,
        body: connectorUpdateSchema,
      },
    )
    .post("/:id/test", ({ actor, params }) => connectors.testConnector(deps, actor, params.id), {
      params: idParams,
    })
    .post(
      "/:id/disable",
      ({ actor, params }) => connectors.disableConnector(deps, actor, params.id),
      {
        params: idParams,
      },
    )
    .post(
      "/:id/enable",
      ({ actor, params }) => connectors.enableConnector(deps, actor, params.id),
      {
        params: idParams,
      },
    )
    .post(
      "/:id/rotate",
      ({ actor, params, body }) =>
        connectors.rotateConnector(deps, actor, params.id, body.credentials),
      { params: idParams, body: connectorRotateSchema },
    )
    .delete(
      "/:id",
      ({ actor, params }) => {
        connectors.deleteConnector(deps, actor, params.id);
        return noContent();
      },
      { params: idParams },
    );
}
