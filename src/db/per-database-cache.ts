/**
 * One value per database (a Db or transaction object), read again once older than `maxAgeMs`,
 * or when the `version` asked for is not the one it was read under. A failed read is not kept:
 * the next call reads again.
 */
export class PerDatabaseCache<T> {
  private readonly entries = new WeakMap<object, { loadedAt: number; version: number; value: Promise<T> }>();

  constructor(private readonly maxAgeMs: number) {}

  get(db: object, load: () => Promise<T>, version = 0): Promise<T> {
    const hit = this.entries.get(db);
    if (hit && hit.version === version && performance.now() - hit.loadedAt < this.maxAgeMs) return hit.value;
    return this.reload(db, load, version);
  }

  /** Reads now, whatever the age of the value kept. */
  reload(db: object, load: () => Promise<T>, version = 0): Promise<T> {
    const entry = { loadedAt: performance.now(), version, value: load() };
    this.entries.set(db, entry);
    entry.value.catch(() => {
      if (this.entries.get(db) === entry) this.entries.delete(db);
    });
    return entry.value;
  }
}
