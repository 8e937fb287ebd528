import { DatabaseBusyError, isDatabaseUnavailable } from './unavailable.js';

/**
 * Group commit in the application: calls that arrive while earlier batches are running wait and
 * leave together, as one batch. At low load each call leaves alone, at once; under load one
 * round trip and one commit serve many calls, which is what lets a two-core server count
 * thousands of openings a second.
 *
 * Two items with the same `key` never share a batch, nor run in two batches at once: the later
 * one leaves once the earlier one's batch has ended, so it sees what that one did, as if they
 * had run one after the other. Items otherwise leave in arrival order.
 */
export interface BatcherOptions<I> {
  /** Most items in one batch. */
  maxBatch: number;
  /** Most batches running at once. */
  maxInFlight: number;
  /** Items with the same key go in different batches; without it, any items may share one. */
  key?: (item: I) => string;
  /**
   * A failed batch of several items is run again one item at a time, one after the other, so
   * that one bad item does not fail the others. Only for runners that can safely run an item
   * again after a failure: a read, or one transaction whose second run cannot count twice.
   */
  retryAlone?: boolean;
  /**
   * Most items waiting for a batch. Beyond it `add` fails at once with DatabaseBusyError (a 503
   * page) instead of queueing: when the database slows down, a queue that only grows turns
   * every later call into a timeout and the process's memory into the backlog.
   */
  maxWaiting?: number;
  /** Names the queue in the error. */
  name?: string;
}

interface Pending<I, O> {
  item: I;
  key: string | null;
  resolve: (value: O) => void;
  reject: (reason: unknown) => void;
}

export class Batcher<I, O> {
  private queue: Pending<I, O>[] = [];
  private inFlight = 0;
  /** Keys of the items in the batches running now. */
  private readonly busyKeys = new Set<string>();
  private scheduled = false;

  constructor(
    /** Runs one batch; returns one result per item, in the same order. */
    private readonly run: (items: I[]) => Promise<O[]>,
    private readonly options: BatcherOptions<I>,
  ) {
    if (!Number.isInteger(options.maxBatch) || options.maxBatch < 1)
      throw new RangeError(`maxBatch must be ≥ 1, got ${options.maxBatch}`);
    if (!Number.isInteger(options.maxInFlight) || options.maxInFlight < 1)
      throw new RangeError(`maxInFlight must be ≥ 1, got ${options.maxInFlight}`);
    if (options.maxWaiting !== undefined && (!Number.isInteger(options.maxWaiting) || options.maxWaiting < 1))
      throw new RangeError(`maxWaiting must be ≥ 1, got ${options.maxWaiting}`);
  }

  /** Items waiting for a batch. */
  get waiting(): number {
    return this.queue.length;
  }

  add(item: I): Promise<O> {
    if (this.options.maxWaiting !== undefined && this.queue.length >= this.options.maxWaiting)
      return Promise.reject(new DatabaseBusyError(this.options.name ?? 'batcher'));
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ item, key: this.options.key?.(item) ?? null, resolve, reject });
      // Calls made in the same tick leave together.
      if (!this.scheduled) {
        this.scheduled = true;
        queueMicrotask(() => {
          this.scheduled = false;
          this.pump();
        });
      }
    });
  }

  private pump(): void {
    while (this.inFlight < this.options.maxInFlight && this.queue.length > 0) {
      const batch: Pending<I, O>[] = [];
      const rest: Pending<I, O>[] = [];
      for (const p of this.queue) {
        if (batch.length < this.options.maxBatch && (p.key === null || !this.busyKeys.has(p.key))) {
          batch.push(p);
          if (p.key !== null) this.busyKeys.add(p.key);
        } else rest.push(p);
      }
      // Everything waiting has a key already running: the end of that batch pumps again.
      if (batch.length === 0) return;
      this.queue = rest;
      this.inFlight++;
      void this.send(batch);
    }
  }

  private async send(batch: Pending<I, O>[]): Promise<void> {
    try {
      const results = await this.runChecked(batch.map((p) => p.item));
      for (const [i, p] of batch.entries()) p.resolve(results[i]!);
    } catch (e) {
      // An outage is no bad item: retrying each alone would only make every caller wait longer.
      if (this.options.retryAlone && batch.length > 1 && !isDatabaseUnavailable(e))
        // One after the other, in this batch's slot: a database in trouble gets no burst.
        for (const p of batch) {
          try {
            p.resolve((await this.runChecked([p.item]))[0]!);
          } catch (alone) {
            p.reject(alone);
          }
        }
      else for (const p of batch) p.reject(e);
    } finally {
      for (const p of batch) if (p.key !== null) this.busyKeys.delete(p.key);
      this.inFlight--;
      this.pump();
    }
  }

  private async runChecked(items: I[]): Promise<O[]> {
    const results = await this.run(items);
    if (results.length !== items.length)
      throw new Error(`batch of ${items.length} returned ${results.length} results`);
    return results;
  }
}
