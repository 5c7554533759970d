/**
 * The access step of the PAT pipeline: commits the allowed decision (with the usage record
 * that holds the spend reservation), forwards the call with the real key, relays the answer
 * and settles usage and spend when it ends.
 */
import {
  callClaudeUpstream,
  readErrorBody,
  relayedResponseHeaders,
} from "../access/claude-upstream.ts";
import { type StreamOutcome, type TokenUsage, tapUsage } from "../access/usage-tap.ts";
import { type DecisionRecord, settleUsage } from "../audit/service.ts";
import type { PatCredential } from "../credential/pat-credential.ts";
import type { Principal } from "../identity/authenticate.ts";
import { KestraError } from "../lib/errors.ts";
import { secretHint } from "../lib/secret-hint.ts";
import type { Reservation } from "../metering/spend-ledger.ts";
import { auditOrRefuse } from "./audit-or-refuse.ts";
import type { ClaudeRequest } from "./claude-request.ts";
import type { ClaudeRequestType } from "./claude-request-facts.ts";
import type { GatewayDeps } from "./deps.ts";
import { settledCostUsd } from "./spend.ts";

export interface AllowedClaudeCall {
  request: Omit<ClaudeRequest, "readBody"> & { body: ArrayBuffer | null };
  principal: Principal;
  credential: PatCredential;
  record: Omit<DecisionRecord, "decision">;
  type: ClaudeRequestType;
  model: string | null;
  maxTokens: number | null;
  reservation: Reservation | null;
}

export interface Settlement {
  auditId: string;
  call: AllowedClaudeCall;
  startedAt: number;
  /** Set by the first settle; every later one is a no-op. */
  settled: boolean;
}

export async function forwardToClaude(deps: GatewayDeps, call: AllowedClaudeCall) {
  const { reservation } = call;
  const usageRecord = reservation
    ? {
        product: "pat" as const,
        patKeyId: call.credential.patKey.id,
        model: call.model,
        statusCode: null,
        outcome: "reserved" as const,
        inputTokens: 0,
        outputTokens: 0,
        cacheCreationInputTokens: 0,
        cacheReadInputTokens: 0,
        durationMs: 0,
        costUsd: 0,
        reservedUsd: reservation.amountUsd,
      }
    : undefined;
  let auditId: string;
  try {
    auditId = await auditOrRefuse(deps, { ...call.record, decision: "allowed" }, usageRecord);
  } catch (error) {
    if (reservation) deps.spendLedger.settle(reservation, 0);
    throw error;
  }

  const settlement: Settlement = { auditId, call, startedAt: deps.clock.now(), settled: false };
  deps.inFlightCalls.add(settlement);
  try {
    return await relay(deps, settlement);
  } catch (error) {
    // Whatever broke after the decision committed, the reservation must not outlive the call.
    const status = error instanceof KestraError ? error.status : 502;
    settle(deps, settlement, status, null, "upstream_error");
    throw error;
  }
}

async function relay(deps: GatewayDeps, settlement: Settlement): Promise<Response> {
  const { call } = settlement;
  const { request, principal } = call;
  const secret = call.credential.reveal();
  const upstream = await callClaudeUpstream({
    upstreamUrl: deps.pat.upstreamUrl,
    path: request.path,
    search: request.search,
    method: request.method,
    headers: request.headers,
    body: request.body,
    credential: secret,
    keyStyle: principal.keyStyle,
    headersTimeoutMs: deps.pat.upstreamTimeoutMs,
    clientSignal: request.signal,
  });

  const headers = relayedResponseHeaders(upstream.headers, request.requestId);
  if (!upstream.ok) {
    const text = scrubCredential(await readErrorBody(upstream, deps.pat.upstreamTimeoutMs), secret);
    settle(deps, settlement, upstream.status, null, "upstream_error");
    return new Response(text, { status: upstream.status, headers });
  }
  if (!upstream.body || call.type !== "messages") {
    settle(deps, settlement, upstream.status, null, "completed");
    return new Response(upstream.body, { status: upstream.status, headers });
  }
  const streaming = (upstream.headers.get("content-type") ?? "").includes("text/event-stream");
  const body = tapUsage(upstream.body, {
    streaming,
    idleTimeoutMs: deps.pat.upstreamTimeoutMs,
    onDone: (usage, outcome) => settle(deps, settlement, upstream.status, usage, outcome),
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

/** Books the call's real cost and releases its reservation; calls without one record nothing. */
function settle(
  deps: GatewayDeps,
  settlement: Settlement,
  statusCode: number,
  usage: TokenUsage | null,
  outcome: StreamOutcome,
): void {
  if (settlement.settled) return;
  settlement.settled = true;
  deps.inFlightCalls.delete(settlement);
  const { call, auditId, startedAt } = settlement;
  const { reservation } = call;
  if (!reservation) return;
  const now = deps.clock.now();
  const model = usage?.model ?? call.model ?? "";
  const cost = settledCostUsd({
    type: call.type,
    reservation,
    model,
    maxTokens: call.maxTokens,
    counts: usage,
    aborted: outcome === "aborted",
    atMs: startedAt,
  });
  deps.spendLedger.settle(reservation, cost);

  settleUsage(deps, auditId, {
    model: usage?.model ?? call.model,
    statusCode,
    outcome,
    inputTokens: usage?.inputTokens ?? 0,
    outputTokens: usage?.outputTokens ?? 0,
    cacheCreationInputTokens: usage?.cacheCreationInputTokens ?? 0,
    cacheReadInputTokens: usage?.cacheReadInputTokens ?? 0,
    durationMs: now - startedAt,
    costUsd: cost,
  }).catch((error: unknown) => {
    deps.logger.error("usage record could not be settled", { audit_id: auditId, error });
  });
}
