/**
 * What sending one e-mail costs the server: CPU per message through Sésame's SMTP transport
 * (src/mail/transport.ts: the message written by buildMime, one kept-alive SMTPConnection),
 * against nodemailer's own pooled transport given the same message (what Sésame used until
 * December 2026), and against a bare SMTPConnection given a message already written (the floor:
 * the SMTP exchange alone). A registration's confirmation e-mail, to a real SMTP server
 * (smtp-server) in this process: its CPU is in every row alike.
 *
 *   npx tsx bench/mail.ts                      # 3 000 messages per row (BENCH_MESSAGES)
 *
 * Figures are printed, never asserted.
 */
import nodemailer from 'nodemailer';
import SMTPConnection from 'nodemailer/lib/smtp-connection/index.js';
import type { OutboxRow } from '../src/db/repositories/outbox.js';
import { buildMime, newMessageId } from '../src/mail/mime.js';
import { confirmRegistrationMail } from '../src/mail/registration-mails.js';
import { parseMailbox, smtpTransport } from '../src/mail/transport.js';
import { startCountingSmtpSink } from './lib/smtp-sink.js';

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 3000);
const FROM = '"Médiathèque numérique du Réseau des Lecteurs" <ne-pas-repondre@reseau.exemple.fr>';

const mail = confirmRegistrationMail({
  networkName: 'Réseau des Lecteurs',
  to: 'zoe.ndiaye-lefevre@exemple.fr',
  patron: { firstName: 'Zoé', lastName: 'N’Diaye-Lefèvre', identifier: 'zndiaye' },
  libraryName: 'Médiathèque Louise-Michel',
  url: 'https://sesame.exemple.fr/inscription/confirmer/AbCdEf0123456789AbCdEf0123456789AbCdEf012',
  deadline: new Date('2026-12-21T10:00:00Z'),
});
const row = {
  id: 1,
  toAddress: mail.to,
  subject: mail.subject,
  text: mail.text,
  html: mail.html,
  template: mail.template,
} as unknown as OutboxRow;

/** CPU (user + system) of this process per message, in ms, after a warm-up. */
async function measure(send: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < 200; i++) await send();
  const before = process.cpuUsage();
  for (let i = 0; i < MESSAGES; i++) await send();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000 / MESSAGES;
}

async function main(): Promise<void> {
  const sink = await startCountingSmtpSink();
  const rows: { way: string; ms: number }[] = [];

  const nodemailerPool = nodemailer.createTransport({
    url: sink.url,
    pool: true,
    maxConnections: 1,
    maxMessages: 100,
  });
  rows.push({
    way: 'nodemailer pool, its composer (before)',
    ms: await measure(() =>
      nodemailerPool.sendMail({
        from: FROM,
        to: row.toAddress,
        subject: row.subject,
        text: row.text,
        html: row.html,
        textEncoding: 'quoted-printable',
        headers: { 'X-Sesame-Template': row.template, 'Auto-Submitted': 'auto-generated' },
      }),
    ),
  });
  nodemailerPool.close();

  const transport = smtpTransport(sink.url, FROM);
  rows.push({
    way: 'Sésame transport (buildMime + SmtpClient)',
    ms: await measure(() => transport.send(row)),
  });
  transport.close();

  const sender = parseMailbox(FROM);
  const connection = new SMTPConnection({ host: '127.0.0.1', port: Number(new URL(sink.url).port) });
  await new Promise<void>((resolve, reject) => connection.connect((e) => (e ? reject(e) : resolve())));
  const written = buildMime({
    from: sender,
    to: row.toAddress,
    subject: row.subject,
    text: row.text,
    html: row.html,
    headers: { 'X-Sesame-Template': row.template, 'Auto-Submitted': 'auto-generated' },
    date: new Date(),
    messageId: newMessageId(sender),
  });
  rows.push({
    way: 'bare SMTPConnection, message already written (floor)',
    ms: await measure(
      () =>
        new Promise<void>((resolve, reject) =>
          connection.send({ from: sender.address, to: [row.toAddress] }, written, (e) =>
            e ? reject(e) : resolve(),
          ),
        ),
    ),
  });
  connection.quit();
  await sink.close();

  console.log(
    `\nSending one e-mail — Node ${process.version}, ${MESSAGES} messages per row, SMTP sink in this process\n`,
  );
  for (const r of rows) console.log(`${r.way.padEnd(55)} ${r.ms.toFixed(3)} ms CPU per e-mail`);
  console.log(`messages received by the sink: ${sink.received()}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
