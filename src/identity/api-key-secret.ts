/**
 * Org API keys: `org_` followed by 32 random bytes in base64url (43 characters). Only the
 * SHA-256 of the whole key is stored; with 256 bits of entropy a fast hash is enough (there is
 * nothing to brute-force), and the hash doubles as the lookup index. The final comparison is
 * constant-time so a timing probe learns nothing about near-misses.
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

export const API_KEY_PREFIX = "org_";
const API_KEY_RANDOM_BYTES = 32;
const API_KEY_PATTERN = /^org_[A-Za-z0-9_-]{43}$/;

export function generateApiKey(): string {
  return `${API_KEY_PREFIX}${randomBytes(API_KEY_RANDOM_BYTES).toString("base64url")}`;
}

/** True when a credential has the shape of an org API key (not a JWT, not an org id). */
export function looksLikeApiKey(value: string): boolean {
  return API_KEY_PATTERN.test(value);
}

export function hashApiKey(key: string): Buffer {
  return createHash("sha256").update(key, "utf8").digest();
}

export function hashesMatch(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** What lists and logs may show of a key: its prefix and last four characters. */
export function apiKeyHint(key: string): string {
  return `${API_KEY_PREFIX}…${key.slice(-4)}`;
}
