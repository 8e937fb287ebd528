/**
 * SIP2 (3M Standard Interchange Protocol 2.00) messages: a pure codec, no I/O.
 *
 * A message is a two-digit command, fixed-length fields whose layout depends on the command,
 * then variable fields `XXvalue|` (two-letter id, value, pipe), optionally ended by the error
 * detection fields `AY<digit>AZ<4 hex>`, and a carriage return on the wire. The checksum is the
 * two's complement of the 16-bit sum of the bytes before its four hex digits (`AZ` included),
 * as in the specification and Koha's C4/SIP/Sip/Checksum.pm.
 */

/** Length of the fixed part of each message this codec reads, by command. */
export const FIXED_LENGTHS: Readonly<Record<string, number>> = {
  // requests (self-check → ACS)
  '93': 2, // UID algorithm 1, PWD algorithm 1
  '99': 8, // status code 1, max print width 3, protocol version 4
  '63': 31, // language 3, transaction date 18, summary 10
  '23': 21, // language 3, transaction date 18
  '97': 0,
  '96': 0,
  // responses (ACS → self-check)
  '94': 1, // ok
  '98': 34, // 6 flags, timeout 3, retries 3, date 18, protocol version 4
  '64': 59, // patron status 14, language 3, date 18, six counts of 4
  '24': 35, // patron status 14, language 3, date 18
};

export interface SipMessage {
  /** Two-digit command, e.g. "63". */
  code: string;
  /** The fixed-length part, as received. */
  fixed: string;
  /** Variable fields in order; a field may repeat (AF screen messages). */
  fields: Array<[id: string, value: string]>;
  /** AY sequence number (0–9) when the sender used error detection. */
  sequence: number | null;
  /** Whether the message carried an AZ checksum (then it was right, or parsing failed). */
  checksummed: boolean;
}

export class SipParseError extends Error {
  constructor(
    readonly reason: 'checksum' | 'malformed',
    message: string,
  ) {
    super(message);
    this.name = 'SipParseError';
  }
}

/** The 16-bit two's complement of the byte sum of `text` (UTF-8 bytes: ASCII for most messages). */
export function checksum(text: string): string {
  let sum = 0;
  for (const byte of Buffer.from(text, 'utf8')) sum += byte;
  return ((-sum & 0xffff) >>> 0).toString(16).toUpperCase().padStart(4, '0');
}

/** A message ends with a correct `AZxxxx` (xxxx being hexadecimal). */
export function verifyChecksum(message: string): boolean {
  const m = /AZ([0-9A-Fa-f]{4})$/.exec(message);
  if (!m) return false;
  return checksum(message.slice(0, -4)) === m[1]!.toUpperCase();
}

/** A value in a variable field cannot hold the delimiter nor line ends. */
export function cleanValue(value: string): string {
  return value.replace(/[|\r\n]/g, ' ');
}

/**
 * Builds a message (without the carriage return). With a sequence number, appends AY and the
 * AZ checksum, as a server must answer a request that carried them.
 */
export function formatMessage(
  code: string,
  fixed: string,
  fields: ReadonlyArray<readonly [string, string | null | undefined]>,
  sequence: number | null = null,
): string {
  let text = code + fixed;
  for (const [id, value] of fields)
    if (value !== null && value !== undefined) text += `${id}${cleanValue(value)}|`;
  if (sequence !== null) {
    text += `AY${sequence % 10}AZ`;
    text += checksum(text);
  }
  return text;
}

/**
 * Reads one message (without its line end). A message with a checksum that does not add up
 * throws SipParseError('checksum'): the receiver asks for it again (96 or 97).
 */
