import type { Executor } from '../../db/client.js';
import { recordEvent } from '../../db/repositories/events.js';
import { getNetwork, type Network } from '../../db/repositories/network.js';
import { enqueueMail } from '../../db/repositories/outbox.js';
import {
  findPatronById,
  findPatronForStaff,
  type NewPatron,
  type PatronRow,
  type PatronWithLibrary,
  transitionPatron,
} from '../../db/repositories/patrons.js';
import type { StaffActor } from '../../domain/actor.js';
import { MINUTE } from '../../domain/clock.js';
import {
  alreadyDecidedReason,
  type CheckName,
  type DecisionKind,
  type DecisionSituation,
  decisionErrors,
  renewalEnd,
  situationOf,
} from '../../domain/decision-rules.js';
import { DomainError, notFound, ValidationError } from '../../domain/errors.js';
import { frenchDay, STATE_LABELS, subscriptionEnd } from '../../domain/patron-lifecycle.js';
import { stateAfterRefusedRenewal } from '../../domain/renewal-rules.js';
import { fillTemplate, quotaLines, type TemplateKey } from '../../domain/response-templates.js';
import { decisionMail } from '../../mail/decision-mails.js';
import type { Deps } from '../deps.js';
import { assertLicenceAvailable, withLicencePoolAlert } from '../resources/licence-pool.js';

export interface DecisionInput {
  patronId: string;
  decision: DecisionKind;
  templateKey: string;
  /** The message as staff approved it (placeholders already filled, or left to fill). */
  subject: string;
  message: string;
  checks: Record<CheckName, boolean>;
  /** "Je confirme le refus": refusing a patron ticked as a member of the library. */
  confirmRefusal?: boolean;
  /**
   * End date (AAAA-MM-JJ) written in the prefilled message. If the form stayed open past
   * midnight the end date moved: staff are asked to check the text rather than send a wrong date.
   */
  expectedEnd?: string;
}

export interface DecisionOutcome {
  patron: PatronRow;
  situation: DecisionSituation;
  decision: DecisionKind;
  undoUntil: Date;
  mailId: number | null;
  onBehalf: boolean;
  libraryName: string;
}

/** A colleague (or the network) decided first: nothing was written. */
export class AlreadyDecidedError extends DomainError {
  constructor(readonly reason: string) {
    super('already_decided', `Demande ${reason.charAt(0).toLowerCase()}${reason.slice(1)}.`, 409);
  }
}

/** Why a patron no longer awaits a decision, as staff read it. */
export function notAwaitingError(
  row: Pick<PatronRow, 'state' | 'decidedAt' | 'decidedByLabel'>,
): DomainError {
  if (row.decidedAt && row.decidedByLabel)
    return new AlreadyDecidedError(alreadyDecidedReason(row.decidedByLabel, row.decidedAt));
  return new DomainError(
    'not_awaiting_decision',
    `Cette demande n’attend pas de décision (état : ${STATE_LABELS[row.state]}).`,
    409,
  );
}

export function patronDisplayName(p: Pick<PatronRow, 'firstName' | 'lastName' | 'identifier'>): string {
  const name = [p.firstName, p.lastName].filter(Boolean).join(' ');
  return name || p.identifier || 'Usager anonymisé';
}

/** The new end date, and the one the message speaks of ([actif-jusquau]). */
export function decidedEnd(
  patron: Pick<PatronRow, 'activeUntil' | 'registeredAt'>,
  situation: DecisionSituation,
  decision: DecisionKind,
  now: Date,
  settings: Network['settings'],
): { activeUntil: string | null; shownEnd: string | null } {
  if (situation === 'registration') {
    if (decision === 'refuse') return { activeUntil: patron.activeUntil, shownEnd: null };
    const end = subscriptionEnd(now, patron.registeredAt, settings);
    return { activeUntil: end, shownEnd: end };
  }
  // A refused renewal leaves the current subscription to run to its end.
  if (decision === 'refuse') return { activeUntil: patron.activeUntil, shownEnd: patron.activeUntil };
  const end = renewalEnd(patron.activeUntil, now, settings);
  return { activeUntil: end, shownEnd: end };
}

/** The columns a decision changes; their previous values are the undo snapshot. */
const DECISION_COLUMNS = [
  'state',
  'activeUntil',
  'decision',
  'decidedAt',
  'decidedByStaffId',
  'decidedByLabel',
  'decidedOnBehalf',
  'refusalReason',
  'pendingSince',
] as const satisfies ReadonlyArray<keyof PatronRow>;
type DecisionColumn = (typeof DECISION_COLUMNS)[number];
const DATE_COLUMNS = new Set<DecisionColumn>(['decidedAt', 'pendingSince']);

/** JSON of the previous values (instants as ISO text). */
export function undoSnapshotOf(row: PatronRow): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const c of DECISION_COLUMNS) {
    const v = row[c];
    out[c] = v instanceof Date ? v.toISOString() : v;
  }
  return out;
}

/** Column values restoring a snapshot (instants back to Date). */
export function valuesFromSnapshot(snapshot: Record<string, unknown>): Partial<NewPatron> {
  const out: Record<string, unknown> = {};
  for (const c of DECISION_COLUMNS) {
    if (!(c in snapshot)) continue;
    const v = snapshot[c];
    out[c] = DATE_COLUMNS.has(c) && typeof v === 'string' ? new Date(v) : v;
  }
  return out as Partial<NewPatron>;
}

