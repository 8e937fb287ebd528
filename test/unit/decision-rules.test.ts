import { describe, expect, it } from 'vitest';
import {
  daysOverdue,
  decisionErrors,
  defaultTemplate,
  digestDayDue,
  messageErrors,
  overdueCutoff,
  parisTime,
  placeholderMessage,
  renewalEnd,
  situationOf,
  templatesFor,
} from '../../src/domain/decision-rules.js';
import { isOverdue } from '../../src/domain/patron-lifecycle.js';
import { DEFAULT_TEMPLATES, fillTemplate, quotaLines } from '../../src/domain/response-templates.js';
import { defaultSettings } from '../../src/domain/settings.js';
import { decisionMail } from '../../src/mail/decision-mails.js';

const numos = defaultSettings('numos');

describe('decision form rules', () => {
  const valid = {
    decision: 'accept' as const,
    checks: { membre: true, naissance: true },
    templateKey: 'accept',
    subject: 'Votre compte est actif',
    message: 'Bonjour Zoé,\n\nVotre compte est actif jusqu’au 22/11/2027.',
  };

  it('accepts a complete acceptance', () => {
    expect(decisionErrors(valid, 'registration')).toEqual({});
  });

  it('requires both checks to accept, not to refuse', () => {
    const errors = decisionErrors({ ...valid, checks: { membre: false, naissance: false } }, 'registration');
    expect(errors.membre).toContain(
      'adhérent actif de la bibliothèque (inscrit ou réinscrit depuis moins d’un an)',
    );
    expect(errors.naissance).toContain('date de naissance a été vérifiée (au moins l’année)');
    expect(
      decisionErrors(
        {
          ...valid,
          decision: 'refuse',
          templateKey: 'refuse_birth_date',
          checks: { membre: false, naissance: false },
        },
        'registration',
      ),
    ).toEqual({});
  });

  it('wants a decision, a template of the same kind and situation, and a message', () => {
    expect(decisionErrors({ ...valid, decision: undefined }, 'registration').decision).toBe(
      'Choisissez Accepter ou Refuser.',
    );
    expect(decisionErrors({ ...valid, templateKey: 'refuse_birth_date' }, 'registration').modele).toContain(
      'annonce un refus',
    );
    expect(decisionErrors({ ...valid, templateKey: 'accept' }, 'renewal').modele).toBe(
      'Choisissez un modèle de réponse dans la liste.',
    );
    expect(decisionErrors({ ...valid, templateKey: 'nimporte' }, 'registration').modele).toBeDefined();
    const empty = decisionErrors({ ...valid, subject: '  ', message: '\n' }, 'registration');
    expect(empty.objet).toBe('Indiquez l’objet du courriel.');
    expect(empty.message).toBe('Écrivez le message envoyé à l’usager.');
  });

  it('refuses unknown placeholders with the list of known ones', () => {
    const errors = decisionErrors(
      { ...valid, message: 'Bonjour [prénom] [nom_destinataire]' },
      'registration',
    );
    expect(errors.message).toBe(
      'Balise inconnue : [prénom]. Balises possibles : [prenom], [nom_destinataire], [actif-jusquau], [identifiant], [forfait], [lien-mot-de-passe], [lien-mode-emploi], [lien-contact], [lien-bibliotheques].',
    );
    expect(placeholderMessage(['[a]', '[b]'])).toMatch(/^Balises inconnues : \[a\], \[b\]\./);
    expect(messageErrors('Objet [reseau]', 'Texte [identifiant] [actif-jusquau]')).toEqual({});
    expect(messageErrors('Ligne 1\nLigne 2', 'Texte').objet).toBe('L’objet doit tenir sur une seule ligne.');
  });

  it('offers the templates of the situation', () => {
    expect(situationOf('pending')).toBe('registration');
    expect(situationOf('renewal_pending')).toBe('renewal');
    expect(situationOf('active')).toBeNull();
    // The seed's two reasons only: ① not an active member, ② wrong birth date.
    expect(templatesFor('registration', 'refuse')).toEqual(['refuse_not_member', 'refuse_birth_date']);
    expect(templatesFor('registration', 'refuse', 'staff')).toEqual([
      'refuse_not_member',
      'refuse_birth_date',
    ]);
    // One acceptance text per channel.
    expect(templatesFor('registration', 'accept', 'self')).toEqual(['accept']);
    expect(templatesFor('registration', 'accept', 'staff')).toEqual(['accept_library']);
    expect(defaultTemplate('registration', 'accept', 'staff')).toBe('accept_library');
    expect(defaultTemplate('renewal', 'accept')).toBe('renewal_accept');
    expect(defaultTemplate('renewal', 'refuse')).toBe('renewal_refuse');
  });
});

