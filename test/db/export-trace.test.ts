import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Library } from '../../src/db/repositories/libraries.js';
import { getNetwork } from '../../src/db/repositories/network.js';
import { events } from '../../src/db/schema.js';
import { exportPatrons } from '../../src/usecases/patrons/export-patrons.js';
import { addLibrary, addStaff, createTestApp, type TestContext } from '../helpers/app.js';
import { TestBrowser } from '../helpers/browser.js';
import { addActivePatrons } from '../helpers/bulk-patrons.js';
import { staffActor } from '../helpers/decision-fixtures.js';

/** Issue 14, item 9: an export leaves a trace from its first byte, completed when it ends. */

const ROWS = 1500;
let ctx: TestContext;
let library: Library;
let admin: Awaited<ReturnType<typeof addStaff>>;

async function exportEvents() {
  return ctx.database.db
    .select()
    .from(events)
    .where(and(eq(events.action, 'exported'), eq(events.subjectKind, 'export')))
    .orderBy(events.id);
}

/** The export's end is recorded after the stream ends: wait for it (bounded). */
async function lastExportOnceEnded() {
  for (let i = 0; i < 200; i++) {
    const rows = await exportEvents();
    const last = rows.at(-1);
    if (last && last.data.status !== 'started') return last;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('the export never recorded its end');
}

beforeAll(async () => {
  ctx = await createTestApp();
  library = await addLibrary(ctx);
  admin = await addStaff(ctx, { identifier: 'export-admin', role: 'network_admin' });
  await addActivePatrons(ctx, library.id, ROWS);
}, 60_000);
afterAll(() => ctx.close());

describe('the history of exports', () => {
  it('records the export when it starts, then completes it with the rows sent', async () => {
    await ctx.database.db.delete(events);
    const { settings } = await getNetwork(ctx.database.db);
    const download = await exportPatrons(
      ctx.deps,
      staffActor(admin),
      { state: 'actifs', sort: 'nom', order: 'croissant' },
      settings,
      'csv',
    );
    // Before a byte is read, the export is already in the history.
    const [started] = await exportEvents();
    expect(started?.data).toMatchObject({ status: 'started', rows: 0, format: 'csv', state: 'actifs' });
    expect(started?.actorId).toBe(admin.id);

    let lines = 0;
    for await (const chunk of download.stream) lines += String(chunk).split('\r\n').length - 1;
    expect(lines).toBe(ROWS + 1);
    const ended = await lastExportOnceEnded();
    expect(ended.id).toBe(started!.id);
    expect(ended.data).toMatchObject({ status: 'completed', rows: ROWS, format: 'csv', state: 'actifs' });
    expect((await exportEvents()).length).toBe(1);
  });

  it('says an export whose reader went away was cancelled, with the rows sent until then', async () => {
    await ctx.database.db.delete(events);
    const { settings } = await getNetwork(ctx.database.db);
    const download = await exportPatrons(
      ctx.deps,
      staffActor(admin),
      { state: 'actifs', sort: 'nom', order: 'croissant' },
      settings,
      'csv',
    );
    // One chunk read, then the download is dropped half-way.
    await new Promise<void>((resolve) => download.stream.once('data', () => resolve()));
    download.stream.destroy();
    const ended = await lastExportOnceEnded();
    expect(ended.data.status).toBe('cancelled');
    expect(ended.data.rows).toBeGreaterThanOrEqual(0);
    expect(ended.data.rows).toBeLessThan(ROWS);
  });

  it('the staff page’s download ends recorded as completed, .xlsx too', async () => {
    await ctx.database.db.delete(events);
    const browser = new TestBrowser(ctx.app);
    expect((await browser.logIn(admin.identifier, admin.password)).statusCode).toBe(303);
    const res = await browser.get('/admin/usagers/export.xlsx?etat=actifs');
    expect(res.statusCode).toBe(200);
    const ended = await lastExportOnceEnded();
    expect(ended.data).toMatchObject({ status: 'completed', rows: ROWS, format: 'xlsx' });
  });
});
