import { z } from "zod";

/**
 * A connector's name becomes its tool prefix, so it may not contain the `__` separator and
 * may not end with `_` (which would make `name___action` ambiguous).
 */
export const CONNECTOR_NAME = /^[a-z0-9](?:[a-z0-9-]|_(?=[a-z0-9-]))*$/;

const connectorName = z
  .string()
  .max(40)
  .regex(CONNECTOR_NAME, "name: lowercase letters, digits, '-' and single '_' (no '__')");

const baseUrl = z.url({ protocol: /^https?$/ }).transform((url) => url.replace(/\/+$/, ""));

export const connectorCreateSchema = z.strictObject({
  type: z.string().min(1),
  name: connectorName,
  base_url: baseUrl.optional(),
  credentials: z.record(z.string(), z.unknown()),
  settings: z.record(z.string(), z.unknown()).default({}),
});

export const connectorUpdateSchema = z.strictObject({
  name: connectorName.optional(),
  base_url: baseUrl.optional(),
  settings: z.record(z.string(), z.unknown()).optional(),
  /** Required when the change moves the connector to another host (see service.ts). */
  credentials: z.record(z.string(), z.unknown()).optional(),
});

export const connectorRotateSchema = z.strictObject({
  credentials: z.record(z.string(), z.unknown()),
});

export const CONNECTOR_STATUSES = ["PENDING", "ACTIVE", "OFFLINE", "KILLED"] as const;

export const connectorSchema = z.object({
  id: z.string(),
  type: z.string(),
  name: z.string(),
  base_url: z.string(),
  settings: z.record(z.string(), z.unknown()),
  credential_hints: z.record(z.string(), z.string()),
  status: z.enum(CONNECTOR_STATUSES),
  tools: z.array(z.string()),
  last_test_at: z.string().nullable(),
  last_test_error: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});

export type ConnectorCreate = z.infer<typeof connectorCreateSchema>;
export type ConnectorUpdate = z.infer<typeof connectorUpdateSchema>;
export type Connector = z.infer<typeof connectorSchema>;
export type ConnectorStatus = (typeof CONNECTOR_STATUSES)[number];