describe('seed wording and rules (issue 17)', () => {
  const values = {
    firstName: 'Zoé',
    lastName: 'Exemple',
    activeUntil: '22/11/2027',
    identifier: 'zoe57',
    networkName: 'NuMos',
    baseUrl: 'https://sesame.exemple.fr/',
  };

  it('fills the month’s quotas from the network’s current settings, never fixed figures', () => {
    const body = DEFAULT_TEMPLATES.accept.body;
    expect(body).toContain('[forfait]');
    expect(body).not.toMatch(/\b(4|7|15|31)\b/);
    const quotas = quotaLines({ quotaFilms: 5, quotaBooks: 8, quotaMagazines: 12, quotaNewspapers: 30 });
    const filled = fillTemplate(body, { ...values, quotas });
    expect(filled).toContain(
      'Votre forfait vous permet de consulter chaque mois les documents de votre choix parmi :',
    );
    expect(filled).toContain('- 5 documents de l’espace films ;');
    expect(filled).toContain('- 8 documents de l’espace livres ;');
    expect(filled).toContain('- 12 magazines et 30 quotidiens.');
    expect(quotaLines(numos)).toContain('- 4 documents de l’espace films ;');
  });

  it('turns "ce lien", "mode d’emploi", "ce formulaire" and the list of libraries into links', () => {
    const quotas = quotaLines(numos);
    const accept = fillTemplate(DEFAULT_TEMPLATES.accept.body, { ...values, quotas });
    const mail = decisionMail({
      networkName: 'NuMos',
      to: 'zoe@exemple.fr',
      subject: 'Actif',
      body: accept,
      template: 'decision_accept',
    });
    expect(mail.html).toContain(
      'utilisez <a href="https://sesame.exemple.fr/mot-de-passe-oublie" style="color:#000091">ce lien</a>',
    );
    expect(mail.html).toContain(
      'consultez le <a href="https://sesame.exemple.fr/aide/mode-d-emploi" style="color:#000091">mode d’emploi</a>',
    );
    expect(mail.text).toContain('utilisez ce lien (https://sesame.exemple.fr/mot-de-passe-oublie).');
    const refusal = fillTemplate(DEFAULT_TEMPLATES.refuse_not_member.body, { ...values, quotas });
    const refused = decisionMail({
      networkName: 'NuMos',
      to: 'zoe@exemple.fr',
      subject: 'Refus',
      body: refusal,
      template: 'decision_refuse_not_member',
    });
    expect(refused.html).toContain(
      'Pour toute autre difficulté, vous pouvez nous contacter par <a href="https://sesame.exemple.fr/aide/contact" style="color:#000091">ce formulaire</a>.',
    );
    expect(refused.html).toContain(
      '<a href="https://sesame.exemple.fr/bibliotheques" style="color:#000091">la liste des bibliothèques du réseau</a>',
    );
    // A link that is not http(s) stays text.
    const bad = decisionMail({
      networkName: 'N',
      to: 'a@exemple.fr',
      subject: 's',
      body: 'Bonjour,\n[clic](javascript:alert(1))',
      template: 't',
    });
    expect(bad.html).not.toContain('href="javascript');
  });

  it('speaks truly to each channel: chosen identifier and password only for online registration', () => {
    expect(DEFAULT_TEMPLATES.accept.body).toContain('l’identifiant que vous avez choisi');
    expect(DEFAULT_TEMPLATES.accept.body).toContain('celui que vous aviez défini dans le formulaire');
    const library = DEFAULT_TEMPLATES.accept_library.body;
    expect(library).not.toContain('que vous avez choisi');
    expect(library).not.toContain('défini dans le formulaire');
    expect(library).toContain('Votre bibliothèque vous a inscrit');
    expect(decisionErrors({ ...validAccept, templateKey: 'accept' }, 'registration', 'staff').modele).toBe(
      'Choisissez un modèle de réponse dans la liste.',
    );
    expect(
      decisionErrors({ ...validAccept, templateKey: 'accept_library' }, 'registration', 'staff'),
    ).toEqual({});
  });

  it('asks for a confirmation naming the seed’s rule before refusing a known member', () => {
    const refusal = {
      ...validAccept,
      decision: 'refuse' as const,
      templateKey: 'refuse_birth_date',
      checks: { membre: true, naissance: false },
    };
    expect(decisionErrors(refusal, 'registration').confirmer_refus).toContain(
      'ne peut en aucun cas refuser une inscription à partir du moment où le demandeur s’est précédemment inscrit à la bibliothèque',
    );
    expect(decisionErrors({ ...refusal, confirmRefusal: true }, 'registration')).toEqual({});
    expect(
      decisionErrors({ ...refusal, templateKey: 'refuse_other', confirmRefusal: true }, 'registration')
        .modele,
    ).toBe('Choisissez un modèle de réponse dans la liste.');
  });
});

