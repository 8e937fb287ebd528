import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { getNetwork } from '../../../db/repositories/network.js';
import { findPatronForStaff } from '../../../db/repositories/patrons.js';
import {
  type DecisionKind,
  decisionErrors,
  situationOf,
  templateMismatch,
} from '../../../domain/decision-rules.js';
import { DomainError, notFound, ValidationError } from '../../../domain/errors.js';
import { DEFAULT_TEMPLATES, isTemplateKey } from '../../../domain/response-templates.js';
import { decideInBulk } from '../../../usecases/patrons/decide-in-bulk.js';
import { decideRequest, notAwaitingError } from '../../../usecases/patrons/decide-request.js';
import { undoDecision } from '../../../usecases/patrons/undo-decision.js';
import { warnLibrary } from '../../../usecases/patrons/warn-library.js';
import type { RouteOptions } from '../../app.js';
import { parseForm } from '../../form.js';
import { requireAdmin, requireStaff, safeLocalPath } from '../../guards.js';
import { setFlash } from '../../render.js';
import type { FormValues } from '../../views/components/forms.js';
import { BULK_DECISION_ACTION, BULK_RENEW_VALUE } from '../../views/patrons/bulk-decision-bar.js';
import { DECISION_VALUES } from '../../views/patrons/decision-panel.js';
import { renderPatronRecord } from './patron-record.js';
import { renewSelection } from './patron-tools.js';

const QUEUE_URL = '/admin/usagers';
const recordUrl = (id: string) => `${QUEUE_URL}/${id}`;

/** Lenient parsing: the checks and their French messages are the use case's (decisionErrors). */
const text = (max: number) => z.string().max(max).optional().catch(undefined);
const decisionForm = z.object({
  action: z.enum(['modele', 'decider']).catch('decider'),
  decision: text(20),
  membre: text(10),
  naissance: text(10),
  confirmer_refus: text(10),
  modele: text(60),
  modele_affiche: text(60),
  objet: text(2_000),
  message: text(100_000),
  fin_prevue: text(10),
});

function decisionKind(value: string | undefined): DecisionKind | undefined {
  if (value === DECISION_VALUES.accept) return 'accept';
  if (value === DECISION_VALUES.refuse) return 'refuse';
  return undefined;
}

const idsField = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]));
const bulkForm = z.object({
  ids: idsField,
  decision: text(20),
  membre: text(10),
  naissance: text(10),
  confirmer_refus: text(10),
  modele: text(60),
  retour: text(2_000),
});

