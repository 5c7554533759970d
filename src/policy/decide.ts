/**
 * Policy decisions on plain data: no transport, connector or framework in sight. Each returns
 * the decision with its reason and the rule that made it, for the audit entry.
 */
import type { PolicyReason } from "../lib/errors.ts";
import type { Permissions } from "./permissions.ts";

export type Decision =
  | { allowed: true; rule: string | null }
  | { allowed: false; reason: PolicyReason; message: string; rule: string | null };

export function decideToolCall(permissions: Permissions, tool: string): Decision {
  const verdict = permissions.decideTool(tool);
  if (verdict.allowed) return { allowed: true, rule: verdict.pattern };
  return {
    allowed: false,
    reason: "tool_denied",
    message: `Tool '${tool}' is denied for your role`,
    rule: verdict.pattern,
  };
}

export interface PatLimits {
  modelAllowlist: readonly string[] | null;
  maxTokensPerRequest: number | null;
}

export interface MessagesRequestFacts {
  model: string;
  maxTokens: number | null;
}

export function decideMessages(
  permissions: Permissions,
  limits: PatLimits,
  request: MessagesRequestFacts,
): Decision {
  const { model } = request;
  const allowlist = limits.modelAllowlist;
  if (allowlist && allowlist.length > 0 && !allowlist.includes(model)) {
    return modelDenied(model, "pat_key.model_allowlist");
  }
  if (!permissions.allowsModel(model)) return modelDenied(model, "role.models");

  const cap = limits.maxTokensPerRequest;
  if (cap !== null && request.maxTokens !== null && request.maxTokens > cap) {
    return {
      allowed: false,
      reason: "max_tokens_exceeded",
      message: `Access denied: max_tokens ${request.maxTokens} exceeds the limit of ${cap}`,
      rule: "pat_key.max_tokens_per_request",
    };
  }
  return { allowed: true, rule: null };
}

function modelDenied(model: string, rule: string): Decision {
  return {
    allowed: false,
    reason: "model_not_allowed",
    message: `Access denied: model '${model}' is not in your allowlist`,
    rule,
  };
}
