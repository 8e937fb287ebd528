import { DomainError } from './errors.js';
import { isoDate, parisDay } from './paris.js';
import { frenchFirstOf, monthLabel, nextPeriodStart, parisMidnight, parisMonthKey } from './paris-month.js';
import { ageOn, frenchDay, type PatronState, temporaryAccountEnd } from './patron-lifecycle.js';
import {
  AUDIENCE_MIN_AGE,
  type Audience,
  CATEGORY_NOUNS,
  type CapPeriod,
  type QuotaCategory,
  RESOURCE_KINDS,
  type ResourceKind,
} from './resources.js';
import type { NetworkSettings } from './settings.js';

/**
 * Who may open what (SPEC §3): the patron's standing decides the kinds of content, the birth
 * date the audience, the library the subscription, staff the per-patron withdrawals. Pure: the
 * caller gives "now" and the settings.
 */

type Day = { year: number; month: number; day: number };

export type Viewer =
  | { kind: 'anonymous' }
  | {
      kind: 'patron';
      state: PatronState;
      birthDate: string | null;
      birthYear: number;
      activeUntil: string | null;
      pendingSince: Date | null;
      registeredAt: Date;
    };

/**
 * The patron's situation as far as resources go. Dates win over a state a sweep has not moved
 * yet: an active account past its end date is treated as expired the very next day.
 */
export type Standing =
  | 'anonymous'
  | 'temporary'
  | 'temporary_ended'
  | 'member'
  | 'expired'
  | 'refused'
  | 'closed';

export function standingOf(viewer: Viewer, now: Date, settings: NetworkSettings): Standing {
  if (viewer.kind === 'anonymous') return 'anonymous';
  const today = isoDate(parisDay(now));
  switch (viewer.state) {
    case 'pending':
      return temporaryAccountEnd(viewer.pendingSince ?? viewer.registeredAt, settings) < today
        ? 'temporary_ended'
        : 'temporary';
    case 'active':
    case 'renewal_pending':
      return viewer.activeUntil && viewer.activeUntil < today ? 'expired' : 'member';
    case 'expired':
      return 'expired';
    case 'refused':
      return 'refused';
    default:
      return 'closed';
  }
}

/** The rights table: which kinds of content each standing opens. */
export const KINDS_BY_STANDING: Record<Standing, readonly ResourceKind[]> = {
  anonymous: ['open'],
  temporary: ['open', 'unlimited'],
  temporary_ended: ['open'],
  member: RESOURCE_KINDS,
  expired: ['open'],
  refused: ['open'],
  closed: ['open'],
};

export function kindAllowed(standing: Standing, kind: ResourceKind): boolean {
  return KINDS_BY_STANDING[standing].includes(kind);
}

/** Age in whole years on a Paris day; an anonymised record only keeps the year (lower bound). */
export function viewerAge(viewer: Viewer, today: Day): number | null {
  if (viewer.kind === 'anonymous') return null;
  if (viewer.birthDate) return ageOn(viewer.birthDate, today);
  return today.year - viewer.birthYear - 1;
}

/** Below the network's under-12 age (a setting), a patron lands on the under-12 space. */
export function isUnderTwelve(age: number | null, settings: NetworkSettings): boolean {
  return age !== null && age < settings.underTwelveAge;
}

export function audienceAllows(audience: Audience, age: number | null): boolean {
  if (audience === 'all') return true;
  return age !== null && age >= AUDIENCE_MIN_AGE[audience];
}

export type RefusalCode =
  | 'resource_unknown'
  | 'document_unknown'
  | 'document_invalid'
  | 'login_required'
  | 'temporary_account'
  | 'temporary_ended'
  | 'subscription_expired'
  | 'registration_refused'
  | 'account_closed'
  | 'age_restricted'
  | 'age_unknown'
  | 'not_subscribed'
  | 'right_withdrawn'
  | 'quota_reached'
  | 'cap_reached';

