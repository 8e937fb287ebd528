import nodemailer from 'nodemailer';
import type { OutboxRow } from '../db/repositories/outbox.js';

/** Where e-mails actually go. Tests give a transport of their own. */
export interface MailTransport {
  send(message: OutboxRow): Promise<void>;
  close(): void;
}

export function smtpTransport(smtpUrl: string, from: string): MailTransport {
  const transporter = nodemailer.createTransport(smtpUrl);
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
