/**
 * The pipeline for PAT Fortress: identity, device, credential, policy, access. The audit
 * entry of the decision is committed before anything goes upstream; usage is committed when
 * the upstream answer ends (or breaks, or the client leaves).
 */
import { callClaudeUpstream, relayedResponseHeaders } from "../access/claude-upstream.ts";
import { type StreamOutcome, type TokenUsage, tapUsage } from "../access/usage-tap.ts";
import { recordUsage } from "../audit/service.ts";
import { resolvePatCredential } from "../credential/pat-credential.ts";
import { checkDevice } from "../device/check.ts";
import { authenticateOrgKey, type Principal } from "../identity/authenticate.ts";
import { KestraError } from "../lib/errors.ts";
import { secretHint } from "../lib/secret-hint.ts";
import type { PatKeyRow } from "../pat-keys/store.ts";
import { type Decision, decideMessages, type MessagesRequestFacts } from "../policy/decide.ts";
import { loadPermissions } from "../policy/permissions.ts";
import { auditOrRefuse } from "./audit-or-refuse.ts";
import { readClaudeRequestFacts } from "./claude-request-facts.ts";
import type { GatewayDeps, GatewayRequest } from "./deps.ts";

export interface ClaudeRequest extends GatewayRequest {
  method: string;
  /** The Anthropic path, `/v1/...`. */
  path: string;
  search: string;
  /** Read only after the caller is authenticated, so strangers cannot make us buffer bodies. */
  readBody(): Promise<ArrayBuffer | null>;
}

export async function governClaudeRequest(deps: GatewayDeps, request: ClaudeRequest) {
  const principal = authenticateOrgKey(deps, request.headers);
  Object.assign(request.logFields, { org_id: principal.orgId, actor: principal.apiKeyId });
  const device = checkDevice(principal, request.headers);
  const credential = resolvePatCredential(deps, principal);
  request.onAdmitted();
  const body = await request.readBody();
  const facts = readClaudeRequestFacts(request.method, request.path, body);
  const base = {
    orgId: principal.orgId,
    requestId: request.requestId,
    product: "pat" as const,
    type: facts.type,
    apiKeyId: principal.apiKeyId,
    userId: principal.userId,
    roleId: principal.roleIds[0] ?? null,
    ip: request.ip,
  };

  const decision = decideAll(deps, principal, credential.patKey, facts.requests);
  const first = facts.requests[0];
  const detail = {
    pat_key_id: credential.patKey.id,
    path: request.path,
    rule: decision.rule,
    device_checked: device.checked,
    ...(first ? { max_tokens: first.maxTokens } : {}),
    ...(facts.type === "batch" ? { batch_size: facts.requests.length } : {}),
  };
  const target = first?.model ?? `${request.method} ${request.path}`;

  if (!decision.allowed) {
    await auditOrRefuse(deps, {
      ...base,
      decision: "denied",
      reason: decision.reason,
      target,
      detail,
    });
    throw new KestraError("policy_denied", decision.message, { reason: decision.reason });
  }
  const auditId = await auditOrRefuse(deps, { ...base, decision: "allowed", target, detail });
  return forward(deps, { ...request, body }, principal, credential.reveal(), {
    auditId,
    patKeyId: credential.patKey.id,
    recordsUsage: facts.type === "messages",
  });
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

interface ForwardContext {
  auditId: string;
  patKeyId: string;
  recordsUsage: boolean;
}

async function forward(
  deps: GatewayDeps,
  request: ClaudeRequest & { body: ArrayBuffer | null },
  principal: Principal,
  credential: string,
  context: ForwardContext,
): Promise<Response> {
  const startedAt = deps.clock.now();
  let upstream: Response;
  try {
    upstream = await callClaudeUpstream({
      upstreamUrl: deps.pat.upstreamUrl,
      path: request.path,
      search: request.search,
      method: request.method,
      headers: request.headers,
      body: request.body,
      credential,
      keyStyle: principal.keyStyle,
      headersTimeoutMs: deps.pat.upstreamTimeoutMs,
      clientSignal: request.signal,
    });
  } catch (error) {
    if (context.recordsUsage) {
      const status = error instanceof KestraError ? error.status : 502;
      settle(deps, principal, context, startedAt, status, null, "upstream_error");
    }
    throw error;
  }

  const headers = relayedResponseHeaders(upstream.headers, request.requestId);
  if (!upstream.ok) {
    const text = scrubCredential(await upstream.text(), credential);
    if (context.recordsUsage) {
      settle(deps, principal, context, startedAt, upstream.status, null, "upstream_error");
    }
    return new Response(text, { status: upstream.status, headers });
  }
  if (!upstream.body || !context.recordsUsage) {
    return new Response(upstream.body, { status: upstream.status, headers });
  }
  const streaming = (upstream.headers.get("content-type") ?? "").includes("text/event-stream");
  const body = tapUsage(upstream.body, {
    streaming,
    idleTimeoutMs: deps.pat.upstreamTimeoutMs,
    onDone: (usage, outcome) => {
      settle(deps, principal, context, startedAt, upstream.status, usage, outcome);
    },
  });
  return new Response(body, { status: upstream.status, headers });
}

/**
 * Upstream error bodies pass through unchanged, except that the real key never reaches the
 * client: an upstream (or a proxy in front of it) that echoes the key gets it replaced by its
 * hint. Error bodies are small, so reading one whole costs nothing.
 */
function scrubCredential(body: string, credential: string): string {
  return body.includes(credential) ? body.replaceAll(credential, secretHint(credential)) : body;
}

function settle(
  deps: GatewayDeps,
  principal: Principal,
  context: ForwardContext,
  startedAt: number,
  statusCode: number,
  usage: TokenUsage | null,
  outcome: StreamOutcome,
): void {
  recordUsage(
    deps,
    { orgId: principal.orgId, auditId: context.auditId },
    {
      product: "pat",
      patKeyId: context.patKeyId,
      model: usage?.model ?? null,
      statusCode,
      outcome,
      inputTokens: usage?.inputTokens ?? 0,
      outputTokens: usage?.outputTokens ?? 0,
      cacheCreationInputTokens: usage?.cacheCreationInputTokens ?? 0,
      cacheReadInputTokens: usage?.cacheReadInputTokens ?? 0,
      durationMs: deps.clock.now() - startedAt,
    },
  ).catch((error: unknown) => {
    deps.logger.error("usage record could not be written", {
      audit_id: context.auditId,
      error,
    });
  });
}
