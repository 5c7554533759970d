/**
 * What the connector services share: presenting a row, parsing and sealing credentials,
 * loading a row of the caller's org, and applying a change with its change-log entry.
 */
import { type ChangeActor, recordChange } from "../change-log/service.ts";
import { type CoreDeps, inTransaction } from "../lib/deps.ts";
import { conflict, invalidRequest, notFound } from "../lib/errors.ts";
import type { HttpClient } from "../lib/http-client.ts";
import { secretHint } from "../lib/secret-hint.ts";
import { isoTime, isoTimeOrNull } from "../lib/timestamps.ts";
import { describeIssues } from "../lib/zod-issues.ts";
import type { SealContext } from "../vault/envelope.ts";
import { connectorTypes, findConnectorDefinition, toolName } from "./registry.ts";
import type { Connector } from "./schema.ts";
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

export function definitionFor(type: string): ConnectorDefinition {
  const definition = findConnectorDefinition(type);
  if (!definition) {
    throw invalidRequest(
      `type: unknown connector type '${type}' (known: ${connectorTypes().join(", ")})`,
    );
  }
  return definition;
}

export function parseCredentials(definition: ConnectorDefinition, credentials: unknown) {
  const parsed = definition.credentials.safeParse(credentials);
  if (!parsed.success) throw invalidRequest(describeIssues(parsed.error, "credentials"));
  return parsed.data;
}

export function parseSettings(definition: ConnectorDefinition, settings: unknown) {
  const parsed = definition.settings.safeParse(settings);
  if (!parsed.success) throw invalidRequest(describeIssues(parsed.error, "settings"));
  return parsed.data;
}

export function credentialHints(credentials: Record<string, unknown>): Record<string, string> {
  const hints: Record<string, string> = {};
  for (const [field, value] of Object.entries(credentials)) {
    const text = typeof value === "string" ? value : JSON.stringify(value);
    hints[field] = SECRET_FIELD.test(field) ? secretHint(text) : text;
  }
  return hints;
}

export function sealedCredentials(deps: CoreDeps, row: store.ConnectorRow, raw: unknown) {
  const credentials = parseCredentials(definitionFor(row.type), raw);
  const context = connectorSealContext(row.orgId, row.id);
  return {
    credentials: deps.vault.seal(context, JSON.stringify(credentials)),
    credentialHints: credentialHints(credentials),
  };
}

export function loadRow(deps: CoreDeps, orgId: string, id: string): store.ConnectorRow {
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

/**
 * Applies a patch and its change-log entry in one transaction. The row is read again inside
 * it, so `before` is what was really replaced even when the caller awaited (a connection test)
 * since loading it; `skipIf` leaves a row alone that changed in a way the patch must not undo.
 */
export function applyChange(
  deps: CoreDeps,
  actor: ChangeActor,
  id: string,
  patch: Partial<store.ConnectorRow>,
  action: string,
  skipIf: (current: store.ConnectorRow) => boolean = () => false,
): Connector {
  const after = inTransaction(deps, () => {
    const current = loadRow(deps, actor.orgId, id);
    if (skipIf(current)) return current;
    if (patch.name && patch.name !== current.name) {
      const clash = store.findConnectorByName(deps.db, actor.orgId, patch.name);
      if (clash) throw conflict(`a connector named '${patch.name}' already exists`);
    }
    store.updateConnector(deps.db, actor.orgId, id, patch);
    const updated = { ...current, ...patch };
    recordChange(deps.db, deps.clock, actor, {
      action,
      targetType: "connector",
      targetId: id,
      before: presentConnector(current),
      after: presentConnector(updated),
    });
    return updated;
  });
  deps.invalidateLookups();
  return presentConnector(after);
}
