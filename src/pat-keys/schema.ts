import { z } from "zod";

/** An empty list means what leaving it blank means in the product docs: every model. */
const modelAllowlist = z
  .array(z.string().trim().min(1).max(200))
  .max(200)
  .nullable()
  .transform((models) => (models && models.length > 0 ? models : null));

export const patKeyCreateSchema = z.strictObject({
  label: z.string().trim().min(1).max(200),
  key: z.string().trim().min(20, "expected an Anthropic API key").max(500),
  model_allowlist: modelAllowlist.optional(),
  max_tokens_per_request: z.number().int().positive().nullable().optional(),
  monthly_spend_cap_usd: z.number().positive().nullable().optional(),
});

export const patKeyRotateSchema = patKeyCreateSchema.pick({ key: true });

export const patKeyUpdateSchema = patKeyCreateSchema.omit({ key: true }).partial();

export const patKeySchema = z.object({
  id: z.string(),
  label: z.string(),
  key_hint: z.string(),
  model_allowlist: z.array(z.string()).nullable(),
  max_tokens_per_request: z.number().nullable(),
  monthly_spend_cap_usd: z.number().nullable(),
  status: z.enum(["ACTIVE", "ROTATED", "REVOKED"]),
  expires_at: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});

export type PatKeyCreate = z.infer<typeof patKeyCreateSchema>;
export type PatKeyUpdate = z.infer<typeof patKeyUpdateSchema>;
export type PatKey = z.infer<typeof patKeySchema>;
