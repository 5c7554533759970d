/**
 * Connector instances: create (credentials sealed by the vault, then a connection test),
 * list, edit, test, disable, enable, rotate and delete, with lifecycle checks and change log.
 */
import { type ChangeActor, recordChange } from "../change-log/service.ts";
import { type CoreDeps, inTransaction } from "../lib/deps.ts";
import { conflict, invalidRequest, notFound } from "../lib/errors.ts";
import type { HttpClient } from "../lib/http-client.ts";
import { newId } from "../lib/ids.ts";
import { type Page, type PageQuery, toPage } from "../lib/pagination.ts";
import { secretHint } from "../lib/secret-hint.ts";
import { isoTime, isoTimeOrNull } from "../lib/timestamps.ts";
import { describeIssues } from "../lib/zod-issues.ts";
import type { SealContext } from "../vault/envelope.ts";
import { assertTransition, type ConnectorAdminAction } from "./lifecycle.ts";
import { connectorTypes, findConnectorDefinition, toolName } from "./registry.ts";
import type { Connector, ConnectorCreate, ConnectorUpdate } from "./schema.ts";
import * as store from "./store.ts";
import type { ConnectorConfig, ConnectorDefinition } from "./types.ts";

export interface ConnectorDeps extends CoreDeps {
  http: HttpClient;
}

const SECRET_FIELD = /token|secret|password|key/i;

export function connectorSealContext(orgId: string, id: string): SealContext {
  return { orgId, table: "connectors", rowId: id, column: "credentials" };
}

export function presentConnector(row: store.ConnectorRow): Connector {
  const definition = findConnectorDefinition(row.type);
  return {
    id: row.id,
    type: row.type,
    name: row.name,
    base_url: row.baseUrl,
    settings: row.settings,
    credential_hints: row.credentialHints,
    status: row.status,
    tools: definition?.actions.map((action) => toolName(row.name, action.name)) ?? [],
    last_test_at: isoTimeOrNull(row.lastTestAt),
    last_test_error: row.lastTestError,
    created_at: isoTime(row.createdAt),
    updated_at: isoTime(row.updatedAt),
  };
}

function definitionFor(type: string): ConnectorDefinition {
  const definition = findConnectorDefinition(type);
  if (!definition) {
    throw invalidRequest(
      `type: unknown connector type '${type}' (known: ${connectorTypes().join(", ")})`,
    );
  }
  return definition;
}

function parseCredentials(definition: ConnectorDefinition, credentials: unknown) {
  const parsed = definition.credentials.safeParse(credentials);
  if (!parsed.success) throw invalidRequest(describeIssues(parsed.error, "credentials"));
  return parsed.data;
}

function parseSettings(definition: ConnectorDefinition, settings: unknown) {
  const parsed = definition.settings.safeParse(settings);
  if (!parsed.success) throw invalidRequest(describeIssues(parsed.error, "settings"));
  return parsed.data;
}

function credentialHints(credentials: Record<string, unknown>): Record<string, string> {
  const hints: Record<string, string> = {};
  for (const [field, value] of Object.entries(credentials)) {
    const text = typeof value === "string" ? value : JSON.stringify(value);
    hints[field] = SECRET_FIELD.test(field) ? secretHint(text) : text;
  }
  return hints;
}

function loadRow(deps: CoreDeps, orgId: string, id: string): store.ConnectorRow {
  const row = store.findConnector(deps.db, orgId, id);
  if (!row) throw notFound(`connector ${id}`);
  return row;
}

/** The decrypted configuration of a connector, for a connection test or a tool call. */
export function revealConnectorConfig(deps: CoreDeps, row: store.ConnectorRow): ConnectorConfig {
  const plaintext = deps.vault.open(connectorSealContext(row.orgId, row.id), row.credentials);
  return {
    baseUrl: row.baseUrl,
    credentials: JSON.parse(plaintext) as Record<string, unknown>,
    settings: row.settings,
  };
}

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

/** Calls the SaaS API's cheapest authenticated read and moves the connector ACTIVE or OFFLINE. */
async function runConnectionTest(deps: ConnectorDeps, actor: ChangeActor, row: store.ConnectorRow) {
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
  const updated = applyChange(deps, actor, row, patch, "connector.updated");
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

function sealedCredentials(deps: CoreDeps, row: store.ConnectorRow, raw: unknown) {
  const credentials = parseCredentials(definitionFor(row.type), raw);
  const context = connectorSealContext(row.orgId, row.id);
  return {
    credentials: deps.vault.seal(context, JSON.stringify(credentials)),
    credentialHints: credentialHints(credentials),
  };
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

function applyChange(
  deps: CoreDeps,
  actor: ChangeActor,
  row: store.ConnectorRow,
  patch: Partial<store.ConnectorRow>,
  action: string,
): Connector {
  const after = inTransaction(deps, () => {
    if (patch.name && patch.name !== row.name) {
      const clash = store.findConnectorByName(deps.db, actor.orgId, patch.name);
      if (clash) throw conflict(`a connector named '${patch.name}' already exists`);
    }
    store.updateConnector(deps.db, actor.orgId, row.id, patch);
    const updated = { ...row, ...patch };
    recordChange(deps.db, deps.clock, actor, {
      action,
      targetType: "connector",
      targetId: row.id,
      before: presentConnector(row),
      after: presentConnector(updated),
    });
    return updated;
  });
  deps.invalidateLookups();
  return presentConnector(after);
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
