/**
 * The spend ledger behind PAT key spend caps. Per PAT key and month it holds what settled
 * calls cost and what in-flight calls have reserved. A reservation is decided and taken in one
 * synchronous step (no await between check and take), so concurrent requests cannot together
 * pass a cap; it is released when the call settles at its real cost.
 */
import type { Clock } from "../lib/clock.ts";
import { monthOf } from "./period.ts";

export interface Reservation {
  /** The spend account: a PAT key's id, or the first key of its rotation chain. */
  accountId: string;
  period: string;
  amountUsd: number;
}

export type ReserveResult =
  | { ok: true; reservation: Reservation }
  | { ok: false; spentUsd: number; reservedUsd: number };

interface Account {
  spentUsd: number;
  reservedUsd: number;
}

/** Loads what an account's recorded calls (settled and reserved) cost in a month. */
export type LoadAccount = (accountId: string, startMs: number, endMs: number) => Account;

export class SpendLedger {
  readonly #accounts = new Map<string, Account>();
  readonly #clock: Clock;
  readonly #load: LoadAccount;

  constructor(clock: Clock, load: LoadAccount) {
    this.#clock = clock;
    this.#load = load;
  }

  /** Takes `amountUsd` against the cap, or refuses when it could take spend past the cap. */
  reserve(accountId: string, capUsd: number | null, amountUsd: number): ReserveResult {
    const period = monthOf(this.#clock.now());
    const account = this.#account(accountId, period.name, period.startMs, period.endMs);
    if (capUsd !== null && account.spentUsd + account.reservedUsd + amountUsd > capUsd) {
      return { ok: false, spentUsd: account.spentUsd, reservedUsd: account.reservedUsd };
    }
    account.reservedUsd += amountUsd;
    return { ok: true, reservation: { accountId, period: period.name, amountUsd } };
  }

  /** Releases a reservation and books the call's real cost in the reservation's month. */
  settle(reservation: Reservation, costUsd: number): void {
    const account = this.#accounts.get(`${reservation.accountId}:${reservation.period}`);
    if (!account) return;
    account.reservedUsd = Math.max(0, account.reservedUsd - reservation.amountUsd);
    account.spentUsd += costUsd;
  }

  #account(accountId: string, period: string, startMs: number, endMs: number): Account {
    const key = `${accountId}:${period}`;
    let account = this.#accounts.get(key);
    if (!account) {
      account = this.#load(accountId, startMs, endMs);
      this.#accounts.set(key, account);
    }
    return account;
  }
}
