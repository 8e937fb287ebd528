import { parse } from 'csv-parse/sync';
import { eq, inArray } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  contentPages,
  contentPageVersions,
  events,
  libraries,
  messageThreads,
  network,
  outbox,
  patrons,
  resources,
  responseTemplates,
  staff,
  threadMessages,
} from '../../src/db/schema.js';
import { addPatron } from '../helpers/decision-fixtures.js';
import type { ActorName } from '../helpers/probe/actors.js';
import { type ClassifiedRoute, classifyRoutes } from '../helpers/probe/classify.js';
import { expectationFor } from '../helpers/probe/expect.js';
import { fillUrl } from '../helpers/probe/fill.js';
import { buildProbeWorld, type ProbeWorld } from '../helpers/probe/world.js';
import { injected, shownAsText, XSS } from '../helpers/probe/xss.js';

/**
 * The outside probe's stored-XSS payloads in every stored text field (patron names and card
 * number, library name and town, staff names, resource name, provider and description, e-mail
 * template, help pages in Markdown, e-mails, history, network name, messages to the library and support), then every page of the app as each actor sees it,
 * the e-mails it writes and the exports: never a live tag, attribute or link, and no
 * spreadsheet formula.
 */
let world: ProbeWorld;
let routes: ClassifiedRoute[];
let pagesRead = 0;
const FORMULA_START = ['=', '+', '-', '@', '\t', '\r'];

beforeAll(async () => {
  world = await buildProbeWorld();
  routes = classifyRoutes(world.routes);
  const { db } = world.ctx.database;
  const now = world.ctx.clock.now();
  for (const p of [world.A.patron, world.patrons.active.row])
    await db
      .update(patrons)
      .set({ firstName: XSS, lastName: XSS, cardNumber: XSS, newsletter: true })
      .where(eq(patrons.id, p.id));
  await db.update(libraries).set({ name: XSS, town: XSS }).where(eq(libraries.id, world.A.libraryId));
  await db.update(staff).set({ name: XSS });
  await db.update(network).set({ name: XSS });
  await db
    .update(resources)
    .set({ name: XSS, provider: XSS, description: XSS })
    .where(eq(resources.id, world.resource.id));
  await db
    .insert(responseTemplates)
    .values({ key: 'accept', subject: XSS, body: `Bonjour [prenom], ${XSS}`, updatedAt: now, updatedBy: XSS })
    .onConflictDoUpdate({
      target: responseTemplates.key,
      set: { subject: XSS, body: `Bonjour [prenom], ${XSS}` },
    });
  // Help pages written in Markdown: raw HTML, a javascript: link, an image with a handler.
  const markdown = `## ${XSS}\n\n### ${XSS}\n\n${XSS}\n\n[x](javascript:alert(1)) <img src=x onerror=alert(1)>`;
  for (const key of [
    'faq',
    'mode-d-emploi',
    'accessibilite',
    'donnees-personnelles',
    'faq-bibliotheques',
    'boite-a-idees',
  ]) {
    await db.insert(contentPages).values({ key, body: markdown, updatedAt: now, updatedBy: XSS });
    await db.insert(contentPageVersions).values({ key, body: markdown, createdAt: now, createdBy: XSS });
  }
  for (const id of [world.A.mailId, world.patrons.active.mailId])
    await db.update(outbox).set({ subject: XSS, text: XSS }).where(eq(outbox.id, id));
  // Messages to the library and to support: subject, every message, the names of their writers.
  const threadIds = [world.A.threadId, world.patrons.active.threadId];
  await db.update(messageThreads).set({ subject: XSS }).where(inArray(messageThreads.id, threadIds));
  await db
    .update(threadMessages)
    .set({ body: `${XSS}\nhttps://evil.example/`, authorLabel: XSS })
    .where(inArray(threadMessages.threadId, threadIds));
  for (const threadId of threadIds)
    await db
      .insert(threadMessages)
      .values({ threadId, authorKind: 'staff', authorLabel: XSS, body: XSS, createdAt: now });
  await db.insert(events).values({
    at: now,
    actorKind: 'staff',
    actorLabel: XSS,
    action: 'edited',
    subjectKind: 'patron',
    subjectId: world.A.patron.id,
    data: { message: XSS, reason: XSS },
  });
}, 300_000);
afterAll(async () => {
  console.log(`stored XSS: ${pagesRead} pages, e-mails and exports read`);
  await world?.ctx.close();
});