export interface ApplyDecision {
  now: Date;
  actor: StaffActor;
  patron: PatronWithLibrary;
  network: Network;
  situation: DecisionSituation;
  decision: DecisionKind;
  templateKey: TemplateKey;
  subject: string;
  message: string;
  checks: Record<CheckName, boolean>;
  bulk?: boolean;
  /** For the links of the licence-pool warning. */
  baseUrl: string;
}

/**
 * The decision itself, inside the caller's transaction: the patron's e-mail is queued but held
 * until the undo window closes, then the guarded update moves the patron on only if it still
 * awaits a decision; otherwise AlreadyDecidedError (and the caller's rollback drops the mail).
 */
export async function applyDecision(tx: Executor, d: ApplyDecision): Promise<DecisionOutcome> {
  const { now, actor, patron, network, situation, decision } = d;
  const settings = network.settings;
  // A new account takes a licence: at the limit the request stays pending, never silently refused.
  if (decision === 'accept' && situation === 'registration')
    await assertLicenceAvailable(tx, network, now, d.baseUrl);
  const { activeUntil, shownEnd } = decidedEnd(patron, situation, decision, now, settings);
  const undoUntil = new Date(now.getTime() + settings.undoMinutes * MINUTE);
  const onBehalf = actor.role === 'network_admin';

  const values = {
    firstName: patron.firstName ?? '',
    lastName: patron.lastName ?? '',
    activeUntil: shownEnd ? frenchDay(shownEnd) : '',
    identifier: patron.identifier ?? '',
    networkName: network.name,
    quotas: quotaLines(settings),
    baseUrl: d.baseUrl,
  };
  const subject = fillTemplate(d.subject.trim(), values);
  const body = fillTemplate(d.message.replace(/\r\n?/g, '\n').trim(), values);
  const mailId = patron.email
    ? await enqueueMail(
        tx,
        {
          ...decisionMail({
            networkName: network.name,
            to: patron.email,
            subject,
            body,
            template: `decision_${d.templateKey}`,
          }),
          patronId: patron.id,
        },
        now,
        undoUntil,
      )
    : null;

  const next: Partial<NewPatron> = {
    state:
      decision === 'accept'
        ? 'active'
        : situation === 'renewal'
          ? stateAfterRefusedRenewal(patron.activeUntil, now)
          : 'refused',
    activeUntil,
    decision: decision === 'accept' ? 'accepted' : 'refused',
    decidedAt: now,
    decidedByStaffId: actor.id,
    decidedByLabel: actor.name,
    decidedOnBehalf: onBehalf,
    refusalReason:
      situation === 'renewal' ? patron.refusalReason : decision === 'refuse' ? d.templateKey : null,
    pendingSince: null,
    undoUntil,
    undoSnapshot: undoSnapshotOf(patron),
    undoMailId: mailId,
    updatedAt: now,
  };
  const row = await transitionPatron(tx, patron.id, [patron.state], next);
  if (!row) {
    const current = await findPatronById(tx, patron.id);
    throw current ? notAwaitingError(current) : notFound('Cette demande');
  }

  const action =
    (situation === 'renewal' ? 'renewal_' : '') + (decision === 'accept' ? 'accepted' : 'refused');
  await recordEvent(tx, {
    at: now,
    actor,
    action,
    subject: { kind: 'patron', id: patron.id },
    onBehalfOfLibraryId: onBehalf ? patron.libraryId : null,
    data: {
      template: d.templateKey,
      subject,
      message: body,
      checks: d.checks,
      activeUntil: row.activeUntil,
      mailId,
      undoUntil: undoUntil.toISOString(),
      ...(onBehalf ? { libraryName: patron.libraryName } : {}),
      ...(d.bulk ? { bulk: true } : {}),
    },
  });
  return { patron: row, situation, decision, undoUntil, mailId, onBehalf, libraryName: patron.libraryName };
}

/**
 * A library (or a network administrator in its place) accepts or refuses a registration or
 * renewal request, with the message the patron will receive. One transaction: guarded state
 * change, history event and the held e-mail.
 */
export async function decideRequest(
  deps: Deps,
  actor: StaffActor,
  input: DecisionInput,
): Promise<DecisionOutcome> {
  const now = deps.clock.now();
  return withLicencePoolAlert(deps, () =>
    deps.db.transaction(async (tx) => {
      const patron = await findPatronForStaff(tx, actor.scope, input.patronId);
      if (!patron) throw notFound('Cette demande');
      const situation = situationOf(patron.state);
      if (!situation) throw notAwaitingError(patron);
      const errors = decisionErrors(
        {
          decision: input.decision,
          checks: input.checks,
          templateKey: input.templateKey,
          subject: input.subject,
          message: input.message,
          confirmRefusal: input.confirmRefusal,
        },
        situation,
        patron.channel,
      );
      if (Object.keys(errors).length) throw new ValidationError(errors);
      const network = await getNetwork(tx);
      if (input.expectedEnd) {
        const { shownEnd } = decidedEnd(patron, situation, input.decision, now, network.settings);
        if (
          shownEnd &&
          shownEnd !== input.expectedEnd &&
          input.message.includes(frenchDay(input.expectedEnd))
        )
          throw new ValidationError({
            message: `La date de fin d’abonnement est désormais le ${frenchDay(shownEnd)} (et non plus le ${frenchDay(input.expectedEnd)}) : corrigez-la dans le message avant de valider.`,
          });
      }
      return applyDecision(tx, {
        now,
        actor,
        patron,
        network,
        situation,
        decision: input.decision,
        templateKey: input.templateKey as TemplateKey,
        subject: input.subject,
        message: input.message,
        checks: input.checks,
        baseUrl: deps.baseUrl,
      });
    }),
  );
}
