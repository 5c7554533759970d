/**
 * Opaque prefixed identifiers (`req_…`, `org_…`, `con_…`). A time-ordered prefix keeps SQLite
 * primary-key inserts append-mostly and lets lists page by id in creation order; the random
 * tail makes them unguessable.
 */
import { randomBytes } from "node:crypto";

export type IdPrefix = "req" | "org" | "con" | "pat" | "key" | "usr" | "rol" | "aud" | "chg";

const ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz";

function encodeBase36(bytes: Uint8Array): string {
  let out = "";
  for (const byte of bytes) out += ALPHABET[byte % 36];
  return out;
}

export function newId(prefix: IdPrefix, nowMs: number = Date.now()): string {
  const time = nowMs.toString(36).padStart(9, "0");
  return `${prefix}_${time}${encodeBase36(randomBytes(12))}`;
}
