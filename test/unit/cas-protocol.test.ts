import { describe, expect, it } from 'vitest';
import {
  looksLikeTicket,
  newServiceTicket,
  normaliseServicePrefix,
  parseFormat,
  serviceMatches,
  serviceWithTicket,
  validationJson,
  validationXml,
} from '../../src/connectors/cas/protocol.js';

describe('CAS service tickets', () => {
  it('start with ST-, use only the characters of §3.7, and never repeat', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 1000; i++) {
      const t = newServiceTicket();
      expect(t).toMatch(/^ST-[A-Za-z0-9-]{43}$/);
      expect(looksLikeTicket(t)).toBe(true);
      seen.add(t);
    }
    expect(seen.size).toBe(1000);
  });

  it('are appended to the service URL before its fragment', () => {
    expect(serviceWithTicket('https://a.example/x', 'ST-1')).toBe('https://a.example/x?ticket=ST-1');
    expect(serviceWithTicket('https://a.example/x?y=1', 'ST-1')).toBe('https://a.example/x?y=1&ticket=ST-1');
    expect(serviceWithTicket('https://a.example/x?y=1#z', 'ST-1')).toBe(
      'https://a.example/x?y=1&ticket=ST-1#z',
    );
  });
});

describe('the service registry’s URL check', () => {
  it('normalises a prefix, refuses what could match another host', () => {
    expect(normaliseServicePrefix('https://fournisseur.example')).toBe('https://fournisseur.example/');
    expect(normaliseServicePrefix(' https://fournisseur.example/biblio/ ')).toBe(
      'https://fournisseur.example/biblio/',
    );
    expect(normaliseServicePrefix('http://fournisseur.example/')).toBeNull();
    expect(normaliseServicePrefix('http://127.0.0.1:8080/')).toBe('http://127.0.0.1:8080/');
    expect(normaliseServicePrefix('https://u:p@fournisseur.example/')).toBeNull();
    expect(normaliseServicePrefix('ftp://fournisseur.example/')).toBeNull();
    expect(normaliseServicePrefix('fournisseur.example')).toBeNull();
    expect(normaliseServicePrefix('https://fournisseur.example/#x')).toBeNull();
  });

  it.each([
    ['https://fournisseur.example/biblio/livres?id=3', true],
    ['https://fournisseur.example/biblio/', true],
    ['https://fournisseur.example/biblio', false],
    ['https://fournisseur.example/autre/', false],
    ['https://fournisseur.example.pirate.example/biblio/', false],
    ['https://fournisseur.example/biblio/../admin', false],
    ['https://fournisseur.example/biblio/%2e%2e/admin', false],
    ['https://fournisseur.example/biblio/\\@pirate.example', false],
    ['https://fournisseur.example/biblio/ x', false],
    ['https://fournisseur.example/biblio/é', false],
    ['HTTPS://FOURNISSEUR.EXAMPLE/biblio/', false],
  ])('%s matches https://fournisseur.example/biblio/: %s', (service, expected) => {
    expect(serviceMatches('https://fournisseur.example/biblio/', service)).toBe(expected);
  });
});

describe('validation answers', () => {
  it('XML per Appendix A, escaped; JSON per §2.5.2', () => {
    const ok = { ok: true as const, user: 'abc', attributes: { nom: 'A<&>"\'', groupes: ['x', 'y'] } };
    const xml = validationXml(ok);
    expect(xml).toContain('<cas:serviceResponse xmlns:cas="http://www.yale.edu/tp/cas">');
    expect(xml).toContain('<cas:nom>A&lt;&amp;&gt;&quot;&apos;</cas:nom>');
    expect(xml).toContain('<cas:groupes>x</cas:groupes>\n      <cas:groupes>y</cas:groupes>');
    expect(JSON.parse(validationJson(ok))).toEqual({
      serviceResponse: { authenticationSuccess: { user: 'abc', attributes: ok.attributes } },
    });
    const ko = { ok: false as const, code: 'INVALID_TICKET' as const, description: 'Ticket <expiré>' };
    expect(validationXml(ko)).toContain(
      '<cas:authenticationFailure code="INVALID_TICKET">Ticket &lt;expiré&gt;</cas:authenticationFailure>',
    );
    expect(JSON.parse(validationJson(ko)).serviceResponse.authenticationFailure.code).toBe('INVALID_TICKET');
  });

  it('format: absent is XML, JSON or XML in any case, anything else refused', () => {
    expect(parseFormat(undefined)).toBe('XML');
    expect(parseFormat('json')).toBe('JSON');
    expect(parseFormat('YAML')).toBeNull();
    expect(parseFormat(['JSON', 'XML'])).toBeNull();
  });
});
