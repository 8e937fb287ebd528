import { describe, expect, it } from 'vitest';
import {
  checksum,
  formatMessage,
  isoDayOfSip,
  parseMessage,
  patronStatus,
  REQUEST_ACS_RESEND,
  REQUEST_SC_RESEND,
  SipParseError,
  sipDateOfIso,
  verifyChecksum,
} from '../../src/connectors/sip2/codec.js';

/** Koha's C4/SIP/Sip/Checksum.pm, transcribed: -unpack('%16C*', $pkt) & 0xFFFF, printed %04X. */
function kohaChecksum(packet: string): string {
  let sum = 0;
  for (const b of Buffer.from(packet, 'utf8')) sum = (sum + b) & 0xffff;
  return ((0x10000 - sum) & 0xffff).toString(16).toUpperCase().padStart(4, '0');
}

describe('SIP2 checksum', () => {
  it.each([
    ['97AZ', 'FEF5'], // Koha's REQUEST_ACS_RESEND_CKSUM
    ['96AZ', 'FEF6'], // Koha's REQUEST_SC_RESEND_CKSUM
  ])('%s → %s (constants of Koha)', (packet, sum) => {
    expect(checksum(packet)).toBe(sum);
    expect(verifyChecksum(`${packet}${sum}`)).toBe(true);
  });

  it.each([
    '9300CNfournisseur|COsecret|CPBIB|AY0AZ',
    '6300220261123    100000          AOSESAME|AAmartin.dupont|AY3AZ',
    '2300220261123    100000AOSESAME|AA0123456789|ADmot de passe|AY9AZ',
    '9900302.00AY1AZ',
    '64              00220261123    100000000000000000000000000000AOSESAME|AAx|AEÉlodie Durand|BLY|AY4AZ',
  ])('agrees with Koha’s algorithm on %s', (packet) => {
    expect(checksum(packet)).toBe(kohaChecksum(packet));
    expect(verifyChecksum(packet + kohaChecksum(packet))).toBe(true);
  });

  it('refuses a message whose checksum or body was changed', () => {
    const good = formatMessage(
      '93',
      '00',
      [
        ['CN', 'fournisseur'],
        ['CO', 'secret'],
      ],
      0,
    );
    expect(verifyChecksum(good)).toBe(true);
    expect(verifyChecksum(good.replace('secret', 'secreT'))).toBe(false);
    const other = good.endsWith('0') ? '1' : '0';
    expect(verifyChecksum(`${good.slice(0, -1)}${other}`)).toBe(false);
    expect(verifyChecksum('93')).toBe(false);
  });
});

describe('SIP2 messages', () => {
  it.each([
    {
      raw: '9300CNfournisseur|COsecret|CPBIB|',
      code: '93',
      fixed: '00',
      fields: [
        ['CN', 'fournisseur'],
        ['CO', 'secret'],
        ['CP', 'BIB'],
      ],
      sequence: null,
    },
    {
      raw: `9900302.00AY1AZ${kohaChecksum('9900302.00AY1AZ')}`,
      code: '99',
      fixed: '00302.00',
      fields: [],
      sequence: 1,
    },
    {
      raw: '6300220261123    100000          AOSESAME|AA0123456789|ADpin|BP1|BQ5|',
      code: '63',
      fixed: '00220261123    100000          ',
      fields: [
        ['AO', 'SESAME'],
        ['AA', '0123456789'],
        ['AD', 'pin'],
        ['BP', '1'],
        ['BQ', '5'],
      ],
      sequence: null,
    },
    {
      raw: '2300020261123    100000AOX|AAy|\r',
      code: '23',
      fixed: '00020261123    100000',
      fields: [
        ['AO', 'X'],
        ['AA', 'y'],
      ],
      sequence: null,
    },
    {
      raw: `941AY7AZ${kohaChecksum('941AY7AZ')}`,
      code: '94',
      fixed: '1',
      fields: [],
      sequence: 7,
    },
  ])('parses $code', ({ raw, code, fixed, fields, sequence }) => {
    const m = parseMessage(raw);
    expect(m.code).toBe(code);
    expect(m.fixed).toBe(fixed);
    expect(m.fields).toEqual(fields);
    expect(m.sequence).toBe(sequence);
  });

  it.each([
    ['no command', 'XX00CNa|'],
    ['fixed part too short', '6300220261123'],
    ['bad checksum', '9300CNa|COb|AY1AZ0000'],
    ['non-hex checksum', '9300CNa|COb|AY1AZZZZZ'],
    ['empty', ''],
  ])('refuses %s', (_, raw) => {
    expect(() => parseMessage(raw)).toThrow(SipParseError);
  });

  it('tells a checksum error from a malformed message', () => {
    try {
      parseMessage('9300CNa|COb|AY1AZ0000');
    } catch (e) {
      expect((e as SipParseError).reason).toBe('checksum');
    }
  });

  it('formats with sequence and checksum, and without', () => {
    expect(formatMessage('94', '1', [])).toBe('941');
    const withEd = formatMessage('94', '1', [], 3);
    expect(withEd).toBe(`941AY3AZ${kohaChecksum('941AY3AZ')}`);
    expect(
      formatMessage('64', 'x', [
        ['AE', 'a|b\rc'],
        ['AF', null],
      ]),
    ).toBe('64xAEa b c|');
  });

  it('round-trips what it formats', () => {
    const text = formatMessage(
      '24',
      `${patronStatus(['chargeDenied'])}00220261123    100000`,
      [
        ['AA', 'id'],
        ['BL', 'Y'],
      ],
      5,
    );
    const m = parseMessage(text);
    expect(m.code).toBe('24');
    expect(m.fixed.slice(0, 14)).toBe('Y             ');
    expect(m.fields).toEqual([
      ['AA', 'id'],
      ['BL', 'Y'],
    ]);
    expect(m.sequence).toBe(5);
  });

  it('has the constant resend messages of Koha', () => {
    expect(REQUEST_SC_RESEND).toBe('96AZFEF6');
    expect(REQUEST_ACS_RESEND).toBe('97AZFEF5');
    expect(parseMessage(REQUEST_ACS_RESEND).code).toBe('97');
  });
});

describe('SIP2 dates and flags', () => {
  it.each([
    ['20271231    000000', '2027-12-31'],
    ['20270228', '2027-02-28'],
    ['2027-02-28', '2027-02-28'],
    ['20270230', null],
    ['abc', null],
    ['', null],
  ])('reads %s as %s', (text, iso) => {
    expect(isoDayOfSip(text)).toBe(iso);
  });

  it('writes an end date as an 18-character SIP date', () => {
    expect(sipDateOfIso('2027-01-05')).toBe('20270105    000000');
  });

  it('sets the 14 status flags by position', () => {
    expect(patronStatus([])).toBe(' '.repeat(14));
    expect(patronStatus(['chargeDenied', 'holdDenied', 'tooManyBilled'])).toBe('Y  Y         Y');
  });
});