/** Back to the same filtered list: only a local path under the queue is followed. */
export function queueReturnPath(retour: string | undefined): string {
  if (!retour) return QUEUE_URL;
  const path = safeLocalPath(retour.startsWith('?') ? `${QUEUE_URL}${retour}` : retour, QUEUE_URL);
  return path === QUEUE_URL || /^\/admin\/usagers(?:[?#/]|$)/.test(path) ? path : QUEUE_URL;
}

function listNames(names: string[], max = 10): string {
  const shown = names.slice(0, max).join(', ');
  return names.length > max
    ? `${shown} et ${names.length - max} autre${names.length - max > 1 ? 's' : ''}`
    : shown;
}

const minutes = (n: number) => `${n} minute${n > 1 ? 's' : ''}`;

export async function decisionRoutes(app: FastifyInstance, { deps }: RouteOptions): Promise<void> {
  app.post<{ Params: { id: string } }>('/admin/usagers/:id/decision', async (request, reply) => {
    const actor = requireStaff(request, reply);
    if (!actor) return reply;
    const id = request.params.id;
    const form = parseForm(decisionForm, request.body);
    const f = form.ok ? form.data : decisionForm.parse({});
    const decision = decisionKind(f.decision);
    const kept: FormValues = {
      decision: f.decision,
      membre: f.membre,
      naissance: f.naissance,
      confirmer_refus: f.confirmer_refus,
      modele: f.modele,
      objet: f.objet,
      message: f.message,
    };

    if (f.action === 'modele') {
      // No decision taken: the same form again with the chosen template's texts, unless the
      // template did not change (Enter pressed in a field): then nothing typed is lost.
      const changed = f.modele !== f.modele_affiche;
      const values: FormValues = changed ? { ...kept, objet: undefined, message: undefined } : kept;
      if (changed && !decision && isTemplateKey(f.modele))
        values.decision =
          DEFAULT_TEMPLATES[f.modele].decision === 'accepted'
            ? DECISION_VALUES.accept
            : DECISION_VALUES.refuse;
      // Said now, next to the list, rather than only when "Valider la décision" is pressed.
      const mismatch = decision && isTemplateKey(f.modele) ? templateMismatch(decision, f.modele) : null;
      return renderPatronRecord(request, reply, deps, actor, id, {
        decision: { values, errors: mismatch ? { modele: mismatch } : undefined },
      });
    }

    const checks = { membre: f.membre === 'oui', naissance: f.naissance === 'oui' };
    if (!decision) {
      // The use case needs a decision; the other fields' messages are shown at the same time.
      const patron = await findPatronForStaff(deps.db, actor.scope, id);
      if (!patron) throw notFound('Cette demande');
      const situation = situationOf(patron.state);
      if (!situation) {
        setFlash(reply, 'error', notAwaitingError(patron).message);
        return reply.redirect(recordUrl(id), 303);
      }
      const errors = decisionErrors(
        {
          decision,
          checks,
          confirmRefusal: f.confirmer_refus === 'oui',
          templateKey: f.modele,
          subject: f.objet ?? '',
          message: f.message ?? '',
        },
        situation,
        patron.channel,
      );
      return renderPatronRecord(request, reply, deps, actor, id, {
        decision: { values: kept, errors },
        status: 400,
      });
    }

    try {
      const outcome = await decideRequest(deps, actor, {
        patronId: id,
        decision,
        templateKey: f.modele ?? '',
        subject: f.objet ?? '',
        message: f.message ?? '',
        checks,
        confirmRefusal: f.confirmer_refus === 'oui',
        expectedEnd: f.fin_prevue,
      });
      const { settings } = await getNetwork(deps.db);
      const done =
        outcome.situation === 'renewal'
          ? decision === 'accept'
            ? 'Réinscription acceptée'
            : 'Réinscription refusée'
          : decision === 'accept'
            ? 'Demande acceptée'
            : 'Demande refusée';
      const mail =
        outcome.mailId === null
          ? 'aucun courriel n’est envoyé (pas d’adresse électronique).'
          : settings.undoMinutes > 0
            ? `le courriel partira dans ${minutes(settings.undoMinutes)} (annulation possible d’ici là).`
            : 'le courriel part maintenant.';
      setFlash(
        reply,
        'success',
        `${done}${outcome.onBehalf ? ` pour ${outcome.libraryName}` : ''} : ${mail}`,
      );
      return reply.redirect(recordUrl(id), 303);
    } catch (error) {
      if (error instanceof ValidationError)
        return renderPatronRecord(request, reply, deps, actor, id, {
          decision: { values: kept, errors: error.fieldErrors },
          status: 400,
        });
      if (error instanceof DomainError && error.status === 409) {
        setFlash(reply, 'error', error.message);
        return reply.redirect(recordUrl(id), 303);
      }
      throw error;
    }
  });

  app.post<{ Params: { id: string } }>('/admin/usagers/:id/annuler', async (request, reply) => {
    const actor = requireStaff(request, reply);
    if (!actor) return reply;
    const id = request.params.id;
    const body = (request.body ?? {}) as Record<string, unknown>;
    const decidedAt = typeof body.decision_du === 'string' && body.decision_du ? body.decision_du : undefined;
    try {
      await undoDecision(deps, actor, { patronId: id, decidedAt });
      setFlash(
        reply,
        'success',
        'Décision annulée : la demande est de nouveau à valider et aucun courriel n’est parti.',
      );
    } catch (error) {
      if (!(error instanceof DomainError && error.status === 409)) throw error;
      setFlash(reply, 'error', error.message);
    }
    return reply.redirect(recordUrl(id), 303);
  });

  app.post(BULK_DECISION_ACTION, async (request, reply) => {
    const actor = requireStaff(request, reply);
    if (!actor) return reply;
    const form = parseForm(bulkForm, request.body);
    const f = form.ok ? form.data : { ...bulkForm.parse({}), retour: form.values.retour };
    const back = queueReturnPath(f.retour);
    if (f.decision === BULK_RENEW_VALUE) {
      await renewSelection(deps, actor, reply, f.ids);
      return reply.redirect(back, 303);
    }
    try {
      const outcome = await decideInBulk(deps, actor, {
        ids: f.ids,
        decision: decisionKind(f.decision),
        templateKey: f.modele,
        checks: { membre: f.membre === 'oui', naissance: f.naissance === 'oui' },
        confirmRefusal: f.confirmer_refus === 'oui',
      });
      const accepted = decisionKind(f.decision) === 'accept';
      const parts: string[] = [];
      if (outcome.done.length)
        parts.push(
          `${outcome.done.length} demande${outcome.done.length > 1 ? 's' : ''} ${accepted ? 'acceptée' : 'refusée'}${outcome.done.length > 1 ? 's' : ''} : ${listNames(outcome.done)}.`,
        );
      if (outcome.skipped.length)
        parts.push(
          `${outcome.skipped.length} laissée${outcome.skipped.length > 1 ? 's' : ''} de côté : ${listNames(
            outcome.skipped.map((s) => `${s.name} (${s.reason})`),
          )}.`,
        );
      if (outcome.done.length) parts.push('Les courriels partiront après le délai d’annulation.');
      setFlash(
        reply,
        outcome.skipped.length ? (outcome.done.length ? 'info' : 'error') : 'success',
        parts.join(' '),
      );
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      setFlash(
        reply,
        'error',
        `Décision groupée non appliquée : ${Object.values(error.fieldErrors).join(' ')}`,
      );
    }
    return reply.redirect(back, 303);
  });

  app.post<{ Params: { id: string } }>('/admin/usagers/:id/avertir', async (request, reply) => {
    const actor = requireAdmin(request, reply);
    if (!actor) return reply;
    const body = (request.body ?? {}) as Record<string, unknown>;
    const retour = typeof body.retour === 'string' ? body.retour : '';
    const back = /^\/admin\/(retards|usagers)(?:[?#/]|$)/.test(safeLocalPath(retour, ''))
      ? safeLocalPath(retour)
      : '/admin/retards';
    try {
      const { libraryName, patronName } = await warnLibrary(deps, actor, request.params.id);
      setFlash(
        reply,
        'success',
        `${libraryName} a été avertie par courriel du retard de la demande de ${patronName}.`,
      );
    } catch (error) {
      if (!(error instanceof DomainError && error.status === 409)) throw error;
      setFlash(reply, 'error', error.message);
    }
    return reply.redirect(back, 303);
  });
}