describe('stored XSS', () => {
  test('every page, as each actor sees it: the payloads are shown as text, never as markup', async () => {
    const failures: string[] = [];
    let shown = 0;
    const actors: ActorName[] = ['admin', 'staff:A', 'patron:active', 'visitor'];
    for (const route of routes.filter((r) => r.method === 'GET'))
      for (const actor of actors) {
        if (expectationFor(route.rule.access, 'GET', actor, 'A', true).refused) continue;
        const url = await fillUrl(world, route, actor, 'A');
        const res = await world.clients.get(actor)!.get(url);
        if (!String(res.headers['content-type'] ?? '').includes('text/html')) continue;
        pagesRead++;
        if (shownAsText(res.body)) shown++;
        const found = injected(res.body);
        if (found.length) failures.push(`${actor} GET ${url}: ${found.join(', ')}`);
      }
    expect(failures).toEqual([]);
    // The payloads did reach pages (escaped), so the check above had something to catch.
    expect(shown).toBeGreaterThan(15);
  }, 300_000);

  test('the e-mails written from poisoned names and templates carry no live markup', async () => {
    const pending = await addPatron(world.ctx, world.A.libraryId, { firstName: XSS, lastName: XSS });
    const staffA = world.clients.get('staff:A')!;
    const decided = await staffA.post('/admin/usagers/decisions', {
      ids: pending.id,
      decision: 'accepter',
      membre: 'oui',
      naissance: 'oui',
      modele: 'accept',
    });
    expect(decided.statusCode).toBe(303);
    // A reply to a message: its e-mail carries the staff's text and the thread's subject.
    const replied = await staffA.post(`/admin/messages/${world.A.threadId}/repondre`, { message: XSS });
    expect(replied.statusCode).toBe(303);
    const reset = await world.clients
      .get('visitor')!
      .post('/mot-de-passe-oublie', { login: world.patrons.active.row.identifier! });
    expect(reset.statusCode).toBeLessThan(500);
    const mails = await world.ctx.database.db.select().from(outbox);
    const written = mails.filter((m) => m.template !== 'probe');
    expect(written.some((m) => shownAsText(m.html))).toBe(true);
    const failures: string[] = [];
    for (const m of mails) {
      pagesRead++;
      const found = injected(m.html);
      if (found.length) failures.push(`outbox ${m.id} (${m.template}) html: ${found.join(', ')}`);
      const page = await world.clients.get('admin')!.get(`/admin/courriels/${m.id}`);
      pagesRead++;
      if (page.statusCode >= 500) failures.push(`/admin/courriels/${m.id}: ${page.statusCode}`);
      const onPage = injected(page.body);
      if (onPage.length) failures.push(`/admin/courriels/${m.id}: ${onPage.join(', ')}`);
    }
    expect(failures).toEqual([]);
  }, 300_000);

  test('CSV exports: every cell a spreadsheet would run as a formula is defused', async () => {
    let formulas = 0;
    for (const url of ['/admin/usagers/export.csv?etat=tous', '/admin/usagers/newsletter.csv']) {
      const res = await world.clients.get('admin')!.get(url);
      pagesRead++;
      expect(res.statusCode, url).toBe(200);
      const rows = parse(res.body, { delimiter: ';', bom: true, relax_column_count: true }) as string[][];
      for (const cell of rows.flat()) {
        expect(FORMULA_START.includes(cell.charAt(0)), `${url}: ${cell.slice(0, 50)}`).toBe(false);
        if (cell.startsWith("'=HYPERLINK")) formulas++;
      }
    }
    expect(formulas).toBeGreaterThan(0);
  }, 300_000);

  test('xlsx exports: the payload is a text cell, never a formula', async () => {
    let texts = 0;
    for (const url of ['/admin/usagers/export.xlsx?etat=tous', '/admin/usagers/newsletter.xlsx']) {
      const res = await world.clients.get('admin')!.get(url);
      pagesRead++;
      expect(res.statusCode, url).toBe(200);
      const book = new ExcelJS.Workbook();
      await book.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
      book.eachSheet((sheet) =>
        sheet.eachRow((row) =>
          row.eachCell((cell) => {
            expect(cell.type, `${url} ${cell.address}`).not.toBe(ExcelJS.ValueType.Formula);
            if (String(cell.value).includes('HYPERLINK')) texts++;
          }),
        ),
      );
    }
    expect(texts).toBeGreaterThan(0);
  }, 300_000);
});
