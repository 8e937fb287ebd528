import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { PatronWithLibrary } from '../../../db/repositories/patrons.js';
import type { StaffActor } from '../../../domain/actor.js';
import { DomainError, ValidationError } from '../../../domain/errors.js';
import { formatDateTime } from '../../../domain/paris.js';
import { IDENTITY_LABELS } from '../../../domain/patron-identity.js';
import { frenchDay } from '../../../domain/patron-lifecycle.js';
import { changePatronLibrary } from '../../../usecases/patrons/change-library.js';
import { deletePatron } from '../../../usecases/patrons/delete-patron.js';
import { editPatron, erasedRecord } from '../../../usecases/patrons/edit-patron.js';
import { findPatronForActor } from '../../../usecases/patrons/patron-record.js';
import { renewDirectly, renewInBulk } from '../../../usecases/patrons/renew-directly.js';
import { resendPasswordLink } from '../../../usecases/patrons/resend-password-link.js';
import type { RouteOptions } from '../../app.js';
import { keptValues } from '../../form.js';
import { requireAdmin, requireStaff } from '../../guards.js';
import { sendPage, setFlash } from '../../render.js';
import type { FieldErrors, FormValues } from '../../views/components/forms.js';
import { bulkRenewMessage } from '../../views/patron-queue/decision-messages.js';
import { DeletePatronPage, deletePatronTitle } from '../../views/patrons/delete-patron-page.js';
import { EditPatronPage, editPatronTitle, recordUrl } from '../../views/patrons/edit-patron-page.js';
import { recordToolUrl } from '../../views/patrons/patron-tools-panel.js';

const EDIT_FIELDS = ['lastName', 'firstName', 'birthDate', 'email', 'cardNumber', 'newsletter'] as const;

/** Flash text for a conflict (someone else was first, nothing to do): shown on the record. */
async function conflictToRecord(reply: FastifyReply, error: unknown, id: string, hash = '') {
  if (!(error instanceof DomainError && error.status === 409)) throw error;
  setFlash(reply, 'error', error.message);
  return reply.redirect(`${recordUrl(id)}${hash}`, 303);
}

type FormState = { values?: FormValues; errors?: FieldErrors; status?: number };

