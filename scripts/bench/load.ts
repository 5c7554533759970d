/**
 * A closed-loop load generator: `concurrency` workers each send one request, wait for its
 * whole answer, then send the next, until `total` are done. Latency covers the full exchange
 * (headers and body), because a proxy that answered headers early would otherwise look free.
 */

/** One request; resolves to null when it succeeded, else to a short reason. */
export type Attempt = () => Promise<string | null>;

export interface LoadResult {
  latenciesMs: number[];
  failures: number;
  firstFailure: string | undefined;
  elapsedMs: number;
  /** True when the time budget ran out before `total` requests were sent. */
  truncated: boolean;
}

export interface LoadPlan {
  total: number;
  concurrency: number;
  /** A stop for a badly slow build, so the whole bench stays well under two minutes. */
  budgetMs: number;
}

export async function runLoad(plan: LoadPlan, attempt: Attempt): Promise<LoadResult> {
  const latenciesMs: number[] = [];
  let failures = 0;
  let firstFailure: string | undefined;
  let started = 0;
  let truncated = false;
  const begin = performance.now();
  const deadline = begin + plan.budgetMs;

  const worker = async () => {
    while (started < plan.total) {
      if (performance.now() > deadline) {
        truncated = true;
        return;
      }
      started++;
      const t0 = performance.now();
      let problem: string | null;
      try {
        problem = await attempt();
      } catch (error) {
        problem = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      }
      latenciesMs.push(performance.now() - t0);
      if (problem !== null) {
        failures++;
        firstFailure ??= problem;
      }
    }
  };
  await Promise.all(Array.from({ length: plan.concurrency }, worker));
  const elapsedMs = performance.now() - begin;
  return { latenciesMs, failures, firstFailure, elapsedMs, truncated };
}

/** Nearest-rank percentile (no interpolation), in the unit of the samples. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] ?? Number.NaN;
}
