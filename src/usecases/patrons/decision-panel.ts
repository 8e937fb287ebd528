import { getNetwork } from '../../db/repositories/network.js';
import type { PatronWithLibrary } from '../../db/repositories/patrons.js';
import { listResponseTemplates } from '../../db/repositories/response-templates.js';
import type { StaffActor } from '../../domain/actor.js';
import { type DecisionKind, type DecisionSituation, situationOf } from '../../domain/decision-rules.js';
import { parisDay } from '../../domain/paris.js';
import { ageOn, frenchDay } from '../../domain/patron-lifecycle.js';
import { fillTemplate, quotaLines, type TemplateKey, templateFits } from '../../domain/response-templates.js';
import type { Deps } from '../deps.js';
import { askLibraryIls, type IlsCheck } from '../sip2/ils-membership.js';
import { decidedEnd } from './decide-request.js';

/**
 * "Que décidez-vous ?" on a patron's record: the decision form (or, within the undo window,
 * the "Annuler la décision" button). Owned by the decisions feature; the record page renders it.
 */
export interface DecisionPanelData {
  patronId: string;
  libraryName: string;
  actorName: string;
  /** The actor is a network administrator: the decision is recorded on the library's behalf. */
  onBehalf: boolean;
  decide: {
    situation: DecisionSituation;
    /** Texts with this patron's details filled in: staff see exactly what will be sent. */
    templates: Array<{
      key: TemplateKey;
      label: string;
      decision: DecisionKind;
      subject: string;
      body: string;
    }>;
    /** End date written in the acceptance text (AAAA-MM-JJ). */
    expectedEnd: string;
    birthDate: string | null;
    age: number | null;
    undoMinutes: number;
    /**
     * "activation": a patron the library registered itself (MDO seed, step 2): staff check the
     * record and press "Enregistrer", which is the same acceptance with its two checks.
     */
    mode: 'decision' | 'activation';
    registeredAt: Date;
    membershipDays: number;
    membershipAnchor: 'decision' | 'registration';
    /** The library's ILS asked about the patron's card (check ①); null when it has none. */
    ils: IlsCheck | null;
  } | null;
  undo: {
    decision: 'accepted' | 'refused';
    renewal: boolean;
    byLabel: string;
    onBehalf: boolean;
    decidedAt: Date;
    undoUntil: Date;
    /** When the held e-mail leaves; null when the patron has no address. */
    mailAt: Date | null;
  } | null;
}

/** Null when there is nothing to decide or undo for this patron. */
export async function loadDecisionPanel(
  deps: Deps,
  actor: StaffActor,
  patron: PatronWithLibrary,
): Promise<DecisionPanelData | null> {
  const now = deps.clock.now();
  const base = {
    patronId: patron.id,
    libraryName: patron.libraryName,
    actorName: actor.name,
    onBehalf: actor.role === 'network_admin',
  };
  if (patron.undoUntil && patron.decidedAt && patron.decision && patron.undoUntil.getTime() > now.getTime())
    return {
      ...base,
      decide: null,
      undo: {
        decision: patron.decision,
        renewal: patron.undoSnapshot?.state === 'renewal_pending',
        byLabel: patron.decidedByLabel ?? '',
        onBehalf: patron.decidedOnBehalf,
        decidedAt: patron.decidedAt,
        undoUntil: patron.undoUntil,
        mailAt: patron.undoMailId !== null ? patron.undoUntil : null,
      },
    };
  const situation = situationOf(patron.state);
  if (!situation) return null;
  // The ILS is asked while the rest is read; it answers within 3 s or is reported as silent.
  const [network, all, ils] = await Promise.all([
    getNetwork(deps.db),
    listResponseTemplates(deps.db),
    askLibraryIls(deps, patron.libraryId, patron.cardNumber),
  ]);
  const templates = all
    .filter((t) => templateFits(t.key, situation, patron.channel))
    .map((t) => {
      const decision: DecisionKind = t.decision === 'accepted' ? 'accept' : 'refuse';
      const { shownEnd } = decidedEnd(patron, situation, decision, now, network.settings);
      const values = {
        firstName: patron.firstName ?? '',
        lastName: patron.lastName ?? '',
        activeUntil: shownEnd ? frenchDay(shownEnd) : '',
        identifier: patron.identifier ?? '',
        networkName: network.name,
        quotas: quotaLines(network.settings),
        baseUrl: deps.baseUrl,
      };
      return {
        key: t.key,
        label: t.label,
        decision,
        subject: fillTemplate(t.subject, values),
        body: fillTemplate(t.body, values),
      };
    });
  const expectedEnd = decidedEnd(patron, situation, 'accept', now, network.settings).shownEnd ?? '';
  const mode = patron.channel === 'staff' && situation === 'registration' ? 'activation' : 'decision';
  return {
    ...base,
    undo: null,
    decide: {
      situation,
      templates,
      expectedEnd,
      birthDate: patron.birthDate,
      age: patron.birthDate ? ageOn(patron.birthDate, parisDay(now)) : null,
      undoMinutes: network.settings.undoMinutes,
      mode,
      registeredAt: patron.registeredAt,
      membershipDays: network.settings.membershipDays,
      membershipAnchor: network.settings.membershipAnchor,
      ils: ils?.check ?? null,
    },
  };
}
