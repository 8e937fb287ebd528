import {
  type CasAttributeValue,
  type CasValidation,
  looksLikeTicket,
} from '../../connectors/cas/protocol.js';
import { patronPseudonym } from '../../connectors/pseudonym.js';
import { type ConsumedTicket, consumeCasTicket } from '../../db/repositories/cas.js';
import { parisDay } from '../../domain/paris.js';
import { ageOn } from '../../domain/patron-lifecycle.js';
import { sha256 } from '../../security/tokens.js';
import type { Deps } from '../deps.js';

export interface ValidateInput {
  ticket: string | undefined;
  service: string | undefined;
  renew: boolean;
  /** A proxy callback was asked for: Sésame issues no proxy-granting tickets. */
  pgtUrl: boolean;
}

const fail = (code: Extract<CasValidation, { ok: false }>['code'], description: string): CasValidation => ({
  ok: false,
  code,
  description,
});

/**
 * /cas/serviceValidate and /cas/p3/serviceValidate (CAS 3.0 §2.5, §2.8): the ticket is taken
 * out of the table whatever the answer (single use), then must not have expired, must have been
 * issued for this exact service, and for `renew` from a password typed just before. The answer
 * names the patron by their pseudonym for this resource and carries the attributes the
 * administrator chose, read from the patron's record at this moment.
 */
export async function validateServiceTicket(deps: Deps, input: ValidateInput): Promise<CasValidation> {
  if (!input.ticket || !input.service)
    return fail('INVALID_REQUEST', 'Les paramètres « ticket » et « service » sont obligatoires.');
  if (input.ticket.startsWith('PT-'))
    return fail('INVALID_TICKET', 'Sésame ne délivre pas de tickets de proxy : ce ticket est inconnu.');
  if (!looksLikeTicket(input.ticket) || !input.ticket.startsWith('ST-'))
    return fail('INVALID_TICKET_SPEC', 'Ce ticket n’a pas la forme d’un ticket de service (ST-…).');
  const t = await consumeCasTicket(deps.db, sha256(input.ticket));
  if (!t) return fail('INVALID_TICKET', 'Ticket inconnu ou déjà utilisé.');
  const now = deps.clock.now();
  if (now.getTime() > t.expiresAt.getTime()) return fail('INVALID_TICKET', 'Ticket expiré.');
  if (t.service !== input.service)
    return fail('INVALID_SERVICE', 'Ce ticket a été délivré pour un autre service : il est annulé.');
  if (input.renew && !t.fromNewLogin)
    return fail('INVALID_TICKET', 'Ce ticket ne vient pas d’une saisie du mot de passe (renew).');
  if (input.pgtUrl)
    return fail(
      'INVALID_PROXY_CALLBACK',
      'Sésame ne délivre pas de tickets de proxy (pgtUrl non pris en charge).',
    );
  return {
    ok: true,
    user: patronPseudonym(t.pseudonymSecret, t.patronId),
    attributes: releasedAttributes(t, now),
  };
}

/** Age bands providers filter on (films at 12, 16 and 18). */
export function ageCategory(age: number): string {
  if (age < 12) return 'moins-de-12';
  if (age < 16) return '12-15';
  if (age < 18) return '16-17';
  return '18-et-plus';
}

function releasedAttributes(t: ConsumedTicket, now: Date): Record<string, CasAttributeValue> {
  const out: Record<string, CasAttributeValue> = {
    authenticationDate: t.createdAt.toISOString(),
    isFromNewLogin: String(t.fromNewLogin),
    longTermAuthenticationRequestTokenUsed: 'false',
  };
  const today = parisDay(now);
  for (const name of t.attributes) {
    switch (name) {
      case 'identifiant':
        if (t.identifier) out.identifiant = t.identifier;
        break;
      case 'nom':
        if (t.lastName) out.nom = t.lastName;
        break;
      case 'prenom':
        if (t.firstName) out.prenom = t.firstName;
        break;
      case 'courriel':
        if (t.email) out.courriel = t.email;
        break;
      case 'categorie_age':
        out.categorie_age = ageCategory(
          t.birthDate ? ageOn(t.birthDate, today) : today.year - t.birthYear - 1,
        );
        break;
      case 'bibliotheque':
        out.bibliotheque = t.libraryName;
        out.bibliotheque_code = t.libraryCode;
        break;
      case 'fin_abonnement':
        if (t.activeUntil) out.fin_abonnement = t.activeUntil;
        break;
    }
  }
  return out;
}
