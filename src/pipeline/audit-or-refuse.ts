/**
 * Vault's rule: a request whose decision cannot be audited is refused. Waits for the audit
 * entry's commit and turns a failed write into a 500 (the detail goes to the log only).
 */
import { type DecisionRecord, recordDecision, type UsageRecord } from "../audit/service.ts";
import type { CoreDeps } from "../lib/deps.ts";
import { KestraError } from "../lib/errors.ts";

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
