/**
 * The one entry point. Reads the command line, configuration and environment (nothing else
 * does), wires the appliance and handles shutdown signals.
 */
import { parseCommand, USAGE, UsageError } from "./cli/args.ts";
import { InitError, runInit } from "./cli/init.ts";
import { ConfigError, loadConfig } from "./config/load.ts";
import { systemClock } from "./lib/clock.ts";
import { createLogger } from "./lib/logger.ts";
import { VERSION } from "./server/app.ts";
import { startAppliance } from "./server/start.ts";
import { MasterKeyError } from "./vault/master-key.ts";

const print = (line: string) => process.stdout.write(`${line}\n`);

async function serve(configPath: string | undefined): Promise<void> {
  // The database, WAL and key files hold hashes, audit data and sealed secrets: owner only.
  process.umask(0o077);
  const { config, file } = loadConfig({ path: configPath, env: process.env, cwd: process.cwd() });
  const logger = createLogger({ level: config.log.level });
  logger.info("starting kestra fortress", {
    version: VERSION,
    config_file: file ?? "embedded defaults",
  });

  const appliance = await startAppliance({
    config,
    logger,
    clock: systemClock,
    bootstrapPassword: process.env.KESTRA_BOOTSTRAP_PASSWORD || undefined,
  });
  logger.info("listening", { urls: appliance.urls, tier: config.tier });

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info("shutting down", { signal });
    await appliance.stop();
    logger.info("stopped");
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
}

async function main(argv: string[]): Promise<number> {
  const command = parseCommand(argv);
  switch (command.name) {
    case "serve":
      await serve(command.config);
      return -1;
    case "init":
      runInit(command.dir, print);
      return 0;
    case "version":
      print(`kestra ${VERSION}`);
      return 0;
    case "help":
      print(USAGE);
      return 0;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (error: unknown) => {
    const expected = [UsageError, ConfigError, MasterKeyError, InitError].some(
      (kind) => error instanceof kind,
    );
    process.stderr.write(`kestra: ${expected ? (error as Error).message : String(error)}\n`);
    if (error instanceof UsageError) process.stderr.write(`${USAGE}\n`);
    process.exit(expected ? 2 : 1);
  },
);
