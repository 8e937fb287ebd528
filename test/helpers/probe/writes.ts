import { sql } from 'drizzle-orm';
import type { Database } from '../../../src/db/client.js';
import { queryRows } from '../../../src/db/client.js';

/**
 * Tables a refused request may legitimately write: a session's last-seen time moves on every
 * request, and failed logins are counted.
 */
export const LEGIT_WRITES = new Set(['sessions', 'login_throttles', 'probe_writes']);

/**
 * A row trigger on every table of the application logs each committed insert, update and
 * delete in `probe_writes` (a rolled-back transaction rolls its log back too): "nothing was
 * written" is then one count, exact even for an update that leaves the same values.
 */
export async function installWriteLog(database: Database): Promise<void> {
  await database.db.execute(sql`create table if not exists probe_writes (
    id bigserial primary key, tbl text not null, op text not null)`);
  await database.db.execute(sql`create or replace function probe_log_write() returns trigger
    language plpgsql as $$ begin
      insert into probe_writes (tbl, op) values (TG_TABLE_NAME, TG_OP);
      return null;
    end $$`);
  const tables = await queryRows<{ name: string }>(
    database.db,
    sql`select table_name as name from information_schema.tables
        where table_schema = 'public' and table_type = 'BASE TABLE' order by 1`,
  );
  for (const { name } of tables) {
    if (LEGIT_WRITES.has(name)) continue;
    await database.db.execute(
      sql.raw(`create trigger probe_write_log after insert or update or delete on "${name}"
               for each row execute function probe_log_write()`),
    );
  }
}

/** The position of the write log now: compare two marks with `writesSince`. */
export async function writeMark(database: Database): Promise<number> {
  const [row] = await queryRows<{ n: number | string | null }>(
    database.db,
    sql`select coalesce(max(id), 0) as n from probe_writes`,
  );
  return Number(row?.n ?? 0);
}

/** The writes committed after `mark`, as "table op" lines (empty: nothing written). */
export async function writesSince(database: Database, mark: number): Promise<string[]> {
  const rows = await queryRows<{ tbl: string; op: string }>(
    database.db,
    sql`select tbl, op from probe_writes where id > ${mark} order by id`,
  );
  return rows.map((r) => `${r.tbl} ${r.op}`);
}

/**
 * A cursor over the write log: `next()` answers the writes since the previous call in one
 * query (the fuzzer's loop asks after every request).
 */
export async function writeCursor(database: Database) {
  let mark = await writeMark(database);
  return async (): Promise<string[]> => {
    const rows = await queryRows<{ id: number | string; tbl: string; op: string }>(
      database.db,
      sql`select id, tbl, op from probe_writes where id > ${mark} order by id`,
    );
    if (rows.length) mark = Number(rows.at(-1)!.id);
    return rows.map((r) => `${r.tbl} ${r.op}`);
  };
}

/**
 * Waits until no write lands for a moment. Some answers finish before their last write (an
 * export records its event once the stream has ended): on PostgreSQL that write could land in
 * the next request's window and be blamed on it.
 */
export async function settleWrites(database: Database): Promise<void> {
  let before = await writeMark(database);
  for (;;) {
    await new Promise((r) => setTimeout(r, 15));
    const after = await writeMark(database);
    if (after === before) return;
    before = after;
  }
}

/**
 * After a download: waits (at most 5 s) for the audit event its stream writes once it has
 * ended, so that it is not blamed on the next request.
 */
export async function awaitDownloadEvent(database: Database, mark: number): Promise<void> {
  const until = Date.now() + 5_000;
  while (Date.now() < until) {
    if ((await writesSince(database, mark)).includes('events INSERT')) return;
    await new Promise((r) => setTimeout(r, 10));
  }
}
