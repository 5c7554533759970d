/**
 * Credential layer for MCP Fortress: the connector a tool belongs to, from a cache of the
 * org's ACTIVE connectors, with its credentials decrypted only when the call is allowed.
 */
import { findConnectorDefinition } from "../connectors/registry.ts";
import { revealConnectorConfig } from "../connectors/service.ts";
import { type ConnectorRow, listActiveConnectors } from "../connectors/store.ts";
import type { ConnectorConfig, ConnectorDefinition } from "../connectors/types.ts";
import type { CoreDeps } from "../lib/deps.ts";
import type { LookupCache } from "../lib/lookup-cache.ts";

export interface ActiveConnector {
  row: ConnectorRow;
  definition: ConnectorDefinition;
}

export interface ConnectorCredentialDeps extends CoreDeps {
  connectorCache: LookupCache<readonly ActiveConnector[]>;
}

/** The org's ACTIVE connectors whose type this build knows, ordered by name. */
export function activeConnectors(deps: ConnectorCredentialDeps, orgId: string) {
  return deps.connectorCache.getOrLoad(orgId, () =>
    listActiveConnectors(deps.db, orgId).flatMap((row) => {
      const definition = findConnectorDefinition(row.type);
      return definition ? [{ row, definition }] : [];
    }),
  );
}

export function findActiveConnector(deps: ConnectorCredentialDeps, orgId: string, name: string) {
  return activeConnectors(deps, orgId).find((connector) => connector.row.name === name);
}

export function revealConnector(deps: CoreDeps, connector: ActiveConnector): ConnectorConfig {
  return revealConnectorConfig(deps, connector.row);
}
