import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { claimDueMail, enqueueMail, findMail, type OutboxRow } from '../../src/db/repositories/outbox.js';
import { outbox } from '../../src/db/schema.js';

const SECOND = 1000;

import { CLAIM_MS, sendDueMail } from '../../src/mail/sender.js';
import type { MailTransport } from '../../src/mail/transport.js';
import { createTestApp, type TestContext } from '../helpers/app.js';

/**
 * The outbox's claims (issue 14): short, renewed while a batch is being sent, and given back at
 * once when the run has to stop, so no e-mail waits for a claim to lapse needlessly.
 */

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestApp();
});
afterAll(() => ctx.close());
beforeEach(async () => {
  await ctx.database.db.delete(outbox);
});

const mail = (n: number) => ({
  to: `lecteur${n}@exemple.fr`,
  subject: `Essai ${n}`,
  text: 't',
  html: '<p>t</p>',
  template: 'essai',
});

async function enqueue(count: number): Promise<number[]> {
  const ids: number[] = [];
  for (let i = 1; i <= count; i++) ids.push(await enqueueMail(ctx.database.db, mail(i), ctx.clock.now()));
  return ids;
}

describe('outbox claims', () => {
  it('renews the claim of the e-mails still to send, so a slow relay never lets another sender take them', async () => {
    const ids = await enqueue(4);
    const taken: number[][] = [];
    const transport: MailTransport = {
      async send() {
        // Each e-mail takes 25 s at the relay; meanwhile another sender looks for due mail.
        ctx.clock.advance(25 * SECOND);
        taken.push((await claimDueMail(ctx.database.db, ctx.clock.now(), 10, CLAIM_MS)).map((m) => m.id));
      },
      close() {},
    };
    expect(await sendDueMail({ db: ctx.database.db, clock: ctx.clock }, transport)).toEqual({
      sent: 4,
      retried: 0,
      failed: 0,
    });
    // 100 s went by, longer than one claim: without renewal the last e-mails would have been taken.
    expect(taken).toEqual([[], [], [], []]);
    for (const id of ids) expect((await findMail(ctx.database.db, id))?.status).toBe('sent');
  });

  it('gives back at once the e-mails it had not sent when its run must stop, without counting an attempt', async () => {
    const ids = await enqueue(5);
    const stop = new AbortController();
    const sent: number[] = [];
    const transport: MailTransport = {
      async send(m: OutboxRow) {
        sent.push(m.id);
        // The sweep's lock is lost while the second e-mail is at the relay.
        if (sent.length === 2) stop.abort(new Error('lock lost'));
      },
      close() {},
    };
    await expect(
      sendDueMail({ db: ctx.database.db, clock: ctx.clock }, transport, 50, stop.signal),
    ).rejects.toThrow('lock lost');
    const rows = await Promise.all(ids.map((id) => findMail(ctx.database.db, id)));
    expect(rows.map((r) => r?.status)).toEqual(['sent', 'sent', 'pending', 'pending', 'pending']);
    expect(rows.slice(2).every((r) => r?.attempts === 0 && r.claimedUntil === null)).toBe(true);
    // Not a minute later: right away, another run takes them.
    const next = await claimDueMail(ctx.database.db, ctx.clock.now(), 10, CLAIM_MS);
    expect(next.map((m) => m.id)).toEqual(ids.slice(2));
  });
});
