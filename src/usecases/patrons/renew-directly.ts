import type { Executor } from '../../db/client.js';
import { recordEvent } from '../../db/repositories/events.js';
import { getNetwork, type Network } from '../../db/repositories/network.js';
import { enqueueMail } from '../../db/repositories/outbox.js';
import { renewPatronIfUnchanged } from '../../db/repositories/patron-records.js';
import { findPatronForStaff, type PatronRow, type PatronWithLibrary } from '../../db/repositories/patrons.js';
import { findResponseTemplate } from '../../db/repositories/response-templates.js';
import type { StaffActor } from '../../domain/actor.js';
import { renewalEnd } from '../../domain/decision-rules.js';
import { DomainError, notFound, ValidationError } from '../../domain/errors.js';
import { frenchDay, type PatronState, STATE_LABELS } from '../../domain/patron-lifecycle.js';
import { fillTemplate, quotaLines } from '../../domain/response-templates.js';
import { decisionMail } from '../../mail/decision-mails.js';
import type { Deps } from '../deps.js';
import { patronDisplayName } from './decide-request.js';

/** States whose rights staff may renew directly ("Renouveler les droits", MDO seed). */
export const RENEWABLE: readonly PatronState[] = ['active', 'expired'];

export function isRenewable(p: Pick<PatronRow, 'state' | 'anonymisedAt'>): boolean {
  return RENEWABLE.includes(p.state) && p.anonymisedAt === null;
}

export interface RenewOutcome {
  patron: PatronRow;
  previousEnd: string | null;
  newEnd: string;
  mailId: number | null;
}

/** Why a patron cannot be renewed directly, as staff read it. */
function notRenewable(p: Pick<PatronRow, 'state' | 'anonymisedAt'>): DomainError {
  if (p.anonymisedAt)
    return new DomainError('not_renewable', 'Les données de cet usager ont été effacées.', 409);
  if (p.state === 'renewal_pending')
    return new DomainError(
      'not_renewable',
      'Une demande de réinscription attend une décision : acceptez-la depuis « Que décidez-vous ? ».',
      409,
    );
  return new DomainError(
    'not_renewable',
    `Seuls les abonnements actifs ou expirés se renouvellent (état : ${STATE_LABELS[p.state]}).`,
    409,
  );
}

const alreadyRenewed = (end: string | null) =>
  new DomainError(
    'already_renewed',
    end
      ? `L’abonnement a changé entre-temps (il court désormais jusqu’au ${frenchDay(end)}) : rien n’a été ajouté. Vérifiez la fiche avant de recommencer.`
      : 'L’abonnement a changé entre-temps : rien n’a été ajouté. Vérifiez la fiche avant de recommencer.',
    409,
  );

/**
 * One renewal inside the caller's transaction: one period more from the old end date if the
 * subscription still runs (renewing early loses nothing), from today if it has ended; the
 * guarded update checks state and end date, so the same subscription is never renewed twice.
 * The patron receives the network's "Réinscription acceptée" text at once.
 */
async function applyRenewal(
  tx: Executor,
  deps: Deps,
  actor: StaffActor,
  patron: PatronWithLibrary,
  network: Network,
  options: { bulk?: boolean } = {},
): Promise<RenewOutcome> {
  const now = deps.clock.now();
  const newEnd = renewalEnd(patron.activeUntil, now, network.settings);
  const row = await renewPatronIfUnchanged(
    tx,
    patron.id,
    { states: [patron.state], activeUntil: patron.activeUntil },
    {
      state: 'active',
      activeUntil: newEnd,
      // A new end date: its own reminder and retention warning will come in time.
      renewalRemindedAt: null,
      retentionWarnedAt: null,
      updatedAt: now,
    },
  );
  if (!row) throw alreadyRenewed(null);

  const template = await findResponseTemplate(tx, 'renewal_accept');
  const values = {
    firstName: patron.firstName ?? '',
    lastName: patron.lastName ?? '',
    activeUntil: frenchDay(newEnd),
    identifier: patron.identifier ?? '',
    networkName: network.name,
    quotas: quotaLines(network.settings),
    baseUrl: deps.baseUrl,
  };
  const subject = fillTemplate(template.subject.trim(), values);
  const body = fillTemplate(template.body.replace(/\r\n?/g, '\n').trim(), values);
  const mailId = patron.email
    ? await enqueueMail(
        tx,
        {
          ...decisionMail({
            networkName: network.name,
            to: patron.email,
            subject,
            body,
            template: 'renewed_by_staff',
          }),
          patronId: patron.id,
        },
        now,
      )
    : null;
  await recordEvent(tx, {
    at: now,
    actor,
    action: 'renewed_by_staff',
    subject: { kind: 'patron', id: patron.id },
    onBehalfOfLibraryId: actor.role === 'network_admin' ? patron.libraryId : null,
    data: {
      previousState: patron.state,
      previousEnd: patron.activeUntil,
      activeUntil: newEnd,
      template: 'renewal_accept',
      subject,
      message: body,
      mailId,
      ...(options.bulk ? { bulk: true } : {}),
    },
  });
  return { patron: row, previousEnd: patron.activeUntil, newEnd, mailId };
}

