/**
 * Starts the appliance from a validated configuration: data directory, master key, database
 * and migrations, vault, bootstrap org, then the HTTP listeners. Returns a handle whose
 * `stop()` drains in-flight requests, flushes queued writes and closes the database.
 */
import { existsSync, mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { settleAbandonedReservations } from "../audit/usage-store.ts";
import type { Config } from "../config/schema.ts";
import { MIGRATIONS } from "../db/migration-files.ts";
import { applyMigrations, openDatabase } from "../db/open.ts";
import { createWriteQueue } from "../db/write-queue.ts";
import { createAdminTokenIssuer } from "../identity/admin-token.ts";
import { LoginThrottle } from "../identity/login-throttle.ts";
import type { Clock } from "../lib/clock.ts";
import type { CoreDeps } from "../lib/deps.ts";
import { createHttpClient } from "../lib/http-client.ts";
import type { Logger } from "../lib/logger.ts";
import { SpendLedger } from "../metering/spend-ledger.ts";
import { patKeyAccount } from "../metering/store.ts";
import { bootstrapDefaultOrg } from "../orgs/bootstrap.ts";
import { clearLookupCaches, createLookupCaches, waitForSettlements } from "../pipeline/deps.ts";
import {
  deriveTokenSigningKey,
  ensureMasterKeyFile,
  MasterKeyError,
  readMasterKey,
} from "../vault/master-key.ts";
import { unsealVault } from "../vault/service.ts";
import { type AppDeps, buildApp } from "./app.ts";
import { listen } from "./listen.ts";
import { RequestContexts } from "./request-context.ts";

export interface StartOptions {
  config: Config;
  logger: Logger;
  clock: Clock;
  bootstrapPassword: string | undefined;
}

export interface RunningAppliance {
  urls: string[];
  stop(): Promise<void>;
}

export const DATABASE_FILE = "kestra.db";
const SETTLEMENT_WAIT_MS = 2000;

function prepareMasterKey(config: Config, databaseIsNew: boolean, logger: Logger): Uint8Array {
  if (!existsSync(config.master_key_file)) {
    if (!databaseIsNew) {
      throw new MasterKeyError(
        `master key file ${config.master_key_file} is missing; ` +
          "this data directory was sealed with it",
      );
    }
    ensureMasterKeyFile(config.master_key_file);
    logger.info("created a new master key file", { path: resolve(config.master_key_file) });
  }
  return readMasterKey(config.master_key_file);
}

export async function startAppliance(options: StartOptions): Promise<RunningAppliance> {
  const { config, logger, clock } = options;
  mkdirSync(config.data_dir, { recursive: true });
  const databasePath = join(config.data_dir, DATABASE_FILE);
  const masterKey = prepareMasterKey(config, !existsSync(databasePath), logger);

  const database = openDatabase(databasePath);
  const applied = applyMigrations(database.sqlite, MIGRATIONS);
  if (applied.length > 0) logger.info("applied database migrations", { migrations: applied });

  const requestLog = openDatabase(databasePath, "NORMAL");

  const abandoned = settleAbandonedReservations(database.db);
  if (abandoned > 0) {
    logger.warn("settled spend reservations left by an unclean stop at their worst case", {
      usage_records: abandoned,
    });
  }

  const vault = unsealVault({ db: database.db, clock, masterKey });
  const caches = createLookupCaches();
  const core: CoreDeps = {
    db: database.db,
    sqlite: database.sqlite,
    writes: createWriteQueue(requestLog),
    clock,
    logger,
    vault,
    invalidateLookups: () => clearLookupCaches(caches),
  };

  const bootstrap = await bootstrapDefaultOrg(core, {
    dataDir: config.data_dir,
    adminEmail: config.bootstrap.admin_email,
    password: options.bootstrapPassword,
  });
  if (bootstrap.created) {
    const email = config.bootstrap.admin_email;
    const file = bootstrap.passwordFile ? resolve(bootstrap.passwordFile) : null;
    logger.info("created the default org and its bootstrap admin", {
      admin_email: email,
      initial_login_file: file ?? "none (KESTRA_BOOTSTRAP_PASSWORD was set)",
      hint: file
        ? `sign in as ${email} with the password stored in ${file}`
        : `sign in as ${email} with KESTRA_BOOTSTRAP_PASSWORD`,
    });
  }

  const deps: AppDeps = {
    ...core,
    ...caches,
    http: createHttpClient(),
    adminTokens: createAdminTokenIssuer(
      deriveTokenSigningKey(masterKey, vault.installationId),
      clock,
    ),
    contexts: new RequestContexts(),
    loginThrottle: new LoginThrottle(clock),
    inFlightCalls: new Set(),
    spendLedger: new SpendLedger(clock, (patKeyId, startMs, endMs) =>
      patKeyAccount(database.db, patKeyId, startMs, endMs),
    ),
    pat: {
      upstreamUrl: config.pat.upstream_url,
      upstreamTimeoutMs: config.pat.upstream_timeout_ms,
    },
    mcpAllowedOrigins: new Set(
      [config.server.public_url, ...config.mcp.allowed_origins].map((url) => new URL(url).origin),
    ),
  };
  const app = buildApp(deps);
  const servers = listen(app, deps, config);

  return {
    urls: servers.map((server) => server.url),
    async stop() {
      await Promise.all(servers.map((server) => server.stop()));
      // Calls cut off by the stop settle as their streams are cancelled: let them finish.
      await waitForSettlements(deps.inFlightCalls, SETTLEMENT_WAIT_MS);
      core.writes.flush();
      requestLog.close();
      database.close();
    },
  };
}
