/**
 * Vault ciphertext envelope, XChaCha20-Poly1305 with a random 24-byte nonce per value
 * (2^72 messages per key before nonce collisions matter, per the noble-ciphers limits).
 *
 *   byte 0      format version (0x01)
 *   byte 1      algorithm (0x01 = XChaCha20-Poly1305)
 *   bytes 2-5   data-key version, uint32 big-endian (which org key sealed it)
 *   bytes 6-29  nonce
 *   bytes 30-   ciphertext ‖ 16-byte Poly1305 tag
 *
 * The associated data is the 6 header bytes followed by the length-prefixed org id, table,
 * row id and column, so a changed header, or a value copied to another org, row or column,
 * fails authentication instead of decrypting.
 */
import { xchacha20poly1305 } from "@noble/ciphers/chacha.js";
import { randomBytes } from "@noble/ciphers/utils.js";

export const FORMAT_VERSION = 0x01;
export const ALG_XCHACHA20_POLY1305 = 0x01;
const HEADER_LENGTH = 6;
const NONCE_LENGTH = 24;

/** Where a sealed value lives; bound into its associated data. */
export interface SealContext {
  orgId: string;
  table: string;
  rowId: string;
  column: string;
}

export class VaultDecryptError extends Error {
  override name = "VaultDecryptError";
}

export function sealValue(
  key: Uint8Array,
  keyVersion: number,
  context: SealContext,
  plaintext: Uint8Array,
): Uint8Array {
  const header = encodeHeader(keyVersion);
  const nonce = randomBytes(NONCE_LENGTH);
  const sealed = xchacha20poly1305(key, nonce, associatedData(header, context)).encrypt(plaintext);
  return concatBytes(header, nonce, sealed);
}

/** Reads the data-key version without decrypting, so the caller can fetch the right key. */
export function envelopeKeyVersion(envelope: Uint8Array): number {
  if (envelope.length < HEADER_LENGTH + NONCE_LENGTH + 16) {
    throw new VaultDecryptError("vault value is truncated");
  }
  if (envelope[0] !== FORMAT_VERSION) throw new VaultDecryptError("unknown vault format");
  if (envelope[1] !== ALG_XCHACHA20_POLY1305)
    throw new VaultDecryptError("unknown vault algorithm");
  return new DataView(envelope.buffer, envelope.byteOffset + 2, 4).getUint32(0, false);
}

export function openValue(key: Uint8Array, context: SealContext, envelope: Uint8Array): Uint8Array {
  envelopeKeyVersion(envelope);
  const header = envelope.subarray(0, HEADER_LENGTH);
  const nonce = envelope.subarray(HEADER_LENGTH, HEADER_LENGTH + NONCE_LENGTH);
  const sealed = envelope.subarray(HEADER_LENGTH + NONCE_LENGTH);
  try {
    return xchacha20poly1305(key, nonce, associatedData(header, context)).decrypt(sealed);
  } catch {
    throw new VaultDecryptError("vault value failed authentication");
  }
}

function encodeHeader(keyVersion: number): Uint8Array {
  const header = new Uint8Array(HEADER_LENGTH);
  header[0] = FORMAT_VERSION;
  header[1] = ALG_XCHACHA20_POLY1305;
  new DataView(header.buffer).setUint32(2, keyVersion, false);
  return header;
}

function associatedData(header: Uint8Array, context: SealContext): Uint8Array {
  const parts = [context.orgId, context.table, context.rowId, context.column].map(lengthPrefixed);
  return concatBytes(header, ...parts);
}

function lengthPrefixed(value: string): Uint8Array {
  const bytes = new TextEncoder().encode(value);
  const out = new Uint8Array(4 + bytes.length);
  new DataView(out.buffer).setUint32(0, bytes.length, false);
  out.set(bytes, 4);
  return out;
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
