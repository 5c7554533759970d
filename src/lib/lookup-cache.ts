/**
 * In-memory caches for what every governed request looks up (org key → identity, role →
 * compiled rules, connector name → config, PAT key → record). Admin changes are rare, so a
 * change simply clears the affected cache; the next request repopulates it from the database.
 */

export class LookupCache<V> {
  readonly #entries = new Map<string, V>();
  readonly #maxEntries: number;

  constructor(maxEntries = 10_000) {
    this.#maxEntries = maxEntries;
  }

  get(key: string): V | undefined {
    return this.#entries.get(key);
  }

  set(key: string, value: V): void {
    // A bound keeps memory flat if callers ever cache per-request keys; eviction is rare.
    if (this.#entries.size >= this.#maxEntries) this.#entries.clear();
    this.#entries.set(key, value);
  }

  getOrLoad<L extends V | undefined>(key: string, load: () => L): L | V {
    const cached = this.#entries.get(key);
    if (cached !== undefined) return cached;
    const value = load();
    if (value !== undefined) this.set(key, value);
    return value;
  }

  clear(): void {
    this.#entries.clear();
  }
}
