/** The connector catalog: every connector type this build knows, by its `type` string. */
import type { ConnectorDefinition } from "./types.ts";
import { zendeskConnector } from "./zendesk/definition.ts";

const DEFINITIONS: readonly ConnectorDefinition[] = [zendeskConnector];

const BY_TYPE = new Map(DEFINITIONS.map((definition) => [definition.type, definition]));

export function findConnectorDefinition(type: string): ConnectorDefinition | undefined {
  return BY_TYPE.get(type);
}

export function connectorTypes(): string[] {
  return [...BY_TYPE.keys()];
}

/** Tool names are `<connector name>__<action>`, the contract's `connector__action` pattern. */
export const TOOL_SEPARATOR = "__";

export function toolName(connectorName: string, action: string): string {
  return `${connectorName}${TOOL_SEPARATOR}${action}`;
}

export function splitToolName(tool: string): { connector: string; action: string } | undefined {
  const at = tool.indexOf(TOOL_SEPARATOR);
  if (at <= 0) return undefined;
  return { connector: tool.slice(0, at), action: tool.slice(at + TOOL_SEPARATOR.length) };
}
