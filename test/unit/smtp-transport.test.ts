import { afterEach, describe, expect, it } from 'vitest';
import type { OutboxRow } from '../../src/db/repositories/outbox.js';
import { smtpTransport } from '../../src/mail/transport.js';
import { type SmtpSink, startSmtpSink } from '../helpers/smtp-sink.js';

const mail = (n: number) =>
  ({
    id: `m${n}`,
    toAddress: `usager${n}@exemple.fr`,
    subject: `Essai ${n}`,
    text: 'Bonjour',
    html: null,
    template: 'essai',
  }) as unknown as OutboxRow;

let sink: SmtpSink | undefined;
afterEach(async () => {
  await sink?.close();
  sink = undefined;
});

describe('SMTP transport', () => {
  it('sends many e-mails over one kept-alive SMTP session', async () => {
    sink = await startSmtpSink();
    const transport = smtpTransport(sink.url, '"Réseau" <ne-pas-repondre@exemple.fr>');
    for (let n = 0; n < 5; n++) await transport.send(mail(n));
    transport.close();
    expect(sink.recipients).toEqual([0, 1, 2, 3, 4].map((n) => `usager${n}@exemple.fr`));
    expect(sink.connections()).toBe(1);
  });

  it('opens a new session after the relay dropped the idle one, without an unhandled error', async () => {
    sink = await startSmtpSink({ idleMs: 200 });
    const transport = smtpTransport(sink.url, '"Réseau" <ne-pas-repondre@exemple.fr>');
    await transport.send(mail(1));
    await new Promise((resolve) => setTimeout(resolve, 600));
    await transport.send(mail(2));
    transport.close();
    expect(sink.recipients).toEqual(['usager1@exemple.fr', 'usager2@exemple.fr']);
    expect(sink.connections()).toBe(2);
  });
});
