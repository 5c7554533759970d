/**
 * Reads `kestra.config.yaml` (or runs on embedded defaults when there is none), overlays the
 * environment variables of contract §2, and validates the result. Only `main.ts` calls this.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
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
  applyEnvironment(raw, source.env);

  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(
      `invalid configuration${file ? ` in ${file}` : ""}: ${describeIssues(parsed.error)}`,
    );
  }
  const value = parsed.data;
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

function applyEnvironment(raw: Record<string, unknown>, env: ConfigSource["env"]): void {
  for (const [variable, dottedKey] of Object.entries(ENVIRONMENT_KEYS)) {
    const value = env[variable];
    if (value === undefined || value === "") continue;
    setDotted(raw, dottedKey.split("."), value);
  }
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
