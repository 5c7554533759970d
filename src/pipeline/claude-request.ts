/**
 * The pipeline for PAT Fortress: identity, device, credential, policy (rules, then the spend
 * reservation), access. The decision's audit entry, with the call's usage record holding its
 * reservation, is committed before anything goes upstream; the usage record is settled when
 * the upstream answer ends (or breaks, or the client leaves).
 */
import { resolvePatCredential } from "../credential/pat-credential.ts";
import { checkDevice } from "../device/check.ts";
import { authenticateOrgKey, type Principal } from "../identity/authenticate.ts";
import { KestraError } from "../lib/errors.ts";
import type { PatKeyRow } from "../pat-keys/store.ts";
import { type Decision, decideMessages, type MessagesRequestFacts } from "../policy/decide.ts";
import { loadPermissions } from "../policy/permissions.ts";
import { auditOrRefuse, auditRefusal } from "./audit-or-refuse.ts";
import { forwardToClaude } from "./claude-forward.ts";
import { readClaudeRequestFacts } from "./claude-request-facts.ts";
import type { GatewayDeps, GatewayRequest } from "./deps.ts";
import { reserveSpend } from "./spend.ts";

export interface ClaudeRequest extends GatewayRequest {
  method: string;
  /** The Anthropic path, `/v1/...`. */
  path: string;
  search: string;
  /** Read only after the caller is authenticated, so strangers cannot make us buffer bodies. */
  readBody(): Promise<ArrayBuffer | null>;
}

export async function governClaudeRequest(deps: GatewayDeps, request: ClaudeRequest) {
  const { principal, device, credential } = await admit(deps, request);
  request.onAdmitted();
  const body = await request.readBody();
  const facts = readClaudeRequestFacts(request.method, request.path, body);

  const rules = decideAll(deps, principal, credential.patKey, facts.requests);
  const spend = rules.allowed
    ? reserveSpend(deps, credential.patKey, facts.type, facts.requests)
    : { decision: rules, reservation: null };
  const { decision, reservation } = spend;

  const first = facts.requests[0];
  const record = {
    orgId: principal.orgId,
    requestId: request.requestId,
    product: "pat" as const,
    type: facts.type,
    apiKeyId: principal.apiKeyId,
    userId: principal.userId,
    roleId: principal.roleIds[0] ?? null,
    ip: request.ip,
    target: first?.model ?? `${request.method} ${request.path}`,
    detail: {
      pat_key_id: credential.patKey.id,
      path: request.path,
      rule: decision.rule,
      device_checked: device.checked,
      ...(first ? { max_tokens: first.maxTokens } : {}),
      ...(facts.type === "batch" ? { batch_size: facts.requests.length } : {}),
      ...(reservation ? { reserved_usd: reservation.amountUsd } : {}),
    },
  };

  if (!decision.allowed) {
    await auditOrRefuse(deps, { ...record, decision: "denied", reason: decision.reason });
    throw new KestraError("policy_denied", decision.message, { reason: decision.reason });
  }
  return forwardToClaude(deps, {
    request: { ...request, body },
    principal,
    credential,
    record,
    type: facts.type,
    model: first?.model ?? null,
    maxTokens: first?.maxTokens ?? null,
    reservation,
  });
}

/** Identity, device and credential; a refusal of a known key or org is audited. */
async function admit(deps: GatewayDeps, request: ClaudeRequest) {
  let principal: Principal | undefined;
  try {
    principal = authenticateOrgKey(deps, request.headers);
    Object.assign(request.logFields, { org_id: principal.orgId, actor: principal.apiKeyId });
    const device = checkDevice(principal, request.headers);
    return { principal, device, credential: resolvePatCredential(deps, principal) };
  } catch (error) {
    await auditRefusal(deps, error, {
      orgId: principal?.orgId,
      requestId: request.requestId,
      product: "pat",
      type: "admission",
      target: `${request.method} ${request.path}`,
      apiKeyId: principal?.apiKeyId ?? null,
      userId: principal?.userId ?? null,
      ip: request.ip,
      detail: { path: request.path },
    });
    throw error;
  }
}

/** Every message request must pass; the first refusal decides. */
function decideAll(
  deps: GatewayDeps,
  principal: Principal,
  patKey: PatKeyRow,
  requests: readonly MessagesRequestFacts[],
): Decision {
  if (requests.length === 0) return { allowed: true, rule: null };
  const permissions = loadPermissions(deps.db, deps.roleCache, principal.orgId, principal.roleIds);
  const limits = {
    modelAllowlist: patKey.modelAllowlist,
    maxTokensPerRequest: patKey.maxTokensPerRequest,
  };
  let decision: Decision = { allowed: true, rule: null };
  for (const request of requests) {
    decision = decideMessages(permissions, limits, request);
    if (!decision.allowed) return decision;
  }
  return decision;
}