/**
 * A refusal to open a resource, with its French reason. Statuses: 404 unknown resource or
 * document, 400 malformed document id, 403 rights (state, age, library, withdrawal), 429 a
 * usage limit reached (monthly quota, network cap) with the instant it lifts.
 */
export class ResourceRefusal extends DomainError {
  constructor(
    override readonly code: RefusalCode,
    message: string,
    status: 400 | 403 | 404 | 429,
    readonly retryAt?: Date,
  ) {
    super(code, message, status);
    this.name = 'ResourceRefusal';
  }
}

export const unknownResource = () =>
  new ResourceRefusal('resource_unknown', 'Cette ressource n’existe pas ou n’est plus proposée.', 404);

export const unknownDocument = () =>
  new ResourceRefusal('document_unknown', 'Ce document n’existe pas dans cette ressource.', 404);

export const invalidDocument = () =>
  new ResourceRefusal(
    'document_invalid',
    'L’identifiant du document est incorrect : revenez au catalogue et choisissez un document.',
    400,
  );

export function audienceMessage(audience: Audience): string {
  return `Contenu réservé aux ${AUDIENCE_MIN_AGE[audience]} ans et plus`;
}

function standingRefusal(
  standing: Standing,
  kind: ResourceKind,
  viewer: Viewer,
  settings: NetworkSettings,
): ResourceRefusal {
  switch (standing) {
    case 'anonymous':
      return new ResourceRefusal(
        'login_required',
        'Cette ressource est réservée aux usagers inscrits : connectez-vous, ou inscrivez-vous auprès de votre bibliothèque.',
        403,
      );
    case 'temporary':
      return new ResourceRefusal(
        'temporary_account',
        'Compte temporaire : les contenus au Forfait seront consultables dès que votre bibliothèque aura validé votre inscription.',
        403,
      );
    case 'temporary_ended':
      return new ResourceRefusal(
        'temporary_ended',
        `Votre compte temporaire a pris fin : ${kind === 'quota' ? 'les contenus au Forfait' : 'les contenus en Accès libre'} seront de nouveau consultables quand votre bibliothèque aura validé votre inscription.`,
        403,
      );
    case 'expired': {
      const end = viewer.kind === 'patron' && viewer.activeUntil ? frenchDay(viewer.activeUntil) : null;
      return new ResourceRefusal(
        'subscription_expired',
        settings.onlineRenewal
          ? `Abonnement expiré${end ? ` le ${end}` : ''} : demandez son renouvellement depuis « Mon compte » pour consulter de nouveau cette ressource.`
          : `Abonnement expiré${end ? ` le ${end}` : ''} : rendez-vous à votre bibliothèque pour vous réinscrire ; elle renouvellera vos droits et vous pourrez consulter de nouveau cette ressource.`,
        403,
      );
    }
    case 'refused':
      return new ResourceRefusal(
        'registration_refused',
        'Votre demande d’inscription a été refusée : seules les ressources libres restent consultables. Vous pouvez faire une nouvelle demande.',
        403,
      );
    default:
      return new ResourceRefusal(
        'account_closed',
        'Votre compte ne donne pas accès à cette ressource : seules les ressources libres sont consultables.',
        403,
      );
  }
}

export interface AccessQuestion {
  viewer: Viewer;
  resource: { kind: ResourceKind; audience: Audience };
  /** The patron's library subscribes to the resource (ignored for free resources). */
  subscribed: boolean;
  /** Staff withdrew this resource from this patron. */
  withdrawn: boolean;
  now: Date;
  settings: NetworkSettings;
}

/**
 * Null when the viewer may open the resource, else the first reason they may not, in the order
 * a person would fix them: account, age, library, personal withdrawal.
 */
