import nodemailer from 'nodemailer';
import type { OutboxRow } from '../db/repositories/outbox.js';

/** Where e-mails actually go. Tests give a transport of their own. */
export interface MailTransport {
  send(message: OutboxRow): Promise<void>;
  close(): void;
}

export function smtpTransport(smtpUrl: string, from: string): MailTransport {
  // Bounded waits (nodemailer waits up to 2 min to connect and 10 min on a silent socket): one
  // send must end well within the outbox's claim, which another sender takes over once lapsed.
  const transporter = nodemailer.createTransport({
    url: smtpUrl,
    connectionTimeout: 15_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  });
  return {
    async send(m) {
      await transporter.sendMail({
        from,
        to: m.toAddress,
        subject: m.subject,
        text: m.text,
        html: m.html,
        headers: { 'X-Sesame-Template': m.template, 'Auto-Submitted': 'auto-generated' },
      });
    },
    close() {
      transporter.close();
    },
  };
}
