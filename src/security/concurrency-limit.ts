/**
 * Runs at most `limit` tasks at once; the others wait their turn, first come first served.
 * argon2 is CPU work on libuv's pool (4 threads by default): on a 2-core server, four hashes at
 * once only share the cores, each takes twice as long and evicts the others' 19 MiB from the
 * caches, and the event loop and the database get the cores less often.
 */
export class ConcurrencyLimit {
  private running = 0;
  private readonly queue: Array<() => void> = [];

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`limit must be ≥ 1, got ${limit}`);
  }

  get waiting(): number {
    return this.queue.length;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running < this.limit) this.running++;
    // The slot is handed over by the task that ends: `running` stays counted for us.
    else await new Promise<void>((resolve) => this.queue.push(resolve));
    try {
      return await task();
    } finally {
      const next = this.queue.shift();
      if (next) next();
      else this.running--;
    }
  }
}
