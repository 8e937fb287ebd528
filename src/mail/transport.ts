import nodemailer from 'nodemailer';
import addressparser from 'nodemailer/lib/addressparser/index.js';
import type { OutboxRow } from '../db/repositories/outbox.js';
import { buildMime, isPlainMessage, type Mailbox } from './mime.js';

/** Where e-mails actually go. Tests give a transport of their own. */
export interface MailTransport {
  send(message: OutboxRow): Promise<void>;
  close(): void;
}

export interface SmtpTransportOptions {
  /** Close a pooled connection that has sent nothing for this long (the relay would drop it anyway). */
  idleMs?: number;
}

/** The sender's address and name, from `"Name" <address>` (parsed once, not per e-mail). */
export function parseMailbox(from: string): Mailbox {
  const [first] = addressparser(from, { flatten: true });
  return { address: first?.address ?? from, name: first?.name ?? '' };
}

export function smtpTransport(
  smtpUrl: string,
  from: string,
  options: SmtpTransportOptions = {},
): MailTransport {
  // One kept-alive connection, reused for up to 100 messages: a new SMTP session per e-mail (TCP,
  // greeting, EHLO, and TLS with smtps) cost the server more CPU than the e-mail itself and took
  // it from the password hashing of the requests being served.
  // Bounded waits (nodemailer waits up to 2 min to connect and 10 min on a silent socket): one
  // send must end well within the outbox's claim, which another sender takes over once lapsed.
  const transporter = nodemailer.createTransport({
    url: smtpUrl,
    pool: true,
    maxConnections: 1,
    maxMessages: 100,
    connectionTimeout: 15_000,
    greetingTimeout: 10_000,
    socketTimeout: options.idleMs ?? 30_000,
  });
  // A pooled connection that the relay closes while idle emits 'error' on the transporter; without
  // a listener that would end the process. The next send opens a new connection.
  transporter.on('error', () => {});
  const sender = parseMailbox(from);
  const headers = (m: OutboxRow) => ({ 'X-Sesame-Template': m.template, 'Auto-Submitted': 'auto-generated' });
  return {
    async send(m) {
      if (isPlainMessage(sender, m.toAddress)) {
        // The message is written here (see buildMime); nodemailer only carries it over SMTP.
        await transporter.sendMail({
          envelope: { from: sender.address, to: [m.toAddress] },
          raw: buildMime({
            from: sender,
            to: m.toAddress,
            subject: m.subject,
            text: m.text,
            html: m.html,
            headers: headers(m),
            date: new Date(),
          }),
        });
        return;
      }
      // An internationalised address: nodemailer's composer encodes it.
      await transporter.sendMail({
        from,
        to: m.toAddress,
        subject: m.subject,
        text: m.text,
        html: m.html,
        textEncoding: 'quoted-printable',
        headers: headers(m),
      });
    },
    close() {
      transporter.close();
    },
  };
}
