import { z } from "zod";
import { USAGE_OUTCOMES } from "../db/schema.ts";

export const AUDIT_DECISIONS = ["allowed", "denied", "error"] as const;

export const auditQuerySchema = z.strictObject({
  type: z.string().min(1).optional(),
  actor: z.string().min(1).optional(),
  decision: z.enum(AUDIT_DECISIONS).optional(),
  since: z.iso.datetime({ offset: true }).optional(),
  until: z.iso.datetime({ offset: true }).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().min(1).optional(),
});

export const usageSchema = z.object({
  model: z.string().nullable(),
  status_code: z.number().nullable(),
  outcome: z.enum(USAGE_OUTCOMES),
  input_tokens: z.number(),
  output_tokens: z.number(),
  cache_creation_input_tokens: z.number(),
  cache_read_input_tokens: z.number(),
  duration_ms: z.number(),
  estimated_cost_usd: z.number(),
});

export const auditEntrySchema = z.object({
  id: z.string(),
  ts: z.string(),
  request_id: z.string(),
  product: z.enum(["mcp", "pat"]),
  type: z.string(),
  decision: z.enum(AUDIT_DECISIONS),
  reason: z.string().nullable(),
  target: z.string().nullable(),
  actor: z.string().nullable(),
  user_id: z.string().nullable(),
  role_id: z.string().nullable(),
  ip: z.string().nullable(),
  detail: z.record(z.string(), z.unknown()).nullable(),
  usage: usageSchema.nullable(),
});

export type AuditQuery = z.infer<typeof auditQuerySchema>;
export type AuditEntry = z.infer<typeof auditEntrySchema>;
export type Usage = z.infer<typeof usageSchema>;
