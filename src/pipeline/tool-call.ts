/**
 * The pipeline for MCP Fortress. `admitCaller` runs identity and device once per HTTP request;
 * `listAllowedTools` filters the catalog by the caller's roles; `governToolCall` runs
 * credential → policy → access for one `tools/call`, auditing every decision before acting.
 */
import { recordUsage } from "../audit/service.ts";
import { splitToolName, toolName } from "../connectors/registry.ts";
import type { ActionOutcome, ConnectorAction } from "../connectors/types.ts";
import {
  activeConnectors,
  findActiveConnector,
  revealConnector,
} from "../credential/connector-credential.ts";
import { checkDevice, type DeviceVerdict } from "../device/check.ts";
import { authenticateOrgKey, type Principal } from "../identity/authenticate.ts";
import { decideToolCall } from "../policy/decide.ts";
import { loadPermissions } from "../policy/permissions.ts";
import { auditOrRefuse, auditRefusal } from "./audit-or-refuse.ts";
import type { GatewayDeps, GatewayRequest } from "./deps.ts";

export interface AdmittedCaller {
  principal: Principal;
  device: DeviceVerdict;
}

/** Identity and device, once per HTTP request; a refused known key is audited. */
export async function admitCaller(
  deps: GatewayDeps,
  request: GatewayRequest,
): Promise<AdmittedCaller> {
  try {
    const principal = authenticateOrgKey(deps, request.headers);
    Object.assign(request.logFields, { org_id: principal.orgId, actor: principal.apiKeyId });
    request.onAdmitted();
    return { principal, device: checkDevice(principal, request.headers) };
  } catch (error) {
    await auditRefusal(deps, error, {
      requestId: request.requestId,
      product: "mcp",
      type: "admission",
      target: "POST /v1/mcp",
      ip: request.ip,
    });
    throw error;
  }
}

export interface ListedTool {
  name: string;
  action: ConnectorAction;
}

export function listAllowedTools(deps: GatewayDeps, caller: AdmittedCaller): ListedTool[] {
  const { orgId, roleIds } = caller.principal;
  const permissions = loadPermissions(deps.db, deps.roleCache, orgId, roleIds);
  return activeConnectors(deps, orgId).flatMap((connector) =>
    connector.definition.actions
      .map((action) => ({ name: toolName(connector.row.name, action.name), action }))
      .filter((tool) => permissions.decideTool(tool.name).allowed),
  );
}

export type ToolCallVerdict =
  | { kind: "unknown_tool"; message: string }
  | { kind: "denied"; reason: string }
  | { kind: "result"; outcome: ActionOutcome };

export async function governToolCall(
  deps: GatewayDeps,
  caller: AdmittedCaller,
  request: GatewayRequest,
  tool: string,
  args: Record<string, unknown>,
): Promise<ToolCallVerdict> {
  const { principal } = caller;
  const base = {
    orgId: principal.orgId,
    requestId: request.requestId,
    product: "mcp" as const,
    type: "tool_call",
    target: tool,
    apiKeyId: principal.apiKeyId,
    userId: principal.userId,
    roleId: principal.roleIds[0] ?? null,
    ip: request.ip,
  };

  const parts = splitToolName(tool);
  const connector = parts && findActiveConnector(deps, principal.orgId, parts.connector);
  const action = connector?.definition.actions.find(
    (candidate) => candidate.name === parts?.action,
  );
  if (!connector || !action) {
    await auditOrRefuse(deps, { ...base, decision: "denied", reason: "unknown_tool" });
    return { kind: "unknown_tool", message: `Unknown tool: ${tool}` };
  }

  const permissions = loadPermissions(deps.db, deps.roleCache, principal.orgId, principal.roleIds);
  const decision = decideToolCall(permissions, tool);
  const detail = {
    connector_id: connector.row.id,
    rule: decision.rule,
    device_checked: caller.device.checked,
  };
  if (!decision.allowed) {
    await auditOrRefuse(deps, { ...base, decision: "denied", reason: decision.reason, detail });
    return { kind: "denied", reason: decision.message };
  }

  const auditId = await auditOrRefuse(deps, { ...base, decision: "allowed", detail });
  const startedAt = deps.clock.now();
  const outcome = await action
    .run({
      args,
      config: revealConnector(deps, connector),
      http: deps.http,
      signal: request.signal,
    })
    .catch((error: unknown): ActionOutcome => {
      deps.logger.error("connector action failed", { request_id: request.requestId, tool, error });
      return { ok: false, message: "The connector failed unexpectedly; see the gateway log" };
    });
  await recordUsage(
    deps,
    { orgId: principal.orgId, auditId },
    {
      product: "mcp",
      patKeyId: null,
      model: null,
      statusCode: outcome.ok ? 200 : (outcome.status ?? null),
      outcome: outcome.ok ? "completed" : "upstream_error",
      inputTokens: 0,
      outputTokens: 0,
      cacheCreationInputTokens: 0,
      cacheReadInputTokens: 0,
      durationMs: deps.clock.now() - startedAt,
      costUsd: 0,
      reservedUsd: 0,
    },
  ).catch((error: unknown) => deps.logger.error("tool outcome could not be recorded", { error }));
  return { kind: "result", outcome };
}
