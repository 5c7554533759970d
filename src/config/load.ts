/**
 * Reads `kestra.config.yaml` (or runs on embedded defaults when there is none), overlays the
 * environment variables of contract §2, and validates the result. Only `main.ts` calls this.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import type { z } from "zod";
import { describeIssues } from "../lib/zod-issues.ts";
import { type Config, configSchema } from "./schema.ts";

export class ConfigError extends Error {
  override name = "ConfigError";
}

/** Environment variable → dotted config key. The environment wins over the file. */
const ENVIRONMENT_KEYS: Record<string, string> = {
  KESTRA_LISTEN: "server.listen",
  KESTRA_ADMIN_LISTEN: "server.admin_listen",
  KESTRA_PUBLIC_URL: "server.public_url",
  KESTRA_DATA_DIR: "data_dir",
  KESTRA_MASTER_KEY_FILE: "master_key_file",
  KESTRA_TIER: "tier",
  KESTRA_BOOTSTRAP_EMAIL: "bootstrap.admin_email",
  KESTRA_PAT_UPSTREAM_URL: "pat.upstream_url",
  KESTRA_LOG_LEVEL: "log.level",
};

export interface ConfigSource {
  /** An explicit `--config` path; it must exist. */
  path?: string;
  env: Record<string, string | undefined>;
  cwd: string;
}

export function loadConfig(source: ConfigSource): { config: Config; file: string | undefined } {
  const file = findConfigFile(source);
  const raw = file ? readYaml(file) : {};
  const fromEnvironment = applyEnvironment(raw, source.env);

  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) throw new ConfigError(describeFailure(parsed.error, file, fromEnvironment));
  const value = parsed.data;
  assertTierAvailable(value.tier);
  const config: Config = {
    ...value,
    master_key_file: value.master_key_file ?? join(value.data_dir, "master.key"),
    server: {
      ...value.server,
      public_url: value.server.public_url ?? `http://${value.server.listen}`,
    },
  };
  return { config, file };
}

/** Says where each bad value came from: the file, or the environment variable that won. */
function describeFailure(
  error: z.ZodError,
  file: string | undefined,
  fromEnvironment: Map<string, string>,
) {
  const origins = error.issues.map((issue) => fromEnvironment.get(issue.path.join(".")) ?? file);
  const sources = [...new Set(origins)].filter((origin): origin is string => origin !== undefined);
  const where = sources.length > 0 ? ` (from ${sources.join(", ")})` : "";
  return `invalid configuration${where}: ${describeIssues(error)}`;
}

/**
 * The Bank and Zero Trust tiers require an Entra ID token on every gateway call and (Zero
 * Trust) a device posture check. This build validates neither, so it refuses to start in
 * those tiers rather than run with their promises silently unkept.
 */
function assertTierAvailable(tier: Config["tier"]): void {
  if (tier !== "soho") {
    throw new ConfigError(
      `tier: '${tier}' needs Entra ID token validation, which this version does not have yet; ` +
        "use 'soho'",
    );
  }
}

function findConfigFile(source: ConfigSource): string | undefined {
  if (source.path) {
    if (!existsSync(source.path)) throw new ConfigError(`config file not found: ${source.path}`);
    return source.path;
  }
  const fromEnv = source.env.KESTRA_CONFIG;
  if (fromEnv) {
    if (!existsSync(fromEnv))
      throw new ConfigError(`KESTRA_CONFIG points to a missing file: ${fromEnv}`);
    return fromEnv;
  }
  const local = join(source.cwd, "kestra.config.yaml");
  return existsSync(local) ? local : undefined;
}

function readYaml(file: string): Record<string, unknown> {
  let document: unknown;
  try {
    document = parseYaml(readFileSync(file, "utf8"));
  } catch (error) {
    throw new ConfigError(`cannot parse ${file}: ${(error as Error).message}`);
  }
  if (document === null || document === undefined) return {};
  if (typeof document !== "object" || Array.isArray(document)) {
    throw new ConfigError(`${file} must hold a mapping of keys at the top level`);
  }
  return document as Record<string, unknown>;
}

/** Returns which dotted keys the environment set, and from which variable. */
function applyEnvironment(raw: Record<string, unknown>, env: ConfigSource["env"]) {
  const applied = new Map<string, string>();
  for (const [variable, dottedKey] of Object.entries(ENVIRONMENT_KEYS)) {
    const value = env[variable];
    if (value === undefined || value === "") continue;
    setDotted(raw, dottedKey.split("."), value);
    applied.set(dottedKey, variable);
  }
  return applied;
}

function setDotted(target: Record<string, unknown>, keys: string[], value: string): void {
  const [head, ...rest] = keys;
  if (head === undefined) return;
  if (rest.length === 0) {
    target[head] = value;
    return;
  }
  const child = target[head];
  const next: Record<string, unknown> =
    typeof child === "object" && child !== null && !Array.isArray(child)
      ? (child as Record<string, unknown>)
      : {};
  target[head] = next;
  setDotted(next, rest, value);
}