export async function patronToolRoutes(app: FastifyInstance, { deps }: RouteOptions): Promise<void> {
  function editPage(
    request: FastifyRequest,
    reply: FastifyReply,
    patron: PatronWithLibrary,
    state: FormState,
  ) {
    const title = editPatronTitle(patron);
    return sendPage(request, reply, {
      title: state.errors ? `Erreur — ${title}` : title,
      status: state.status,
      body: (ctx) => (
        <EditPatronPage csrf={ctx.csrf} patron={patron} values={state.values} errors={state.errors} />
      ),
    });
  }

  app.get<{ Params: { id: string } }>('/admin/usagers/:id/modifier', async (request, reply) => {
    const actor = requireStaff(request, reply);
    if (!actor) return reply;
    const patron = await findPatronForActor(deps, actor, request.params.id);
    if (patron.anonymisedAt || patron.state === 'lapsed') throw erasedRecord();
    return editPage(request, reply, patron, {});
  });

  app.post<{ Params: { id: string } }>('/admin/usagers/:id/modifier', async (request, reply) => {
    const actor = requireStaff(request, reply);
    if (!actor) return reply;
    const id = request.params.id;
    const body = (request.body ?? {}) as Record<string, unknown>;
    const form: Record<string, unknown> = {};
    for (const f of EDIT_FIELDS) form[f] = typeof body[f] === 'string' ? body[f] : undefined;
    try {
      const outcome = await editPatron(deps, actor, {
        patronId: id,
        form,
        version: typeof body.version === 'string' ? body.version : '',
      });
      if (outcome.changed.length === 0)
        setFlash(reply, 'info', 'Aucune information n’a changé : rien n’a été enregistré.');
      else
        setFlash(
          reply,
          'success',
          `Informations enregistrées (${outcome.changed.map((f) => IDENTITY_LABELS[f].toLowerCase()).join(', ')}).${
            outcome.linkSentTo
              ? ` Un nouveau lien « Définissez votre mot de passe » est parti à ${outcome.linkSentTo}.`
              : ''
          }`,
        );
      return reply.redirect(recordUrl(id), 303);
    } catch (error) {
      if (error instanceof ValidationError) {
        const patron = await findPatronForActor(deps, actor, id);
        return editPage(request, reply, patron, {
          values: keptValues(form),
          errors: error.fieldErrors,
          status: 400,
        });
      }
      if (error instanceof DomainError && error.code === 'patron_changed_meanwhile') {
        setFlash(reply, 'error', error.message);
        return reply.redirect(recordToolUrl(id, 'modifier'), 303);
      }
      return conflictToRecord(reply, error, id);
    }
  });

  app.post<{ Params: { id: string } }>('/admin/usagers/:id/renvoyer-lien', async (request, reply) => {
    const actor = requireStaff(request, reply);
    if (!actor) return reply;
    const id = request.params.id;
    try {
      const sent = await resendPasswordLink(deps, actor, id);
      setFlash(
        reply,
        'success',
        `Nouveau lien « Définissez votre mot de passe » envoyé à ${sent.to}, valable jusqu’au ${formatDateTime(sent.expiresAt)}. L’ancien lien ne fonctionne plus.`,
      );
      return reply.redirect(`${recordUrl(id)}#actions`, 303);
    } catch (error) {
      return conflictToRecord(reply, error, id, '#actions');
    }
  });

  app.post<{ Params: { id: string } }>('/admin/usagers/:id/renouveler', async (request, reply) => {
    const actor = requireStaff(request, reply);
    if (!actor) return reply;
    const id = request.params.id;
    const body = (request.body ?? {}) as Record<string, unknown>;
    const expected = typeof body.fin_actuelle === 'string' && body.fin_actuelle ? body.fin_actuelle : null;
    try {
      const outcome = await renewDirectly(deps, actor, { patronId: id, expectedEnd: expected });
      setFlash(
        reply,
        'success',
        `Droits renouvelés : actif jusqu’au ${frenchDay(outcome.newEnd)}${
          outcome.previousEnd ? ` (au lieu du ${frenchDay(outcome.previousEnd)})` : ''
        }. ${outcome.mailId === null ? 'Aucun courriel envoyé (pas d’adresse électronique).' : 'L’usager en est informé par courriel.'}`,
      );
      return reply.redirect(recordUrl(id), 303);
    } catch (error) {
      return conflictToRecord(reply, error, id, '#actions');
    }
  });

  app.post<{ Params: { id: string } }>('/admin/usagers/:id/bibliotheque', async (request, reply) => {
    const actor = requireAdmin(request, reply);
    if (!actor) return reply;
    const id = request.params.id;
    const body = (request.body ?? {}) as Record<string, unknown>;
    try {
      const moved = await changePatronLibrary(deps, actor, {
        patronId: id,
        libraryId: typeof body.libraryId === 'string' ? body.libraryId : '',
      });
      setFlash(reply, 'success', `Usager rattaché à ${moved.to} (au lieu de ${moved.from}).`);
      return reply.redirect(recordUrl(id), 303);
    } catch (error) {
      if (error instanceof ValidationError) {
        setFlash(reply, 'error', Object.values(error.fieldErrors).join(' '));
        return reply.redirect(`${recordUrl(id)}#actions`, 303);
      }
      return conflictToRecord(reply, error, id, '#actions');
    }
  });

  app.get<{ Params: { id: string } }>('/admin/usagers/:id/supprimer', async (request, reply) => {
    const actor = requireStaff(request, reply);
    if (!actor) return reply;
    const patron = await findPatronForActor(deps, actor, request.params.id);
    if (patron.anonymisedAt) throw erasedRecord();
    return sendPage(request, reply, {
      title: deletePatronTitle(patron),
      body: (ctx) => <DeletePatronPage csrf={ctx.csrf} patron={patron} />,
    });
  });

  app.post<{ Params: { id: string } }>('/admin/usagers/:id/supprimer', async (request, reply) => {
    const actor = requireStaff(request, reply);
    if (!actor) return reply;
    const id = request.params.id;
    try {
      await deletePatron(deps, actor, id);
      setFlash(
        reply,
        'success',
        'Usager supprimé : ses données personnelles sont effacées. La fiche anonyme reste pour les statistiques.',
      );
      return reply.redirect(recordUrl(id), 303);
    } catch (error) {
      return conflictToRecord(reply, error, id);
    }
  });
}

/**
 * "Renouveler les droits" on a selection of the list (handled by the list's bulk route): renews
 * each patron, then says on the list who was renewed and who was left aside, and why.
 */
export async function renewSelection(
  deps: RouteOptions['deps'],
  actor: StaffActor,
  reply: FastifyReply,
  ids: string[],
): Promise<void> {
  try {
    const { kind, message } = bulkRenewMessage(await renewInBulk(deps, actor, { ids }));
    setFlash(reply, kind, message);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    setFlash(reply, 'error', `Renouvellement non appliqué : ${Object.values(error.fieldErrors).join(' ')}`);
  }
}