export function parseMessage(raw: string): SipMessage {
  const text = raw.replace(/[\r\n]+$/, '');
  if (!/^\d\d/.test(text)) throw new SipParseError('malformed', 'no command');
  const code = text.slice(0, 2);
  let body = text;
  let sequence: number | null = null;
  let checksummed = false;
  // Error detection: `AY<digit>AZxxxx` at the end, or `AZxxxx` alone after the last field.
  const withSequence = /AY(\d)AZ.{4}$/.exec(text);
  const alone = withSequence ? null : /(?:^\d\d.*\||^\d\d)AZ.{4}$/.test(text) ? /AZ.{4}$/.exec(text) : null;
  const ed = withSequence ?? alone;
  if (ed) {
    checksummed = true;
    if (!verifyChecksum(text)) throw new SipParseError('checksum', 'checksum mismatch');
    if (withSequence) sequence = Number(withSequence[1]);
    body = text.slice(0, text.length - ed[0].length);
  }
  const fixedLength = FIXED_LENGTHS[code] ?? 0;
  if (body.length < 2 + fixedLength) throw new SipParseError('malformed', 'fixed fields too short');
  const fixed = body.slice(2, 2 + fixedLength);
  const fields: Array<[string, string]> = [];
  for (const part of body.slice(2 + fixedLength).split('|')) {
    if (part === '') continue;
    if (part.length < 2) throw new SipParseError('malformed', 'field without id');
    fields.push([part.slice(0, 2), part.slice(2)]);
  }
  return { code, fixed, fields, sequence, checksummed };
}

/** The first value of a field, or undefined. */
export function field(message: SipMessage, id: string): string | undefined {
  return message.fields.find(([f]) => f === id)?.[1];
}

/** Every value of a repeatable field (AF, AG). */
export function fieldValues(message: SipMessage, id: string): string[] {
  return message.fields.filter(([f]) => f === id).map(([, v]) => v);
}

/** SIP date and time, 18 characters: YYYYMMDD, four spaces (local zone), HHMMSS; wall time given. */
export function sipDateTime(parts: {
  year: number;
  month: number;
  day: number;
  hour?: number;
  minute?: number;
  second?: number;
}): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(parts.year, 4)}${p(parts.month)}${p(parts.day)}    ${p(parts.hour ?? 0)}${p(parts.minute ?? 0)}${p(parts.second ?? 0)}`;
}

/** A calendar day AAAA-MM-JJ as a SIP date (midnight). */
export function sipDateOfIso(isoDay: string): string {
  const [y, m, d] = isoDay.split('-').map(Number);
  return sipDateTime({ year: y!, month: m!, day: d! });
}

/**
 * A date an ILS sends (SIP 18-character date, YYYYMMDD, or AAAA-MM-JJ) as AAAA-MM-JJ; null
 * when it is not one.
 */
export function isoDayOfSip(value: string | undefined): string | null {
  if (!value) return null;
  const m = /^(\d{4})-?(\d{2})-?(\d{2})/.exec(value.trim());
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || y < 1900) return null;
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCMonth() !== mo - 1) return null;
  return `${m[1]}-${m[2]}-${m[3]}`;
}

/** Positions of the 14 patron status flags (64 and 24), per the specification. */
export const PATRON_STATUS = {
  chargeDenied: 0,
  renewalDenied: 1,
  recallDenied: 2,
  holdDenied: 3,
  cardLost: 4,
  tooManyCharged: 5,
  tooManyOverdue: 6,
  tooManyRenewals: 7,
  tooManyClaims: 8,
  tooManyLost: 9,
  excessiveFines: 10,
  excessiveFees: 11,
  recallOverdue: 12,
  tooManyBilled: 13,
} as const;

/** The 14-character patron status: 'Y' where a flag is set, a space elsewhere. */
export function patronStatus(flags: ReadonlyArray<keyof typeof PATRON_STATUS>): string {
  const chars = Array.from({ length: 14 }, () => ' ');
  for (const f of flags) chars[PATRON_STATUS[f]] = 'Y';
  return chars.join('');
}

/** The request ACS resend / SC resend messages with their fixed checksums. */
export const REQUEST_SC_RESEND = '96AZFEF6';
export const REQUEST_ACS_RESEND = '97AZFEF5';
