/**
 * The vault: the only module that handles key material. Secrets are sealed per org with that
 * org's data key (XChaCha20-Poly1305, see envelope.ts); data keys are wrapped by the KEK that
 * master-key.ts derives. Unwrapped data keys are cached in memory for the process lifetime.
 */
import { randomBytes } from "@noble/ciphers/utils.js";
import type { Db } from "../db/open.ts";
import type { Clock } from "../lib/clock.ts";
import { newId } from "../lib/ids.ts";
import {
  envelopeKeyVersion,
  openValue,
  type SealContext,
  sealValue,
  VaultDecryptError,
} from "./envelope.ts";
import { deriveKek, type KeyEncryptionKey, MasterKeyError } from "./master-key.ts";
import * as store from "./store.ts";

const SEAL_CHECK_PLAINTEXT = "kestra-fortress seal check v1";
const KEK_KEY_VERSION = 0;

export interface Vault {
  readonly installationId: string;
  /** Creates the org's data key if it has none. Synchronous: safe inside a transaction. */
  ensureOrgKey(orgId: string): void;
  seal(context: SealContext, plaintext: string): Buffer;
  open(context: SealContext, envelope: Uint8Array): string;
}

export interface VaultDeps {
  db: Db;
  clock: Clock;
  masterKey: Uint8Array;
}

/**
 * Opens the vault of this data directory, or seals a new one on first start. A master key
 * that does not open the existing seal stops the start: the vault is never re-keyed silently.
 */
export function unsealVault(deps: VaultDeps): Vault {
  const existing = store.readAppliance(deps.db);
  const installationId = existing?.installationId ?? newId("org").replace(/^org_/, "ins_");
  const kek = deriveKek(deps.masterKey, installationId);
  const checkContext = sealCheckContext(installationId);

  if (existing) {
    try {
      openValue(kek.key, checkContext, existing.sealCheck);
    } catch {
      throw new MasterKeyError("master key does not match this data directory");
    }
  } else {
    const sealCheck = sealValue(kek.key, KEK_KEY_VERSION, checkContext, utf8(SEAL_CHECK_PLAINTEXT));
    store.insertAppliance(deps.db, { installationId, sealCheck }, deps.clock.now());
  }
  return createVault(deps, kek, installationId);
}

function createVault(deps: VaultDeps, kek: KeyEncryptionKey, installationId: string): Vault {
  const dataKeys = new Map<string, { version: number; key: Uint8Array }>();

  const unwrap = (orgId: string, row: store.OrgKeyRow) => {
    if (row.kekId !== kek.id) {
      throw new MasterKeyError(`data key of org ${orgId} is wrapped by another master key`);
    }
    return openValue(kek.key, dataKeyContext(orgId, row.version), row.wrapped);
  };

  const keyFor = (orgId: string, version: number | "active") => {
    const cacheKey = `${orgId}:${version}`;
    const cached = dataKeys.get(cacheKey);
    if (cached) return cached;
    const row =
      version === "active"
        ? store.readActiveOrgKey(deps.db, orgId)
        : store.readOrgKey(deps.db, orgId, version);
    if (!row) throw new VaultDecryptError(`no data key ${version} for org ${orgId}`);
    const entry = { version: row.version, key: unwrap(orgId, row) };
    dataKeys.set(cacheKey, entry);
    return entry;
  };

  return {
    installationId,
    ensureOrgKey(orgId) {
      if (store.readActiveOrgKey(deps.db, orgId)) return;
      const dataKey = randomBytes(32);
      const wrapped = sealValue(kek.key, KEK_KEY_VERSION, dataKeyContext(orgId, 1), dataKey);
      store.insertOrgKey(deps.db, orgId, { version: 1, wrapped, kekId: kek.id }, deps.clock.now());
    },
    seal(context, plaintext) {
      const { version, key } = keyFor(context.orgId, "active");
      return Buffer.from(sealValue(key, version, context, utf8(plaintext)));
    },
    open(context, envelope) {
      const { key } = keyFor(context.orgId, envelopeKeyVersion(envelope));
      return new TextDecoder().decode(openValue(key, context, envelope));
    },
  };
}

function sealCheckContext(installationId: string): SealContext {
  return { orgId: "", table: "appliance", rowId: installationId, column: "seal_check" };
}

function dataKeyContext(orgId: string, version: number): SealContext {
  return { orgId, table: "vault_keys", rowId: String(version), column: "wrapped" };
}

function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}
