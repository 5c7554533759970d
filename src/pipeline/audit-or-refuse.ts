/**
 * Vault's rule: a request whose decision cannot be audited is refused. Waits for the audit
 * entry's commit and turns a failed write into a 500 (the detail goes to the log only).
 */
import { type DecisionRecord, recordDecision, type UsageRecord } from "../audit/service.ts";
import { RefusedKeyError } from "../identity/authenticate.ts";
import type { CoreDeps } from "../lib/deps.ts";
import { KestraError } from "../lib/errors.ts";

/**
 * Records a refusal that happened before policy (a revoked key, a missing PAT key) when the
 * org is known. The request is refused either way, so a failed write is only logged.
 */
export async function auditRefusal(
  deps: CoreDeps,
  error: unknown,
  record: Omit<DecisionRecord, "decision" | "orgId" | "reason"> & { orgId?: string },
) {
  const orgId = record.orgId ?? (error instanceof RefusedKeyError ? error.orgId : undefined);
  if (!orgId || !(error instanceof KestraError)) return;
  const apiKeyId = record.apiKeyId ?? (error instanceof RefusedKeyError ? error.apiKeyId : null);
  await recordDecision(deps, {
    ...record,
    orgId,
    apiKeyId,
    decision: "denied",
    reason: error.type,
    detail: { ...record.detail, message: error.message },
  }).catch((failure: unknown) => {
    deps.logger.error("audit entry of a refusal could not be written", {
      request_id: record.requestId,
      error: failure,
    });
  });
}

export async function auditOrRefuse(
  deps: CoreDeps,
  record: DecisionRecord,
  reservedUsage?: UsageRecord,
): Promise<string> {
  try {
    return await recordDecision(deps, record, reservedUsage);
  } catch (error) {
    deps.logger.error("audit entry could not be written; refusing the request", {
      request_id: record.requestId,
      error,
    });
    throw new KestraError("api_error", "audit unavailable", { cause: error });
  }
}
