/**
 * What a connector is: a catalog entry (credential and settings schemas, how its base URL is
 * found), its actions, and a connection test. A connector knows nothing of roles, policy or the
 * gateway's HTTP layer: it receives an already-authorised call with its decrypted credential
 * and returns an outcome.
 */
import type { z } from "zod";
import type { HttpClient } from "../lib/http-client.ts";

/** A connector instance's resolved configuration, credentials already decrypted by the vault. */
export interface ConnectorConfig {
  baseUrl: string;
  credentials: Record<string, unknown>;
  settings: Record<string, unknown>;
}

/**
 * The result of an action or test. A failure is an upstream or argument problem that the MCP
 * layer returns as a tool result with `isError: true`, so the model can correct itself.
 */
export type ActionOutcome =
  | { ok: true; data: unknown }
  | { ok: false; message: string; status?: number; retryAfterSeconds?: number };

export interface ActionCall<Args> {
  args: Args;
  config: ConnectorConfig;
  http: HttpClient;
  signal?: AbortSignal;
}

export interface ConnectorAction {
  /** The action name; the tool is `<connector name>__<name>`. */
  name: string;
  title: string;
  description: string;
  /** Arguments schema; also published as the tool's JSON Schema `inputSchema`. */
  input: z.ZodObject;
  readOnly: boolean;
  destructive: boolean;
  run(call: ActionCall<Record<string, unknown>>): Promise<ActionOutcome>;
}

export interface ConnectorDefinition {
  type: string;
  /** Validates `credentials` at create and update; the parsed value is what the vault stores. */
  credentials: z.ZodType<Record<string, unknown>>;
  settings: z.ZodType<Record<string, unknown>>;
  /** Throws `invalidRequest` when neither `base_url` nor the settings give an address. */
  resolveBaseUrl(input: { baseUrl: string | undefined; settings: Record<string, unknown> }): string;
  actions: readonly ConnectorAction[];
  /** A cheap authenticated read that proves the credential works (Zendesk: `users/me`). */
  test(call: Omit<ActionCall<unknown>, "args">): Promise<ActionOutcome>;
}
