/**
 * What may be shown of a secret: a recognisable prefix and the last four characters
 * (`sk-ant-…wxyz`), enough to tell keys apart, never enough to use one.
 */
const KNOWN_PREFIXES = ["sk-ant-", "xoxb-", "xoxp-", "ghp_", "github_pat_"];

export function secretHint(secret: string): string {
  const prefix = KNOWN_PREFIXES.find((candidate) => secret.startsWith(candidate)) ?? "";
  const tail = secret.length >= 12 ? secret.slice(-4) : "";
  return `${prefix}…${tail}`;
}
