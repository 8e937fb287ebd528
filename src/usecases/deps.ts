import type { Db } from '../db/client.js';
import type { Clock } from '../domain/clock.js';

/** What every use case may touch: the database, the clock and the public URL for links. */
export interface Deps {
  db: Db;
  clock: Clock;
  baseUrl: string;
}
