import { and, asc, eq, sql } from 'drizzle-orm';
import { queryRows } from '../../src/db/client.js';
import type { NewPatron, PatronRow } from '../../src/db/repositories/patrons.js';
import { outbox, tokens } from '../../src/db/schema.js';
import { hashPassword } from '../../src/security/passwords.js';
import type { TestContext } from './app.js';
import { TestBrowser } from './browser.js';
import { addPatron } from './decision-fixtures.js';

/** Patrons who can log in, for the renewal, expiry and retention tests. */
export const PATRON_PASSWORD = 'Renouveler-2026!';
let hash: Promise<string> | null = null;

export async function addMember(
  ctx: Pick<TestContext, 'database' | 'clock'>,
  libraryId: string,
  values: Partial<NewPatron> = {},
): Promise<PatronRow> {
  hash ??= hashPassword(PATRON_PASSWORD);
  return addPatron(ctx, libraryId, {
    state: 'active',
    pendingSince: null,
    decision: 'accepted',
    decidedAt: new Date(ctx.clock.now().getTime() - 300 * 86_400_000),
    decidedByLabel: 'Agent de la bibliothèque',
    passwordHash: await hash,
    ...values,
  });
}

let ip = 1;
export async function loggedIn(ctx: Pick<TestContext, 'app'>, patron: Pick<PatronRow, 'identifier'>) {
  const b = new TestBrowser(ctx.app, `192.0.2.${ip++ % 250}`);
  const res = await b.logIn(patron.identifier!, PATRON_PASSWORD);
  if (res.statusCode !== 303) throw new Error(`login failed: ${res.statusCode} ${res.body.slice(0, 200)}`);
  return b;
}

export function mailsAbout(ctx: Pick<TestContext, 'database'>, patronId: string) {
  return ctx.database.db.select().from(outbox).where(eq(outbox.patronId, patronId)).orderBy(asc(outbox.id));
}

export function tokensOf(ctx: Pick<TestContext, 'database'>, patronId: string) {
  return ctx.database.db
    .select()
    .from(tokens)
    .where(and(eq(tokens.principalKind, 'patron'), eq(tokens.principalId, patronId)))
    .orderBy(asc(tokens.createdAt));
}

export const RENEWAL_LINK = /http:\/\/sesame\.test\/mon-compte\/renouveler\/([A-Za-z0-9_-]+)/;

/** Every row of every table of the application, as one text: what a dump would reveal. */
export async function dumpDatabase(ctx: Pick<TestContext, 'database'>): Promise<string> {
  const tables = await queryRows<{ name: string }>(
    ctx.database.db,
    sql`select table_name as name from information_schema.tables
        where table_schema = 'public' and table_type = 'BASE TABLE' order by 1`,
  );
  const parts: string[] = [];
  for (const t of tables) {
    const rows = await queryRows<Record<string, unknown>>(
      ctx.database.db,
      sql.raw(`select * from "${t.name.replaceAll('"', '""')}"`),
    );
    parts.push(`${t.name}: ${JSON.stringify(rows)}`);
  }
  return parts.join('\n');
}
