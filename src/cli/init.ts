/**
 * `kestra init`: writes the annotated example config and a fresh master key (0600) into a
 * directory, refusing to overwrite either, and says how to start and log in.
 */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import exampleConfig from "../../kestra.config.yaml" with { type: "text" };
import { ensureMasterKeyFile } from "../vault/master-key.ts";

export class InitError extends Error {
  override name = "InitError";
}

export function runInit(dir: string, print: (line: string) => void): void {
  const target = resolve(dir);
  mkdirSync(target, { recursive: true });
  const configPath = join(target, "kestra.config.yaml");
  const dataDir = join(target, "data");
  // Beside the data directory, not in it, so a backup of the data never holds its own key.
  const masterKeyPath = join(target, "master.key");

  for (const path of [configPath, masterKeyPath]) {
    if (existsSync(path)) throw new InitError(`${path} already exists; not overwriting it`);
  }

  const config = exampleConfig
    .replace('data_dir: "./data"', `data_dir: ${JSON.stringify(dataDir)}`)
    .replace(
      '# master_key_file: "/etc/kestra/master.key"',
      `master_key_file: ${JSON.stringify(masterKeyPath)}`,
    );
  writeFileSync(configPath, config, { mode: 0o644 });
  ensureMasterKeyFile(masterKeyPath);

  print(`Wrote ${configPath}`);
  print(`Wrote a new master key to ${masterKeyPath} (mode 0600).`);
  print(
    "Keep a copy of it apart from backups of the data directory: without it the vault stays shut.",
  );
  print("");
  print(`Start:   kestra serve --config ${configPath}`);
  print(`Log in:  the admin is admin@localhost; on first start its password is written to`);
  print(`         ${join(dataDir, "initial-admin-password")} (or set KESTRA_BOOTSTRAP_PASSWORD).`);
  print(`         POST /api/v1/auth/token {"email","password"} returns an admin token.`);
}
