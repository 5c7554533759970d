import { describe, expect, test } from "bun:test";
import { fixedClock } from "../lib/clock.ts";
import { monthOf } from "./period.ts";
import { costUsd, priceFor, UNKNOWN_MODEL_PRICE, worstCaseCostUsd } from "./prices.ts";
import { SpendLedger } from "./spend-ledger.ts";

const DEC_2026 = Date.UTC(2026, 11, 3, 12);

describe("prices", () => {
  test("the longest matching model prefix wins", () => {
    expect(priceFor("claude-opus-4-1-20250805", DEC_2026).inputPerMTok).toBe(15);
    expect(priceFor("claude-opus-4-5-20251101", DEC_2026).inputPerMTok).toBe(5);
    expect(priceFor("claude-sonnet-4-5-20250929", DEC_2026).outputPerMTok).toBe(15);
    expect(priceFor("claude-haiku-4-5", DEC_2026).inputPerMTok).toBe(1);
  });

  test("an unknown model is priced as the most expensive, so caps never loosen", () => {
    expect(priceFor("claude-future-9", DEC_2026)).toBe(UNKNOWN_MODEL_PRICE);
  });

  test("cost counts input, output, cache writes and cache reads at their rates", () => {
    const sonnet = priceFor("claude-sonnet-4-5", DEC_2026);

    const cost = costUsd(
      {
        inputTokens: 1_000_000,
        outputTokens: 1_000_000,
        cacheCreationInputTokens: 1_000_000,
        cacheReadInputTokens: 1_000_000,
      },
      sonnet,
    );

    expect(cost).toBeCloseTo(3 + 15 + 3.75 + 0.3, 9);
    expect(worstCaseCostUsd(1000, 100, sonnet)).toBeCloseTo((1000 * 3.75 + 100 * 15) / 1e6, 12);
  });
});

describe("billing period", () => {
  test("is the UTC calendar month", () => {
    expect(monthOf(Date.UTC(2026, 11, 31, 23, 59))).toEqual({
      name: "2026-12",
      startMs: Date.UTC(2026, 11, 1),
      endMs: Date.UTC(2027, 0, 1),
    });
  });
});

describe("spend ledger", () => {
  test("reservations count against the cap until settled at the real cost", () => {
    const ledger = new SpendLedger(fixedClock(DEC_2026), () => ({ spentUsd: 0, reservedUsd: 0 }));

    const first = ledger.reserve("pat_1", 1, 0.6);
    const second = ledger.reserve("pat_1", 1, 0.6);
    if (!first.ok) throw new Error("first reservation refused");
    ledger.settle(first.reservation, 0.1);
    const third = ledger.reserve("pat_1", 1, 0.6);

    expect(second).toEqual({ ok: false, spentUsd: 0, reservedUsd: 0.6 });
    expect(third.ok).toBe(true);
  });

  test("starts each month from what the records already hold", () => {
    const clock = fixedClock(DEC_2026);
    const loads: string[] = [];
    const ledger = new SpendLedger(clock, (patKeyId, startMs) => {
      loads.push(`${patKeyId}@${new Date(startMs).toISOString().slice(0, 7)}`);
      return { spentUsd: 0.95, reservedUsd: 0 };
    });

    const refused = ledger.reserve("pat_1", 1, 0.1);
    clock.advance(31 * 24 * 3600 * 1000);
    ledger.reserve("pat_1", 1, 0.01);

    expect(refused.ok).toBe(false);
    expect(loads).toEqual(["pat_1@2026-12", "pat_1@2027-01"]);
  });

  test("no cap means no refusal, but spend is still tracked", () => {
    const ledger = new SpendLedger(fixedClock(DEC_2026), () => ({ spentUsd: 1e9, reservedUsd: 0 }));

    expect(ledger.reserve("pat_1", null, 5).ok).toBe(true);
  });
});
