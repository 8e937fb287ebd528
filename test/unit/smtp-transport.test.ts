import PostalMime from 'postal-mime';
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

  it('delivers the message a client reads: sender, subject, both parts, the template header', async () => {
    sink = await startSmtpSink();
    const transport = smtpTransport(sink.url, '"Médiathèque du Réseau" <ne-pas-repondre@exemple.fr>');
    const row = {
      ...mail(7),
      subject: 'Votre inscription à la médiathèque numérique',
      text: 'Bonjour Zoé,\n.\nÀ bientôt.',
      html: '<p>Bonjour Zoé,</p>',
      template: 'registration_received',
    } as OutboxRow;
    await transport.send(row);
    // An internationalised domain: nodemailer's own composer writes that one.
    await transport.send({ ...row, toAddress: 'usager@médiathèque.exemple.fr' } as OutboxRow);
    transport.close();
    expect(sink.recipients).toEqual(['usager7@exemple.fr', 'usager@médiathèque.exemple.fr']);
    for (const raw of sink.messages) {
      const email = await PostalMime.parse(raw);
      expect(email.from).toEqual({ address: 'ne-pas-repondre@exemple.fr', name: 'Médiathèque du Réseau' });
      expect(email.subject).toBe(row.subject);
      expect(email.text?.replace(/\r\n/g, '\n').replace(/\n+$/, '')).toBe(row.text);
      expect(email.html?.replace(/\r?\n+$/, '')).toBe(row.html);
      expect(email.headers.find((h) => h.key === 'x-sesame-template')?.value).toBe('registration_received');
    }
  });
});