export function accessRefusal(q: AccessQuestion): ResourceRefusal | null {
  const standing = standingOf(q.viewer, q.now, q.settings);
  if (!kindAllowed(standing, q.resource.kind))
    return standingRefusal(standing, q.resource.kind, q.viewer, q.settings);
  const age = viewerAge(q.viewer, parisDay(q.now));
  if (!audienceAllows(q.resource.audience, age))
    return age === null
      ? new ResourceRefusal(
          'age_unknown',
          `${audienceMessage(q.resource.audience)} : connectez-vous pour que votre âge soit pris en compte.`,
          403,
        )
      : new ResourceRefusal('age_restricted', audienceMessage(q.resource.audience), 403);
  if (q.viewer.kind === 'patron' && q.resource.kind !== 'open') {
    if (!q.subscribed)
      return new ResourceRefusal(
        'not_subscribed',
        'Votre bibliothèque ne propose pas cette ressource : elle n’y est pas abonnée.',
        403,
      );
    if (q.withdrawn)
      return new ResourceRefusal(
        'right_withdrawn',
        'Votre bibliothèque a retiré votre accès à cette ressource : adressez-vous à elle pour en savoir plus.',
        403,
      );
  }
  return null;
}

/** "de novembre", "d’octobre", "d’avril". */
export function ofMonth(name: string): string {
  return /^[aeiouyàâéèêîïôû]/i.test(name) ? `d’${name}` : `de ${name}`;
}

/** "Vous avez utilisé vos 4 films de novembre ; prochain film possible le 1er décembre". */
export function quotaReachedMessage(category: QuotaCategory, limit: number, now: Date): string {
  const nouns = CATEGORY_NOUNS[category];
  const month = monthLabel(parisMonthKey(now));
  const next = frenchFirstOf(nextPeriodStart('month', now), now);
  if (limit <= 0)
    return `Le forfait ne comprend aucun ${nouns.one} ce mois-ci ; prochain ${nouns.one} possible ${next} si le forfait le permet.`;
  const used = limit === 1 ? `votre ${nouns.one}` : `vos ${limit} ${nouns.many}`;
  return `Vous avez utilisé ${used} ${ofMonth(month)} ; prochain ${nouns.one} possible ${next}`;
}

export function quotaReached(category: QuotaCategory, limit: number, now: Date): ResourceRefusal {
  return new ResourceRefusal(
    'quota_reached',
    quotaReachedMessage(category, limit, now),
    429,
    parisMidnight(nextPeriodStart('month', now)),
  );
}

/** At 100 % of a network cap: when the resource reopens. */
export function capReachedMessage(period: CapPeriod, now: Date): string {
  const next = frenchFirstOf(nextPeriodStart(period, now), now);
  const span = period === 'month' ? monthLabel(parisMonthKey(now)) : String(parisDay(now).year);
  return `Toutes les consultations achetées par le réseau pour ${span} ont été utilisées : cette ressource rouvrira ${next}.`;
}

export function capReached(period: CapPeriod, now: Date): ResourceRefusal {
  return new ResourceRefusal(
    'cap_reached',
    capReachedMessage(period, now),
    429,
    parisMidnight(nextPeriodStart(period, now)),
  );
}

/** Percent of a cap used, rounded down (80 % means at least 80 %). */
export function percentUsed(used: number, limit: number): number {
  return limit > 0 ? Math.floor((used * 100) / limit) : 0;
}

export type CapLevel = 'low' | 'high' | 'full';

/** The use from which a level is reached: the limit itself, or its percentage rounded up. */
export function capThreshold(level: CapLevel, limit: number, settings: NetworkSettings): number {
  if (level === 'full') return limit;
  const percent = level === 'high' ? settings.capAlertHighPercent : settings.capAlertLowPercent;
  return Math.ceil((percent * limit) / 100);
}

/** The alert levels reached by `used` out of `limit`, highest first. */
export function capLevelsReached(used: number, limit: number, settings: NetworkSettings): CapLevel[] {
  const levels: CapLevel[] = [];
  if (used >= limit) levels.push('full');
  if (used * 100 >= settings.capAlertHighPercent * limit) levels.push('high');
  if (used * 100 >= settings.capAlertLowPercent * limit) levels.push('low');
  return levels;
}
