/**
 * Attempts per key (an IP address) in fixed windows, counted in this process's memory. It is the
 * cheap first gate of a limit whose real count lives in the database, shared by every instance:
 * it turns away a flood before the flood costs a query or an argon2 hash, and lets the database
 * count be taken later, in the same statement as the write it guards. One instance alone never
 * lets through more than `limit` a window; several instances each let through up to `limit`, and
 * the database count stops the extra writes.
 */
export class LocalAttemptCounter {
  private readonly windows = new Map<string, { startedAt: number; count: number }>();
  private sweptAt = 0;

  constructor(
    private readonly windowMs: number,
    /** Keys kept at most; beyond, windows already over are dropped, then the oldest ones. */
    private readonly maxKeys = 100_000,
  ) {}

  /** Counts one attempt for `key` at `now` (ms) and returns the attempts of its window so far. */
  count(key: string, now: number): number {
    const current = this.windows.get(key);
    if (current && now - current.startedAt < this.windowMs) return ++current.count;
    this.windows.delete(key);
    this.sweep(now);
    this.windows.set(key, { startedAt: now, count: 1 });
    return 1;
  }

  private sweep(now: number): void {
    if (this.windows.size < this.maxKeys && now - this.sweptAt < this.windowMs) return;
    this.sweptAt = now;
    for (const [key, w] of this.windows) if (now - w.startedAt >= this.windowMs) this.windows.delete(key);
    // Still full: a map keeps insertion order, and a key's window is re-inserted when it restarts,
    // so the first keys are the oldest windows.
    for (const key of this.windows.keys()) {
      if (this.windows.size < this.maxKeys) break;
      this.windows.delete(key);
    }
  }
}
