import { describe, expect, it } from 'vitest';
import { PerDatabaseCache } from '../../src/db/per-database-cache.js';

describe('PerDatabaseCache', () => {
  it('keeps one value per database until it is too old or its version changes', async () => {
    const cache = new PerDatabaseCache<number>(60_000);
    const [a, b] = [{}, {}];
    let reads = 0;
    const load = async () => ++reads;
    expect(await cache.get(a, load)).toBe(1);
    expect(await cache.get(a, load)).toBe(1);
    expect(await cache.get(b, load)).toBe(2);
    expect(await cache.get(a, load, 1)).toBe(3);
    expect(await cache.reload(a, load, 1)).toBe(4);
    expect(await cache.get(a, load, 1)).toBe(4);
    const stale = new PerDatabaseCache<number>(0);
    expect(await stale.get(a, load)).toBe(5);
    expect(await stale.get(a, load)).toBe(6);
  });

  it('does not keep a failed read', async () => {
    const cache = new PerDatabaseCache<string>(60_000);
    const db = {};
    await expect(cache.get(db, () => Promise.reject(new Error('base injoignable')))).rejects.toThrow();
    expect(await cache.get(db, async () => 'relu')).toBe('relu');
  });
});
