/**
 * Connector lifecycle actions: the connection test (which moves a connector ACTIVE or
 * OFFLINE), disable (KILLED), enable and credential rotation, each allowed only in the states
 * the product docs' lifecycle table lists.
 */
import { type ChangeActor, recordChange } from "../change-log/service.ts";
import { type CoreDeps, inTransaction } from "../lib/deps.ts";
import { notFound } from "../lib/errors.ts";
import { assertTransition, type ConnectorAdminAction } from "./lifecycle.ts";
import {
  applyChange,
  type ConnectorDeps,
  definitionFor,
  loadRow,
  presentConnector,
  revealConnectorConfig,
  sealedCredentials,
} from "./records.ts";
import * as store from "./store.ts";

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
  const after = inTransaction(deps, () => {
    const current = store.findConnector(deps.db, actor.orgId, row.id);
    if (!current) throw notFound(`connector ${row.id}`);
    // An admin may have killed the connector while the test ran; never revive it silently.
    if (current.status === "KILLED") return current;
    store.updateConnector(deps.db, actor.orgId, row.id, patch);
    const updated = { ...current, ...patch };
    recordChange(deps.db, deps.clock, actor, {
      action: outcome.ok ? "connector.test_passed" : "connector.test_failed",
      targetType: "connector",
      targetId: row.id,
      before: presentConnector(current),
      after: presentConnector(updated),
    });
    return updated;
  });
  deps.invalidateLookups();
  return presentConnector(after);
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
  const rotated = applyChange(deps, actor, row, patch, "connector.rotated");
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
    row,
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
    row,
    { status, updatedAt: deps.clock.now() },
    `connector.${action}d`,
  );
}
