import { randomUUID } from 'node:crypto';
import { encodeWord, foldLines, quoteString } from 'nodemailer/lib/mime-funcs/index.js';
import { encode as encodeQuotedPrintable, wrap as wrapQuotedPrintable } from 'nodemailer/lib/qp/index.js';

/** An address as the headers and the SMTP envelope need it: the address, and the name shown. */
export interface Mailbox {
  address: string;
  name: string;
}

export interface PlainMessage {
  from: Mailbox;
  to: string;
  subject: string;
  text: string;
  /** The HTML alternative; without one the message is its text part alone. */
  html: string | null;
  /** Extra headers, ASCII names and values (X-Sesame-Template, Auto-Submitted). */
  headers: Record<string, string>;
  date: Date;
  /** Without the angle brackets (see newMessageId). */
  messageId: string;
  /** The multipart boundary; random when absent. */
  boundary?: string;
}

const ASCII_ADDRESS = /^[\x21-\x7e]+@[\x21-\x7e]+$/;

/**
 * Whether `buildMime` writes this message as nodemailer's composer would: addresses in plain
 * ASCII (an internationalised address needs punycode or SMTPUTF8, which the composer handles).
 */
export function isPlainMessage(from: Mailbox, to: string): boolean {
  return ASCII_ADDRESS.test(from.address) && ASCII_ADDRESS.test(to);
}

/**
 * A header value as is when it is printable ASCII, else as RFC 2047 words, the whole value
 * (as nodemailer's composer does): encoding only the words that need it would leave the rest
 * bare, where a comma or a parenthesis in a sender's name is syntax, and some clients (Zimbra)
 * drop the space beside an encoded word. Text that looks like an encoded word is encoded too.
 */
function encoded(value: string): string {
  return /[^\x20-\x7e]/.test(value) || value.includes('=?') ? encodeWord(value, 'Q', 52) : value;
}

/** A header line, folded at 76 characters. */
function header(name: string, value: string): string {
  return foldLines(`${name}: ${encoded(oneLine(value))}`, 76);
}

/** No line break can reach a header: a subject typed with one stays one line. */
function oneLine(value: string): string {
  return value.replace(/[\r\n]+/g, ' ');
}

function mailboxHeader(name: string, mailbox: Mailbox): string {
  const shown = oneLine(mailbox.name).trim();
  if (!shown) return `${name}: ${mailbox.address}`;
  const word = encoded(shown);
  // A plain name is quoted (a comma or a dot in it is then a name, not syntax).
  const phrase = word === shown ? quoteString(shown) : word;
  return foldLines(`${name}: ${phrase} <${mailbox.address}>`, 76);
}

/** A body part in quoted-printable, CRLF line ends, soft-wrapped at 76 characters. */
function quotedPrintable(body: string): string {
  return wrapQuotedPrintable(encodeQuotedPrintable(body.replace(/\r?\n/g, '\r\n')), 76);
}

function part(type: string, body: string): string {
  return [
    `Content-Type: ${type}; charset=utf-8`,
    'Content-Transfer-Encoding: quoted-printable',
    '',
    quotedPrintable(body),
  ].join('\r\n');
}

/** A unique Message-ID (without angle brackets) at the sender's domain. */
export function newMessageId(from: Mailbox): string {
  return `${randomUUID()}@${from.address.slice(from.address.lastIndexOf('@') + 1)}`;
}

/** RFC 5322 date, as nodemailer writes it ("Mon, 07 Dec 2026 18:27:26 +0000"). */
function rfc5322Date(date: Date): string {
  return date.toUTCString().replace(/GMT$/, '+0000');
}

/**
 * The whole RFC 5322 message of an e-mail Sésame sends: a text part and its HTML alternative,
 * both UTF-8 in quoted-printable, which suits French prose. It is what nodemailer's composer
 * writes for the same message, written directly: the composer builds a tree of nodes and streams
 * each part through encoders, and that took a quarter of the server's JavaScript per
 * registration. The headers and bodies still go through nodemailer's own encoders.
 */
export function buildMime(message: PlainMessage): string {
  const lines = [
    ...Object.entries(message.headers).map(([name, value]) => header(name, value)),
    mailboxHeader('From', message.from),
    `To: ${message.to}`,
    header('Subject', message.subject),
    `Message-ID: <${message.messageId}>`,
    `Date: ${rfc5322Date(message.date)}`,
    'MIME-Version: 1.0',
  ];
  if (!message.html) return `${[...lines, part('text/plain', message.text)].join('\r\n')}\r\n`;
  // randomUUID draws from a cache of random bytes; randomBytes asks OpenSSL each time, which
  // took as long as writing the rest of the message.
  const boundary = message.boundary ?? `--_Sesame-${randomUUID()}`;
  return `${[
    ...lines,
    'Content-Type: multipart/alternative;',
    ` boundary="${boundary}"`,
    '',
    `--${boundary}`,
    part('text/plain', message.text),
    `--${boundary}`,
    part('text/html', message.html),
    `--${boundary}--`,
  ].join('\r\n')}\r\n`;
}
