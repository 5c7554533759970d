/**
 * The configuration file's shape. Every key the contract (§2) names lives here; strict objects
 * make an unknown key stop the start with its name rather than be silently ignored.
 */
import { z } from "zod";
import { emailSchema } from "../lib/email.ts";

const listenAddress = z
  .string()
  .regex(/^(\[[0-9a-fA-F:]+\]|[^:\s]+):\d{1,5}$/, "expected host:port, e.g. 127.0.0.1:8080");

export const TIERS = ["soho", "bank", "zero_trust"] as const;
export const LOG_LEVELS = ["debug", "info", "warn", "error"] as const;

export const configSchema = z.strictObject({
  server: z
    .strictObject({
      listen: listenAddress.default("127.0.0.1:8080"),
      admin_listen: listenAddress.optional(),
      public_url: z.url().optional(),
      trust_proxy: z.boolean().default(false),
      /**
       * Seconds a connection may stay silent before it is closed, until its request has passed
       * identity (a governed call may then wait on the upstream as long as it needs).
       */
      idle_timeout_seconds: z.number().int().min(1).max(255).default(30),
    })
    .prefault({}),
  data_dir: z.string().min(1).default("./data"),
  master_key_file: z.string().min(1).optional(),
  tier: z.enum(TIERS).default("soho"),
  bootstrap: z
    .strictObject({
      admin_email: emailSchema.default("admin@localhost"),
    })
    .prefault({}),
  pat: z
    .strictObject({
      upstream_url: z.url().default("https://api.anthropic.com"),
      /** Time to the upstream's first byte (else 504), and the longest silence mid-stream. */
      upstream_timeout_ms: z.number().int().positive().default(600_000),
    })
    .prefault({}),
  mcp: z
    .strictObject({
      /**
       * Browser origins allowed to call `/v1/mcp` besides the appliance's own. The MCP
       * transport spec requires Origin validation against DNS rebinding; requests without an
       * Origin header (CLI and server-side clients) are not affected.
       */
      allowed_origins: z.array(z.url()).default([]),
    })
    .prefault({}),
  log: z
    .strictObject({
      level: z.enum(LOG_LEVELS).default("info"),
    })
    .prefault({}),
});

export type ConfigInput = z.input<typeof configSchema>;
export type ParsedConfig = z.output<typeof configSchema>;

/** The configuration after defaults that depend on other keys are filled in. */
export interface Config extends ParsedConfig {
  master_key_file: string;
  server: ParsedConfig["server"] & { public_url: string };
}
