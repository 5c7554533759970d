/**
 * The spend step of the PAT pipeline's policy layer. Before a Claude call goes upstream, its
 * worst-case cost is reserved against the PAT key's monthly cap (refused with
 * `spend_cap_reached` when it could pass the cap); when the answer ends the reservation is
 * released and the real cost, from the answer's usage, is booked.
 */

import { costUsd, priceFor, type TokenCounts, worstCaseCostUsd } from "../metering/prices.ts";
import type { Reservation } from "../metering/spend-ledger.ts";
import { spendAccountOf } from "../pat-keys/service.ts";
import type { PatKeyRow } from "../pat-keys/store.ts";
import type { Decision } from "../policy/decide.ts";
import type { ClaudeRequestType, MessageRequestFacts } from "./claude-request-facts.ts";
import type { GatewayDeps } from "./deps.ts";

/** Message Batches are billed at half the standard rates (Anthropic pricing). */
const BATCH_DISCOUNT = 0.5;

export type SpendStep = { decision: Decision; reservation: Reservation | null };

export function reserveSpend(
  deps: GatewayDeps,
  patKey: PatKeyRow,
  type: ClaudeRequestType,
  requests: readonly MessageRequestFacts[],
): SpendStep {
  if (type !== "messages" && type !== "batch") {
    return { decision: { allowed: true, rule: null }, reservation: null };
  }
  const now = deps.clock.now();
  const discount = type === "batch" ? BATCH_DISCOUNT : 1;
  const worstCase = requests.reduce(
    (sum, request) =>
      sum +
      worstCaseCostUsd(request.bytes, request.maxTokens ?? 0, priceFor(request.model, now)) *
        discount,
    0,
  );

  const cap = patKey.monthlySpendCapUsd;
  const result = deps.spendLedger.reserve(spendAccountOf(patKey), cap, worstCase);
  if (result.ok)
    return { decision: { allowed: true, rule: null }, reservation: result.reservation };

  const spent = `$${result.spentUsd.toFixed(2)} spent`;
  const reached = cap !== null && result.spentUsd >= cap;
  const limit = `the monthly spend cap of $${cap}`;
  return {
    reservation: null,
    decision: {
      allowed: false,
      reason: "spend_cap_reached",
      rule: "pat_key.monthly_spend_cap_usd",
      message: reached
        ? `Access denied: ${limit} for this PAT key is reached (${spent})`
        : `Access denied: this request could pass ${limit} (${spent})`,
    },
  };
}

export interface SettledCall {
  type: ClaudeRequestType;
  reservation: Reservation;
  model: string;
  maxTokens: number | null;
  counts: TokenCounts | null;
  aborted: boolean;
  atMs: number;
}

/**
 * The cost to book for a finished call. A batch's results are never seen, so it stays at its
 * worst case. A stream the client left reports only its first output count, while Anthropic
 * bills what it generated until the connection closed, so its output is booked at max_tokens.
 */
export function settledCostUsd(call: SettledCall): number {
  if (call.type === "batch") return call.reservation.amountUsd;
  if (!call.counts) return 0;
  const outputTokens = call.aborted
    ? Math.max(call.counts.outputTokens, call.maxTokens ?? 0)
    : call.counts.outputTokens;
  return costUsd({ ...call.counts, outputTokens }, priceFor(call.model, call.atMs));
}
