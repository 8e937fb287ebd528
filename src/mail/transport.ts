import nodemailer, { type Transporter } from 'nodemailer';
import addressparser from 'nodemailer/lib/addressparser/index.js';
import type { OutboxRow } from '../db/repositories/outbox.js';
import { buildMime, isPlainMessage, type Mailbox, newMessageId } from './mime.js';
import { SmtpClient } from './smtp-client.js';

/** Where e-mails actually go. Tests give a transport of their own. */
export interface MailTransport {
  send(message: OutboxRow): Promise<void>;
  close(): void;
}

export interface SmtpTransportOptions {
  /** Close a kept-alive session that has sent nothing for this long (the relay would drop it anyway). */
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
  // One kept-alive session, reused for up to 100 messages: a new SMTP session per e-mail (TCP,
  // greeting, EHLO, and TLS with smtps) cost the server more CPU than the e-mail itself and took
  // it from the password hashing of the requests being served.
  // Bounded waits (nodemailer waits up to 2 min to connect and 10 min on a silent socket): one
  // send must end well within the outbox's claim, which another sender takes over once lapsed.
  const timeouts = {
    maxMessages: 100,
    connectionTimeoutMs: 15_000,
    greetingTimeoutMs: 10_000,
    socketTimeoutMs: options.idleMs ?? 30_000,
  };
  const client = new SmtpClient({ url: smtpUrl, ...timeouts });
  // Internationalised addresses (rare) go through nodemailer's composer, opened when first needed.
  let composer: Transporter | null = null;
  const viaComposer = () => {
    if (!composer) {
      composer = nodemailer.createTransport({
        url: smtpUrl,
        pool: true,
        maxConnections: 1,
        maxMessages: timeouts.maxMessages,
        connectionTimeout: timeouts.connectionTimeoutMs,
        greetingTimeout: timeouts.greetingTimeoutMs,
        socketTimeout: timeouts.socketTimeoutMs,
      });
      // A pooled session that the relay closes while idle emits 'error' on the transporter;
      // without a listener that would end the process. The next send opens a new session.
      composer.on('error', () => {});
    }
    return composer;
  };
  const sender = parseMailbox(from);
  const headers = (m: OutboxRow) => ({ 'X-Sesame-Template': m.template, 'Auto-Submitted': 'auto-generated' });
  return {
    async send(m) {
      if (isPlainMessage(sender, m.toAddress)) {
        const message = buildMime({
          from: sender,
          to: m.toAddress,
          subject: m.subject,
          text: m.text,
          html: m.html,
          headers: headers(m),
          date: new Date(),
          messageId: newMessageId(sender),
        });
        await client.send({ from: sender.address, to: [m.toAddress] }, message);
        return;
      }
      await viaComposer().sendMail({
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
      client.close();
      composer?.close();
    },
  };
}
