/**
 * The master key file: 32 random bytes, base64, mode 0600, kept outside the database and its
 * backups. The key-encryption key (KEK) is derived from it with HKDF-SHA256 (RFC 5869), salted
 * with the installation id, so the same file used by two installations yields different KEKs.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { randomBytes } from "@noble/ciphers/utils.js";
import { hkdf } from "@noble/hashes/hkdf.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex } from "@noble/hashes/utils.js";

const MASTER_KEY_LENGTH = 32;

export class MasterKeyError extends Error {
  override name = "MasterKeyError";
}

/** Creates a fresh master key file if none exists; returns whether it created one. */
export function ensureMasterKeyFile(path: string): boolean {
  if (existsSync(path)) return false;
  mkdirSync(dirname(path), { recursive: true });
  const encoded = Buffer.from(randomBytes(MASTER_KEY_LENGTH)).toString("base64");
  writeFileSync(path, `${encoded}\n`, { mode: 0o600, flag: "wx" });
  chmodSync(path, 0o600);
  return true;
}

export function readMasterKey(path: string): Uint8Array {
  let text: string;
  try {
    text = readFileSync(path, "utf8").trim();
  } catch (error) {
    throw new MasterKeyError(`cannot read master key file ${path}: ${(error as Error).message}`);
  }
  const bytes = Buffer.from(text, "base64");
  if (bytes.length !== MASTER_KEY_LENGTH || bytes.toString("base64") !== text) {
    throw new MasterKeyError(`master key file ${path} must hold 32 bytes in base64`);
  }
  return new Uint8Array(bytes);
}

export interface KeyEncryptionKey {
  id: string;
  key: Uint8Array;
}

export function deriveKek(masterKey: Uint8Array, installationId: string): KeyEncryptionKey {
  const salt = utf8(installationId);
  const key = hkdf(sha256, masterKey, salt, utf8("kestra/kek/v1"), 32);
  const id = bytesToHex(hkdf(sha256, masterKey, salt, utf8("kestra/kek-id/v1"), 8));
  return { id, key };
}

/** A separate subkey for signing admin session tokens, so the KEK is never used twice over. */
export function deriveTokenSigningKey(masterKey: Uint8Array, installationId: string): Uint8Array {
  return hkdf(sha256, masterKey, utf8(installationId), utf8("kestra/jwt/v1"), 32);
}

function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}
