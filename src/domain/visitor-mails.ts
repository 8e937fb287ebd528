import { HOUR } from './clock.js';

/**
 * The e-mails anyone can have sent to an address by filling a public form with it: the
 * registration's confirmation and its "you already have an account" answers, and the
 * forgotten-password link. Past the network's hourly cap per address (visitorMailsPerHour) the
 * form answers the same but nothing more is sent, so the forms cannot flood someone's mailbox.
 */
export const VISITOR_MAIL_TEMPLATES = [
  'confirm_registration',
  'already_registered',
  'already_registered_unconfirmed',
  'reset_password',
] as const;

export const VISITOR_MAIL_WINDOW_MS = HOUR;
