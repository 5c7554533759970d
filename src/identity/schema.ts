import { z } from "zod";
import { emailSchema } from "../lib/email.ts";

const idList = z.array(z.string().min(1)).max(50);

export const userCreateSchema = z.strictObject({
  email: emailSchema,
  name: z.string().trim().min(1).max(200),
  role_ids: idList.default([]),
  password: z.string().min(12).max(200).optional(),
  is_admin: z.boolean().default(false),
});

export const userUpdateSchema = z.strictObject({
  email: emailSchema.optional(),
  name: z.string().trim().min(1).max(200).optional(),
  role_ids: idList.optional(),
  password: z.string().min(12).max(200).optional(),
  is_admin: z.boolean().optional(),
  status: z.enum(["active", "disabled"]).optional(),
});

export const userSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role_ids: z.array(z.string()),
  is_admin: z.boolean(),
  status: z.enum(["active", "disabled"]),
  created_at: z.string(),
  updated_at: z.string(),
});

export const apiKeyCreateSchema = z.strictObject({
  name: z.string().trim().min(1).max(200),
  user_id: z.string().min(1).nullable().optional(),
  role_id: z.string().min(1).nullable().optional(),
  pat_key_id: z.string().min(1).nullable().optional(),
});

export const apiKeyUpdateSchema = apiKeyCreateSchema.partial();

export const apiKeySchema = z.object({
  id: z.string(),
  name: z.string(),
  key_hint: z.string(),
  user_id: z.string().nullable(),
  role_id: z.string().nullable(),
  pat_key_id: z.string().nullable(),
  status: z.enum(["ACTIVE", "ROTATED", "REVOKED"]),
  expires_at: z.string().nullable(),
  created_at: z.string(),
});

/** Only the create and rotate answers carry the key itself, this once. */
export const apiKeyWithSecretSchema = apiKeySchema.extend({ key: z.string() });

export const tokenRequestSchema = z.strictObject({
  email: emailSchema,
  password: z.string().min(1).max(1000),
});

export type UserCreate = z.infer<typeof userCreateSchema>;
export type UserUpdate = z.infer<typeof userUpdateSchema>;
export type User = z.infer<typeof userSchema>;
export type ApiKeyCreate = z.infer<typeof apiKeyCreateSchema>;
export type ApiKeyUpdate = z.infer<typeof apiKeyUpdateSchema>;
export type ApiKey = z.infer<typeof apiKeySchema>;
export type ApiKeyWithSecret = z.infer<typeof apiKeyWithSecretSchema>;
