import { describe, expect, it } from 'vitest';
import { Batcher } from '../../src/db/batcher.js';
import { DatabaseBusyError, isDatabaseUnavailable } from '../../src/db/unavailable.js';

/** A batch runner that records its batches and answers when told to. */
function recorder<I>() {
  const batches: I[][] = [];
  const pending: Array<() => void> = [];
  let running = 0;
  let maxRunning = 0;
  const run = async (items: I[]) => {
    batches.push(items);
    running++;
    maxRunning = Math.max(maxRunning, running);
    await new Promise<void>((resolve) => pending.push(resolve));
    running--;
    return items.map((i) => `done ${String(i)}`);
  };
  return {
    run,
    batches,
    get maxRunning() {
      return maxRunning;
    },
    /** Lets the oldest running batch finish, then lets the promises settle. */
    async finishOne() {
      pending.shift()?.();
      await new Promise((r) => setTimeout(r, 0));
    },
    async finishAll() {
      while (pending.length > 0) await this.finishOne();
    },
  };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

describe('Batcher', () => {
  it('sends a lone call at once, in a batch of its own', async () => {
    const r = recorder<string>();
    const b = new Batcher(r.run, { maxBatch: 10, maxInFlight: 1 });
    const out = b.add('a');
    await tick();
    expect(r.batches).toEqual([['a']]);
    await r.finishAll();
    expect(await out).toBe('done a');
  });

  it('gathers the calls made while a batch runs into the next one, each caller getting its own result', async () => {
    const r = recorder<string>();
    const b = new Batcher(r.run, { maxBatch: 10, maxInFlight: 1 });
    const first = b.add('a');
    await tick();
    const later = ['b', 'c', 'd'].map((x) => b.add(x));
    await tick();
    expect(r.batches).toEqual([['a']]);
    expect(b.waiting).toBe(3);
    await r.finishOne();
    expect(r.batches).toEqual([['a'], ['b', 'c', 'd']]);
    await r.finishAll();
    expect(await first).toBe('done a');
    expect(await Promise.all(later)).toEqual(['done b', 'done c', 'done d']);
  });

  it('never puts more than maxBatch items in a batch, nor runs more than maxInFlight batches', async () => {
    const r = recorder<number>();
    const b = new Batcher(r.run, { maxBatch: 3, maxInFlight: 2 });
    const all = Array.from({ length: 10 }, (_, i) => b.add(i));
    await tick();
    expect(r.batches).toEqual([
      [0, 1, 2],
      [3, 4, 5],
    ]);
    await r.finishAll();
    expect(r.batches.map((x) => x.length)).toEqual([3, 3, 3, 1]);
    expect(r.batches.flat()).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(r.maxRunning).toBe(2);
    expect(await Promise.all(all)).toHaveLength(10);
  });

  it('keeps items with the same key in separate batches, in arrival order', async () => {
    const r = recorder<string>();
    const b = new Batcher(r.run, { maxBatch: 10, maxInFlight: 1, key: (s) => s.split(':')[0]! });
    const all = ['p1:a', 'p2:a', 'p1:b', 'p3:a', 'p1:c', 'p2:b'].map((x) => b.add(x));
    await tick();
    await r.finishAll();
    expect(r.batches).toEqual([['p1:a', 'p2:a', 'p3:a'], ['p1:b', 'p2:b'], ['p1:c']]);
    expect(await Promise.all(all)).toEqual([
      'done p1:a',
      'done p2:a',
      'done p1:b',
      'done p3:a',
      'done p1:c',
      'done p2:b',
    ]);
  });

  it('never runs two items with the same key at once, even with batches to spare', async () => {
    const r = recorder<string>();
    const b = new Batcher(r.run, { maxBatch: 10, maxInFlight: 3, key: (s) => s.split(':')[0]! });
    const all = ['p1:a', 'p1:b', 'p2:a'].map((x) => b.add(x));
    await tick();
    // p1:b waits for p1:a's batch to end although two more batches could run.
    expect(r.batches).toEqual([['p1:a', 'p2:a']]);
    await r.finishOne();
    expect(r.batches).toEqual([['p1:a', 'p2:a'], ['p1:b']]);
    await r.finishAll();
    expect(await Promise.all(all)).toEqual(['done p1:a', 'done p1:b', 'done p2:a']);
  });

  it('rejects the callers of a failed batch only, and goes on with the next', async () => {
    let calls = 0;
    const b = new Batcher(
      async (items: string[]) => {
        calls++;
        if (items.includes('bad')) throw new Error('database gone');
        return items.map((i) => i.toUpperCase());
      },
      { maxBatch: 2, maxInFlight: 1 },
    );
    const results = await Promise.allSettled(['x', 'bad', 'y'].map((i) => b.add(i)));
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message))).toEqual([
      'database gone',
      'database gone',
      'Y',
    ]);
    expect(calls).toBe(2);
  });

  it('runs a failed batch again one item after the other when asked, so a bad item fails alone', async () => {
    const calls: string[][] = [];
    let running = 0;
    let most = 0;
    const b = new Batcher(
      async (items: string[]) => {
        calls.push(items);
        most = Math.max(most, ++running);
        await tick();
        running--;
        if (items.includes('bad')) throw new Error(`refused: ${items.join(',')}`);
        return items.map((i) => i.toUpperCase());
      },
      { maxBatch: 3, maxInFlight: 1, retryAlone: true },
    );
    const results = await Promise.allSettled(['x', 'bad', 'y'].map((i) => b.add(i)));
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message))).toEqual([
      'X',
      'refused: bad',
      'Y',
    ]);
    expect(calls).toEqual([['x', 'bad', 'y'], ['x'], ['bad'], ['y']]);
    // The retries run one after the other, within the batch's own slot.
    expect(most).toBe(1);
  });

  it('rejects a batch whose runner returns a wrong number of results', async () => {
    const b = new Batcher(async (items: string[]) => items.slice(1), { maxBatch: 5, maxInFlight: 1 });
    const results = await Promise.allSettled(['x', 'y'].map((i) => b.add(i)));
    expect(results.every((r) => r.status === 'rejected')).toBe(true);
    expect(((results[0] as PromiseRejectedResult).reason as Error).message).toBe(
      'batch of 2 returned 1 results',
    );
  });

  it('refuses an item at once, as database busy, when the queue is full, and takes items again once it drains', async () => {
    const r = recorder<number>();
    const b = new Batcher(r.run, { maxBatch: 2, maxInFlight: 1, maxWaiting: 3, name: 'essai' });
    const first = b.add(0);
    await tick(); // the first batch leaves; what follows waits behind it
    const waiting = [1, 2, 3].map((i) => b.add(i));
    expect(b.waiting).toBe(3);
    const refused = await b.add(4).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(DatabaseBusyError);
    expect(isDatabaseUnavailable(refused)).toBe(true);
    expect(b.waiting).toBe(3);
    await r.finishAll();
    expect(await Promise.all([first, ...waiting])).toEqual(['done 0', 'done 1', 'done 2', 'done 3']);
    const again = b.add(5);
    await tick();
    await r.finishAll();
    expect(await again).toBe('done 5');
    expect(r.batches.flat()).not.toContain(4);
  });

  it('does not retry alone the items of a batch lost to a database outage', async () => {
    const calls: string[][] = [];
    const b = new Batcher(
      async (items: string[]) => {
        calls.push(items);
        throw Object.assign(new Error('terminating connection due to administrator command'), {
          code: '57P01',
        });
      },
      { maxBatch: 3, maxInFlight: 1, retryAlone: true },
    );
    const results = await Promise.allSettled(['x', 'y', 'z'].map((i) => b.add(i)));
    expect(results.every((r) => r.status === 'rejected')).toBe(true);
    expect(calls).toEqual([['x', 'y', 'z']]);
  });

  it('refuses a nonsensical configuration', () => {
    const run = async (items: string[]) => items;
    expect(() => new Batcher(run, { maxBatch: 0, maxInFlight: 1 })).toThrow(RangeError);
    expect(() => new Batcher(run, { maxBatch: 5, maxInFlight: 1.5 })).toThrow(RangeError);
    expect(() => new Batcher(run, { maxBatch: 5, maxInFlight: 1, maxWaiting: 0 })).toThrow(RangeError);
  });
});
