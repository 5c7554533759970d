/**
 * Connector lifecycle actions: the connection test (which moves a connector ACTIVE or
 * OFFLINE), disable (KILLED), enable and credential rotation, each allowed only in the states
 * the product docs' lifecycle table lists.
 */
import type { ChangeActor } from "../change-log/service.ts";
import type { CoreDeps } from "../lib/deps.ts";
import { assertTransition, type ConnectorAdminAction } from "./lifecycle.ts";
import {
  applyChange,
  type ConnectorDeps,
  definitionFor,
  loadRow,
  revealConnectorConfig,
  sealedCredentials,
} from "./records.ts";
import type * as store from "./store.ts";

/** Calls the SaaS API's cheapest authenticated read and moves the connector ACTIVE or OFFLINE. */
export async function runConnectionTest(
  deps: ConnectorDeps,
  actor: ChangeActor,
  row: store.ConnectorRow,
) {
  const definition = definitionFor(row.type);
  const outcome = await definition
    .test({ config: revealConnectorConfig(deps, row), http: deps.http })
    .catch((error: unknown) => ({ ok: false as const, message: (error as Error).message }));
  const patch: Partial<store.ConnectorRow> = {
    status: outcome.ok ? "ACTIVE" : "OFFLINE",
    lastTestAt: deps.clock.now(),
    lastTestError: outcome.ok ? null : outcome.message,
    updatedAt: deps.clock.now(),
  };
  const action = outcome.ok ? "connector.test_passed" : "connector.test_failed";
  // An admin may have killed the connector while the test ran; never revive it silently.
  return applyChange(deps, actor, row.id, patch, action, (current) => current.status === "KILLED");
}

export async function testConnector(deps: ConnectorDeps, actor: ChangeActor, id: string) {
  const row = loadRow(deps, actor.orgId, id);
  assertTransition(row.status, "test");
  return runConnectionTest(deps, actor, row);
}

export async function rotateConnector(
  deps: ConnectorDeps,
  actor: ChangeActor,
  id: string,
  rawCredentials: unknown,
) {
  const row = loadRow(deps, actor.orgId, id);
  assertTransition(row.status, "rotate");
  const patch: Partial<store.ConnectorRow> = {
    ...sealedCredentials(deps, row, rawCredentials),
    updatedAt: deps.clock.now(),
  };
  const rotated = applyChange(deps, actor, row.id, patch, "connector.rotated");
  if (row.status === "KILLED") return rotated;
  return runConnectionTest(deps, actor, { ...row, ...patch });
}

export function disableConnector(deps: ConnectorDeps, actor: ChangeActor, id: string) {
  return setStatus(deps, actor, id, "disable", "KILLED");
}

export async function enableConnector(deps: ConnectorDeps, actor: ChangeActor, id: string) {
  const row = loadRow(deps, actor.orgId, id);
  assertTransition(row.status, "enable");
  applyChange(
    deps,
    actor,
    row.id,
    { status: "PENDING", updatedAt: deps.clock.now() },
    "connector.enabled",
  );
  return runConnectionTest(deps, actor, { ...row, status: "PENDING" });
}

function setStatus(
  deps: CoreDeps,
  actor: ChangeActor,
  id: string,
  action: ConnectorAdminAction,
  status: store.ConnectorRow["status"],
) {
  const row = loadRow(deps, actor.orgId, id);
  assertTransition(row.status, action);
  return applyChange(
    deps,
    actor,
    row.id,
    { status, updatedAt: deps.clock.now() },
    `connector.${action}d`,
  );
}
