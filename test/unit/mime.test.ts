import fc from 'fast-check';
import PostalMime from 'postal-mime';
import { describe, expect, it } from 'vitest';
import { withoutControlCharacters } from '../../src/domain/control-characters.js';
import { buildMime, isPlainMessage, newMessageId, type PlainMessage } from '../../src/mail/mime.js';

const from = { address: 'ne-pas-repondre@reseau.exemple.fr', name: 'Médiathèque numérique du Réseau' };

const message = (over: Partial<PlainMessage> = {}): PlainMessage => ({
  from,
  to: 'zoe.ndiaye@exemple.fr',
  subject: 'Confirmez votre adresse électronique – Médiathèque numérique',
  text: [
    'Bonjour Zoé,',
    '',
    'Vous avez demandé à vous inscrire à la médiathèque numérique. Cliquez sur ce lien pour confirmer votre adresse : https://sesame.exemple.fr/inscription/confirmer/AbCdEf0123456789AbCdEf0123456789AbCdEf012',
    '.',
    'Ligne finie par deux espaces  ',
    'À bientôt,',
    'L’équipe 📚',
  ].join('\n'),
  html: '<!doctype html><html><body><p>Bonjour Zoé,</p><p>Cliquez <a href="https://sesame.exemple.fr/x?a=1&amp;b=2">ici</a>.</p></body></html>',
  headers: { 'X-Sesame-Template': 'confirm_email', 'Auto-Submitted': 'auto-generated' },
  date: new Date('2026-12-07T18:27:26.000Z'),
  messageId: newMessageId(from),
  ...over,
});

/** Read back by an independent MIME parser (postal-mime), as a mail client would. */
const parse = (raw: string) => PostalMime.parse(raw);
/** A part as a client shows it: LF line ends; the parser keeps the line end before the boundary. */
const body = (part: string | undefined) => (part ?? '').replace(/\r\n/g, '\n').replace(/\n+$/, '');
const header = (email: Awaited<ReturnType<typeof parse>>, key: string) =>
  email.headers.find((h) => h.key === key)?.value;

describe('the MIME message of an e-mail', () => {
  it('reads back as written: sender, recipient, subject, both parts, headers, date', async () => {
    const email = await parse(buildMime(message({ messageId: 'abc-123@reseau.exemple.fr' })));
    expect(email.from).toEqual({ address: from.address, name: from.name });
    expect(email.to).toEqual([{ address: 'zoe.ndiaye@exemple.fr', name: '' }]);
    expect(email.subject).toBe(message().subject);
    expect(body(email.text)).toBe(message().text);
    expect(body(email.html)).toBe(message().html);
    expect(email.messageId).toBe('<abc-123@reseau.exemple.fr>');
    expect(new Date(email.date ?? '').toISOString()).toBe('2026-12-07T18:27:26.000Z');
    expect(header(email, 'x-sesame-template')).toBe('confirm_email');
    expect(header(email, 'auto-submitted')).toBe('auto-generated');
  });

  it('keeps every line within 78 characters and CRLF line ends, in 7-bit ASCII', () => {
    const raw = buildMime(message({ subject: `${'Très long objet '.repeat(12)}fin` }));
    const lines = raw.split('\r\n');
    expect(raw.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(78);
    expect(raw).toMatch(/^[\t\r\n\x20-\x7e]*$/);
  });

  it('cannot be given another header through a line break in the subject or a header value', async () => {
    const raw = buildMime(
      message({
        subject: 'Bonjour\r\nBcc: espion@exemple.fr',
        headers: { 'X-Sesame-Template': 'essai\nBcc: espion@exemple.fr' },
      }),
    );
    const email = await parse(raw);
    expect(email.headers.map((h) => h.key)).not.toContain('bcc');
    expect(email.subject).toBe('Bonjour Bcc: espion@exemple.fr');
  });

  it('is its text part alone when there is no HTML', async () => {
    const raw = buildMime(message({ html: null }));
    expect(raw).not.toContain('multipart');
    const email = await parse(raw);
    expect(body(email.text)).toBe(message().text);
    expect(email.html).toBeUndefined();
  });

  it('quotes a plain sender name and encodes one with accents', async () => {
    const plain = await parse(buildMime(message({ from: { ...from, name: 'Réseau, Ville' } })));
    expect(plain.from?.name).toBe('Réseau, Ville');
    const ascii = buildMime(message({ from: { ...from, name: 'Reseau, Ville' } }));
    expect(ascii).toContain('From: "Reseau, Ville" <ne-pas-repondre@reseau.exemple.fr>');
    // Encoded whole: a comma or parentheses after the accented word stay part of the name.
    for (const name of ['Médiathèques de Lyon, BML', 'Médiathèque (Paris)', 'Réseau : lecture; "jeunesse"']) {
      const email = await parse(buildMime(message({ from: { ...from, name } })));
      expect(email.from).toEqual({ address: from.address, name });
    }
    const bare = await parse(buildMime(message({ from: { ...from, name: '' } })));
    expect(bare.from?.address).toBe(from.address);
  });

  it('reads back any subject and body, whatever characters they hold', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: 'grapheme', maxLength: 120 }),
        fc.string({ unit: 'grapheme', minLength: 1, maxLength: 600 }),
        async (subject, text) => {
          // What a subject or a body can hold once typed: cleaned at input, line ends in the
          // text as LF.
          const clean = withoutControlCharacters;
          const cleanSubject = clean(subject)
            .replace(/[\r\n\t]/g, ' ')
            .trim()
            .replace(/ {2,}/g, ' ');
          const cleanText = clean(text).replace(/\r/g, '');
          const email = await parse(buildMime(message({ subject: cleanSubject, text: cleanText })));
          expect(email.subject ?? '').toBe(cleanSubject);
          expect(body(email.text)).toBe(body(cleanText));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('is written here only for ASCII addresses (an internationalised one goes to nodemailer)', () => {
    expect(isPlainMessage(from, 'zoe@exemple.fr')).toBe(true);
    expect(isPlainMessage(from, 'zoé@exemple.fr')).toBe(false);
    expect(isPlainMessage(from, 'zoe@médiathèque.fr')).toBe(false);
    expect(isPlainMessage({ ...from, address: 'contact@réseau.fr' }, 'zoe@exemple.fr')).toBe(false);
    expect(isPlainMessage(from, 'zoe @exemple.fr')).toBe(false);
  });
});
