import type { FastifyInstance } from 'fastify';
import { DomainError, ValidationError } from '../../../domain/errors.js';
import { decideInBulk } from '../../../usecases/patrons/decide-in-bulk.js';
import { decideFromForm, decisionFormErrors } from '../../../usecases/patrons/decision-form.js';
import { undoDecision } from '../../../usecases/patrons/undo-decision.js';
import { warnLibrary } from '../../../usecases/patrons/warn-library.js';
import type { RouteOptions } from '../../app.js';
import { parseForm } from '../../form.js';
import { requireAdmin, requireStaff, safeLocalPath } from '../../guards.js';
import { setFlash } from '../../render.js';
import type { FormValues } from '../../views/components/forms.js';
import { BULK_DECISION_ACTION, BULK_RENEW_VALUE } from '../../views/patron-queue/bulk-decision-bar.js';
import { bulkDecisionMessage, decisionDoneMessage } from '../../views/patron-queue/decision-messages.js';
import { bulkForm, decisionForm, decisionKind, queueReturnPath, templateChoice } from './decision-forms.js';
import { renderPatronRecord } from './patron-record.js';
import { renewSelection } from './patron-tools.js';

const recordUrl = (id: string) => `/admin/usagers/${id}`;

export { queueReturnPath };

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
      const { values, mismatch } = templateChoice(f, kept);
      return renderPatronRecord(request, reply, deps, actor, id, {
        decision: { values, errors: mismatch ? { modele: mismatch } : undefined },
      });
    }

    const checks = { membre: f.membre === 'oui', naissance: f.naissance === 'oui' };
    try {
      if (!decision) {
        // The use case needs a decision; the other fields' messages are shown at the same time.
        const errors = await decisionFormErrors(deps, actor, id, {
          decision,
          checks,
          confirmRefusal: f.confirmer_refus === 'oui',
          templateKey: f.modele,
          subject: f.objet ?? '',
          message: f.message ?? '',
        });
        return renderPatronRecord(request, reply, deps, actor, id, {
          decision: { values: kept, errors },
          status: 400,
        });
      }
      const outcome = await decideFromForm(deps, actor, {
        patronId: id,
        decision,
        templateKey: f.modele ?? '',
        subject: f.objet ?? '',
        message: f.message ?? '',
        checks,
        confirmRefusal: f.confirmer_refus === 'oui',
        expectedEnd: f.fin_prevue,
      });
      setFlash(reply, 'success', decisionDoneMessage(outcome, decision));
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
      const { kind, message } = bulkDecisionMessage(outcome, decisionKind(f.decision) === 'accept');
      setFlash(reply, kind, message);
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
