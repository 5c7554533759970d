/** Billing periods are calendar months in UTC, named like the contract's `"2026-12"`. */

export interface Period {
  name: string;
  startMs: number;
  endMs: number;
}

export function monthOf(atMs: number): Period {
  const at = new Date(atMs);
  const startMs = Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1);
  const endMs = Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + 1, 1);
  return { name: new Date(startMs).toISOString().slice(0, 7), startMs, endMs };
}