const validAccept = {
  decision: 'accept' as const,
  checks: { membre: true, naissance: true },
  templateKey: 'accept',
  subject: 'Votre compte est actif',
  message: 'Bonjour Zoé,\n\nVotre compte est actif jusqu’au 22/11/2027.',
};

describe('renewal end date', () => {
  it('adds one period to the current end: renewing early loses nothing', () => {
    expect(renewalEnd('2026-12-07', new Date('2026-11-23T09:00:00Z'), numos)).toBe('2027-12-07');
  });
  it('starts again from the decision day when the subscription already ended', () => {
    expect(renewalEnd('2026-11-01', new Date('2026-11-23T09:00:00Z'), numos)).toBe('2027-11-22');
    expect(renewalEnd(null, new Date('2026-11-23T09:00:00Z'), numos)).toBe('2027-11-22');
  });
});

describe('escalation across the change to winter time (Europe/Paris, 25/10/2026)', () => {
  // Waiting since Thursday 22/10/2026 10:00 in Paris (summer time, 08:00 UTC).
  const since = new Date('2026-10-22T08:00:00Z');

  it('counts elapsed 24-hour periods: late at 09:00 Paris time on the 27th, not at 10:00', () => {
    const justBefore = new Date('2026-10-27T07:59:00Z'); // 08:59 in Paris (winter time)
    const at = new Date('2026-10-27T08:00:00Z'); // 09:00 in Paris
    expect(parisTime(at)).toBe('09:00');
    expect(since.getTime() <= overdueCutoff(justBefore, numos).getTime()).toBe(false);
    expect(since.getTime() <= overdueCutoff(at, numos).getTime()).toBe(true);
    // The same rule as the lists' "en retard" badge.
    expect(isOverdue(since, justBefore, numos)).toBe(false);
    expect(isOverdue(since, at, numos)).toBe(true);
    expect(daysOverdue(since, at, numos)).toBe(0);
    expect(daysOverdue(since, new Date('2026-10-29T08:00:00Z'), numos)).toBe(2);
  });

  it('sends the digest once per Paris day, from 07:00 Paris time', () => {
    expect(digestDayDue(new Date('2026-10-25T05:59:00Z'))).toBeNull(); // 06:59 winter time
    expect(digestDayDue(new Date('2026-10-25T06:00:00Z'))).toBe('2026-10-25'); // 07:00
    expect(digestDayDue(new Date('2026-10-24T05:00:00Z'))).toBe('2026-10-24'); // 07:00 summer time
    expect(digestDayDue(new Date('2026-10-25T22:59:00Z'))).toBe('2026-10-25'); // 23:59
    expect(digestDayDue(new Date('2026-10-25T23:00:00Z'))).toBeNull(); // 00:00 on the 26th
  });
});

describe('decision e-mail', () => {
  it('keeps each line as a paragraph, the first one as greeting', () => {
    const m = decisionMail({
      networkName: 'NuMos',
      to: 'zoe@exemple.fr',
      subject: 'Votre compte NuMos est actif',
      body: 'Bonjour Zoé N’Diaye-Lefèvre,\r\n\r\nPremière ligne.\n- un point ;\n- un autre <b>point</b>.',
      template: 'decision_accept',
    });
    expect(m.text.startsWith('Bonjour Zoé N’Diaye-Lefèvre,\n\nPremière ligne.\n\n- un point ;')).toBe(true);
    expect(m.html).toContain('<p style="margin:0 0 16px">- un point ;</p>');
    expect(m.html).toContain('&lt;b');
    expect(m.html).not.toContain('<b>point</b>');
  });
});
