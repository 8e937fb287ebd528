import nodemailer from 'nodemailer';
import type { OutboxRow } from '../db/repositories/outbox.js';

/** Where e-mails actually go. Tests give a transport of their own. */
export interface MailTransport {
  send(message: OutboxRow): Promise<void>;
  close(): void;
}

export interface SmtpTransportOptions {
  /** Close a pooled connection that has sent nothing for this long (the relay would drop it anyway). */
  idleMs?: number;
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
  return {
    async send(m) {
      await transporter.sendMail({
        from,
        to: m.toAddress,
        subject: m.subject,
        text: m.text,
        html: m.html,
        // French prose is mostly ASCII: quoted-printable keeps it readable and small. Said rather
        // than left to nodemailer, which otherwise scans each part to choose (a third of the CPU
        // of building an e-mail).
        textEncoding: 'quoted-printable',
        headers: { 'X-Sesame-Template': m.template, 'Auto-Submitted': 'auto-generated' },
      });
    },
    close() {
      transporter.close();
    },
  };
}
