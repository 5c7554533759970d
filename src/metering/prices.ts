/**
 * The embedded price table for estimating spend, in USD per million tokens, with the dates
 * each price took effect (Anthropic's published rates; the Opus 4.5+ and Haiku 4.5 rows come
 * from third-party copies of the price page and should be re-checked when it changes). Cache
 * writes are priced at the 5-minute rate (1.25× input) and reads at 0.1× input. These are
 * estimates for budgets and caps; Anthropic's invoice is the truth.
 */

export interface ModelPrice {
  /** Model ids starting with this prefix use this price (the longest prefix wins). */
  prefix: string;
  effectiveFrom: string;
  inputPerMTok: number;
  outputPerMTok: number;
  cacheWritePerMTok: number;
  cacheReadPerMTok: number;
}

const price = (
  prefix: string,
  effectiveFrom: string,
  input: number,
  output: number,
): ModelPrice => ({
  prefix,
  effectiveFrom,
  inputPerMTok: input,
  outputPerMTok: output,
  cacheWritePerMTok: input * 1.25,
  cacheReadPerMTok: input * 0.1,
});

export const PRICE_TABLE: readonly ModelPrice[] = [
  price("claude-opus-4-5", "2025-11-24", 5, 25),
  price("claude-opus-4-6", "2026-02-01", 5, 25),
  price("claude-opus-4-7", "2026-04-01", 5, 25),
  price("claude-opus-4-1", "2025-08-05", 15, 75),
  price("claude-opus-4-", "2025-05-22", 15, 75),
  price("claude-sonnet-4", "2025-05-22", 3, 15),
  price("claude-3-7-sonnet", "2025-02-24", 3, 15),
  price("claude-haiku-4-5", "2025-10-15", 1, 5),
  price("claude-3-5-haiku", "2024-10-22", 0.8, 4),
  price("claude-3-haiku", "2024-03-07", 0.25, 1.25),
];

/**
 * A model the table does not know is priced as the most expensive one: a spend cap must never
 * be loosened by a new model name.
 */
export const UNKNOWN_MODEL_PRICE: ModelPrice = price("", "1970-01-01", 15, 75);

export function priceFor(model: string, atMs: number): ModelPrice {
  const day = new Date(atMs).toISOString().slice(0, 10);
  let best: ModelPrice | undefined;
  for (const candidate of PRICE_TABLE) {
    if (!model.startsWith(candidate.prefix) || candidate.effectiveFrom > day) continue;
    if (!best || candidate.prefix.length > best.prefix.length) best = candidate;
  }
  return best ?? UNKNOWN_MODEL_PRICE;
}

export interface TokenCounts {
  inputTokens: number;
  outputTokens: number;
  cacheCreationInputTokens: number;
  cacheReadInputTokens: number;
}

export function costUsd(counts: TokenCounts, modelPrice: ModelPrice): number {
  const micro =
    counts.inputTokens * modelPrice.inputPerMTok +
    counts.outputTokens * modelPrice.outputPerMTok +
    counts.cacheCreationInputTokens * modelPrice.cacheWritePerMTok +
    counts.cacheReadInputTokens * modelPrice.cacheReadPerMTok;
  return micro / 1_000_000;
}

/**
 * The most a request can cost before its answer is known: every byte of the body counted as a
 * token (no tokenizer packs more than one token per byte) at the cache-write rate, the
 * highest input-side rate, plus max_tokens of output. Generous on purpose; it is released
 * the moment the answer's real usage is known.
 */
export function worstCaseCostUsd(bodyBytes: number, maxTokens: number, modelPrice: ModelPrice) {
  const inputRate = Math.max(modelPrice.inputPerMTok, modelPrice.cacheWritePerMTok);
  return (bodyBytes * inputRate + maxTokens * modelPrice.outputPerMTok) / 1_000_000;
}
