import { describe, expect, it } from 'vitest';
import { ConcurrencyLimit } from '../../src/security/concurrency-limit.js';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

describe('ConcurrencyLimit (argon2 slots)', () => {
  it('never runs more tasks at once than its limit, and runs them all', async () => {
    const limit = new ConcurrencyLimit(2);
    let running = 0;
    let peak = 0;
    const results = await Promise.all(
      Array.from({ length: 9 }, (_, i) =>
        limit.run(async () => {
          running++;
          peak = Math.max(peak, running);
          await new Promise((r) => setTimeout(r, 2));
          running--;
          return i * 10;
        }),
      ),
    );
    expect(peak).toBe(2);
    expect(results).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80]);
  });

  it('starts waiting tasks first come, first served', async () => {
    const limit = new ConcurrencyLimit(1);
    const gate = deferred();
    const order: string[] = [];
    const first = limit.run(async () => {
      await gate.promise;
      order.push('first');
    });
    const second = limit.run(async () => order.push('second'));
    const third = limit.run(async () => order.push('third'));
    expect(limit.waiting).toBe(2);
    gate.resolve();
    await Promise.all([first, second, third]);
    expect(order).toEqual(['first', 'second', 'third']);
    expect(limit.waiting).toBe(0);
  });

  it('frees the slot of a task that fails', async () => {
    const limit = new ConcurrencyLimit(1);
    await expect(limit.run(async () => Promise.reject(new Error('échec')))).rejects.toThrow('échec');
    await expect(limit.run(async () => 'suite')).resolves.toBe('suite');
  });

  it('refuses a limit below 1', () => {
    expect(() => new ConcurrencyLimit(0)).toThrow(RangeError);
  });
});
