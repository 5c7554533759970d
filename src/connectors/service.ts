/**
 * Connector instances: create (credentials sealed by the vault, then a connection test),
 * list, read, edit and delete. Lifecycle actions are in lifecycle-service.ts.
 */
import { type ChangeActor, recordChange } from "../change-log/service.ts";
import { type CoreDeps, inTransaction } from "../lib/deps.ts";
import { conflict, invalidRequest } from "../lib/errors.ts";
import { newId } from "../lib/ids.ts";
import { type Page, type PageQuery, toPage } from "../lib/pagination.ts";
import { assertTransition } from "./lifecycle.ts";
import { runConnectionTest } from "./lifecycle-service.ts";
import {
  applyChange,
  type ConnectorDeps,
  connectorSealContext,
  credentialHints,
  definitionFor,
  loadRow,
  parseCredentials,
  parseSettings,
  presentConnector,
  sealedCredentials,
} from "./records.ts";
import type { Connector, ConnectorCreate, ConnectorUpdate } from "./schema.ts";
import * as store from "./store.ts";
import type { ConnectorDefinition } from "./types.ts";

export {
  disableConnector,
  enableConnector,
  rotateConnector,
  testConnector,
} from "./lifecycle-service.ts";
export {
  type ConnectorDeps,
  connectorSealContext,
  presentConnector,
  revealConnectorConfig,
} from "./records.ts";

export function listConnectors(deps: CoreDeps, orgId: string, page: PageQuery): Page<Connector> {
  const rows = store.listConnectors(deps.db, orgId, page.limit + 1, page.cursor);
  return toPage(rows, page.limit, presentConnector);
}

export function getConnector(deps: CoreDeps, orgId: string, id: string): Connector {
  return presentConnector(loadRow(deps, orgId, id));
}

export async function createConnector(
  deps: ConnectorDeps,
  actor: ChangeActor,
  input: ConnectorCreate,
) {
  const definition = definitionFor(input.type);
  const credentials = parseCredentials(definition, input.credentials);
  const settings = parseSettings(definition, input.settings);
  const baseUrl = definition.resolveBaseUrl({ baseUrl: input.base_url, settings });
  const now = deps.clock.now();
  const id = newId("con", now);

  const row = inTransaction(deps, () => {
    if (store.findConnectorByName(deps.db, actor.orgId, input.name)) {
      throw conflict(`a connector named '${input.name}' already exists`);
    }
    deps.vault.ensureOrgKey(actor.orgId);
    const created: store.ConnectorRow = {
      id,
      orgId: actor.orgId,
      type: definition.type,
      name: input.name,
      baseUrl,
      settings,
      credentials: deps.vault.seal(
        connectorSealContext(actor.orgId, id),
        JSON.stringify(credentials),
      ),
      credentialHints: credentialHints(credentials),
      status: "PENDING",
      lastTestAt: null,
      lastTestError: null,
      createdAt: now,
      updatedAt: now,
    };
    store.insertConnector(deps.db, created);
    recordChange(deps.db, deps.clock, actor, {
      action: "connector.created",
      targetType: "connector",
      targetId: id,
      after: presentConnector(created),
    });
    return created;
  });
  warnIfPlainHttp(deps, row);
  return runConnectionTest(deps, actor, row);
}

function warnIfPlainHttp(deps: CoreDeps, row: store.ConnectorRow): void {
  if (row.baseUrl.startsWith("http://")) {
    deps.logger.warn("connector base_url is plain http; credentials travel unencrypted", {
      connector_id: row.id,
      org_id: row.orgId,
    });
  }
}

export async function updateConnector(
  deps: ConnectorDeps,
  actor: ChangeActor,
  id: string,
  input: ConnectorUpdate,
) {
  const row = loadRow(deps, actor.orgId, id);
  assertTransition(row.status, "edit");
  const definition = definitionFor(row.type);
  const settings = input.settings ? parseSettings(definition, input.settings) : row.settings;
  const baseUrl = input.base_url
    ? definition.resolveBaseUrl({ baseUrl: input.base_url, settings })
    : input.settings && !hasCustomBaseUrl(definition, row)
      ? definition.resolveBaseUrl({ baseUrl: undefined, settings })
      : row.baseUrl;

  // Stored credentials never follow the connector to another host: an admin session (or a
  // stolen one) could otherwise point it at a server of its choosing and read them there.
  const movesHost = new URL(baseUrl).origin !== new URL(row.baseUrl).origin;
  if (movesHost && !input.credentials) {
    throw invalidRequest(
      "credentials: required when base_url or settings move the connector to another host",
    );
  }
  const patch: Partial<store.ConnectorRow> = { settings, baseUrl, updatedAt: deps.clock.now() };
  if (input.name !== undefined) patch.name = input.name;
  if (input.credentials) Object.assign(patch, sealedCredentials(deps, row, input.credentials));
  const updated = applyChange(deps, actor, row.id, patch, "connector.updated");
  return input.credentials ? runConnectionTest(deps, actor, { ...row, ...patch }) : updated;
}

/** True when the stored address is not the one the settings alone would give. */
function hasCustomBaseUrl(definition: ConnectorDefinition, row: store.ConnectorRow): boolean {
  try {
    return (
      definition.resolveBaseUrl({ baseUrl: undefined, settings: row.settings }) !== row.baseUrl
    );
  } catch {
    return true;
  }
}

export function deleteConnector(deps: CoreDeps, actor: ChangeActor, id: string): void {
  inTransaction(deps, () => {
    const row = loadRow(deps, actor.orgId, id);
    assertTransition(row.status, "delete");
    store.deleteConnector(deps.db, actor.orgId, id);
    recordChange(deps.db, deps.clock, actor, {
      action: "connector.deleted",
      targetType: "connector",
      targetId: id,
      before: presentConnector(row),
    });
  });
  deps.invalidateLookups();
}