/**
 * "Renouveler les droits" from the record (SPEC §2 transition 6, MDO: the patron comes back to
 * the library, staff renew). `expectedEnd` is the end date the page showed: a form sent twice
 * (or a colleague's renewal in between) adds nothing.
 */
export async function renewDirectly(
  deps: Deps,
  actor: StaffActor,
  input: { patronId: string; expectedEnd: string | null },
): Promise<RenewOutcome> {
  return deps.db.transaction(async (tx) => {
    const patron = await findPatronForStaff(tx, actor.scope, input.patronId);
    if (!patron) throw notFound('Cet usager');
    if (!isRenewable(patron)) throw notRenewable(patron);
    if ((input.expectedEnd || null) !== patron.activeUntil) throw alreadyRenewed(patron.activeUntil);
    const network = await getNetwork(tx);
    return applyRenewal(tx, deps, actor, patron, network);
  });
}

export const RENEW_BULK_MAX = 200;

export interface RenewBulkOutcome {
  done: string[];
  skipped: Array<{ name: string; reason: string }>;
}

/**
 * Renews a selection from the list, each patron in a transaction of its own: one that cannot be
 * renewed (waiting for a decision, erased, renewed meanwhile, outside the actor's libraries) is
 * skipped with its reason, the others are renewed.
 */
export async function renewInBulk(
  deps: Deps,
  actor: StaffActor,
  input: { ids: readonly string[] },
): Promise<RenewBulkOutcome> {
  const ids = [...new Set(input.ids)];
  if (ids.length === 0) throw new ValidationError({ ids: 'Sélectionnez au moins un usager dans la liste.' });
  if (ids.length > RENEW_BULK_MAX)
    throw new ValidationError({
      ids: `Sélectionnez au plus ${RENEW_BULK_MAX} usagers à la fois (${ids.length} sélectionnés).`,
    });
  const network = await getNetwork(deps.db);
  const outcome: RenewBulkOutcome = { done: [], skipped: [] };
  for (const id of ids) {
    let name = id;
    try {
      await deps.db.transaction(async (tx) => {
        const patron = await findPatronForStaff(tx, actor.scope, id);
        if (!patron) throw notFound('Cet usager');
        name = patronDisplayName(patron);
        if (!isRenewable(patron)) throw notRenewable(patron);
        await applyRenewal(tx, deps, actor, patron, network, { bulk: true });
      });
      outcome.done.push(name);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      outcome.skipped.push({
        name: error.status === 404 ? 'usager introuvable' : name,
        reason: error.status === 404 ? 'hors de vos bibliothèques ou inconnu' : shortReason(error),
      });
    }
  }
  return outcome;
}

function shortReason(error: DomainError): string {
  if (error.code === 'already_renewed') return 'renouvelé entre-temps';
  if (error.message.startsWith('Une demande de réinscription')) return 'réinscription à valider';
  if (error.message.startsWith('Les données')) return 'données effacées';
  const state = /état : ([^)]+)\)/.exec(error.message)?.[1];
  return state ? `état « ${state} »` : error.message;
}
