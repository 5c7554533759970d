import { z } from "zod";
import { TOOL_PATTERN } from "./tool-rules.ts";

const toolRules = z.record(
  z.string().regex(TOOL_PATTERN, "tool patterns use letters, digits, _ - . and *"),
  z.enum(["allow", "deny"]),
);

export const roleInputSchema = z.strictObject({
  name: z.string().trim().min(1).max(100),
  tools: toolRules.default({}),
  /** Claude models this role may call; absent or null means no role-level restriction. */
  models: z.array(z.string().min(1).max(200)).max(200).nullable().optional(),
});

export type RoleInput = z.infer<typeof roleInputSchema>;

export const roleSchema = z.object({
  id: z.string(),
  name: z.string(),
  tools: z.record(z.string(), z.enum(["allow", "deny"])),
  models: z.array(z.string()).nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});

export type Role = z.infer<typeof roleSchema>;
