import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { StaffActor } from '../../../domain/actor.js';
import { ValidationError } from '../../../domain/errors.js';
import { formatDateTime } from '../../../domain/paris.js';
import { describePasswordRule, passwordRule } from '../../../domain/password-policy.js';
import {
  noLibraryToRegisterIn,
  registerPatronByStaff,
  staffRegistrationClosed,
} from '../../../usecases/patrons/register-by-staff.js';
import {
  lookUpRegistrationCard,
  staffRegistrationFormData,
} from '../../../usecases/patrons/registration-ils.js';
import type { RouteOptions } from '../../app.js';
import { keptValues } from '../../form.js';
import { requireStaff } from '../../guards.js';
import { sendPage, setFlash } from '../../render.js';
import {
  CONFIRM_FIELD,
  ILS_LOOKUP_ACTION,
  SEEN_FIELD,
  STAFF_REGISTRATION_URL,
  StaffRegistrationPage,
  type StaffRegistrationState,
  staffRegistrationTitle,
} from '../../views/staff-registration/staff-registration-page.js';

const FORM_FIELDS = [
  'lastName',
  'firstName',
  'birthDate',
  'email',
  'identifier',
  'libraryId',
  'newsletter',
  'cardNumber',
] as const;

function ids(value: unknown): string[] {
  const list = Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : [];
  return list.filter((v): v is string => typeof v === 'string' && /^[0-9a-f-]{36}$/i.test(v.trim()));
}

export async function staffRegistrationRoutes(app: FastifyInstance, { deps }: RouteOptions): Promise<void> {
  async function formPage(
    request: FastifyRequest,
    reply: FastifyReply,
    actor: StaffActor,
    state: StaffRegistrationState,
  ) {
    const { libraries, ilsLibraryIds } = await staffRegistrationFormData(deps, actor);
    if (libraries.length === 0) throw noLibraryToRegisterIn();
    const settings = request.network.settings;
    return sendPage(request, reply, {
      title: staffRegistrationTitle(state),
      status: state.status,
      body: (ctx) => (
        <StaffRegistrationPage
          actor={actor}
          libraries={libraries}
          passwordRule={describePasswordRule(passwordRule(settings))}
          linkDays={settings.setPasswordLinkDays}
          state={state}
          ilsLibraryIds={ilsLibraryIds}
          csrf={ctx.csrf}
        />
      ),
    });
  }

  app.get(STAFF_REGISTRATION_URL, async (request, reply) => {
    const actor = requireStaff(request, reply);
    if (!actor) return reply;
    if (!request.network.settings.staffRegistration) throw staffRegistrationClosed();
    return formPage(request, reply, actor, {});
  });

  app.post(STAFF_REGISTRATION_URL, async (request, reply) => {
    const actor = requireStaff(request, reply);
    if (!actor) return reply;
    const body = (request.body ?? {}) as Record<string, unknown>;
    const form: Record<string, unknown> = {};
    for (const f of FORM_FIELDS) form[f] = typeof body[f] === 'string' ? body[f] : undefined;
    const kept = keptValues(form);
    // "Rechercher dans le système de la bibliothèque": the form comes back, filled; nothing written.
    if (body.action === ILS_LOOKUP_ACTION) {
      if (!request.network.settings.staffRegistration) throw staffRegistrationClosed();
      const { values, lookup } = await lookUpRegistrationCard(deps, actor, kept);
      return formPage(request, reply, actor, {
        values,
        ilsLookup: lookup,
        status: lookup.kind === 'problem' ? 400 : undefined,
      });
    }
    const confirming = body[CONFIRM_FIELD] === 'oui';
    const seen = ids(body[SEEN_FIELD]);
    try {
      const outcome = await registerPatronByStaff(deps, actor, {
        form,
        confirmedDuplicateIds: confirming ? seen : [],
      });
      if (outcome.kind === 'email_taken')
        return formPage(request, reply, actor, {
          values: kept,
          errors: {
            email:
              'Cette adresse électronique est déjà celle d’un compte : une seule inscription par adresse. Voir le compte existant ci-dessous.',
          },
          duplicates: { matches: outcome.matches, blocking: true },
          status: 409,
        });
      if (outcome.kind === 'possible_duplicates') {
        // Shown before and still there without the box ticked: say what is missing.
        const unconfirmed = seen.length > 0 && outcome.matches.every((m) => seen.includes(m.id));
        return formPage(request, reply, actor, {
          values: { ...kept, [CONFIRM_FIELD]: undefined },
          errors: unconfirmed
            ? {
                [CONFIRM_FIELD]:
                  'Cochez la case pour confirmer qu’il s’agit d’une autre personne, ou ouvrez la fiche existante.',
              }
            : undefined,
          duplicates: { matches: outcome.matches, blocking: false },
          status: unconfirmed ? 400 : 409,
        });
      }
      setFlash(
        reply,
        'success',
        `Usager inscrit à ${outcome.libraryName}. Un courriel « Définissez votre mot de passe » est parti à ${outcome.email} (lien valable jusqu’au ${formatDateTime(outcome.linkExpiresAt)}). Vérifiez ses informations, puis « Enregistrer » pour activer son abonnement.`,
      );
      return reply.redirect(`/admin/usagers/${outcome.patronId}`, 303);
    } catch (error) {
      if (error instanceof ValidationError)
        return formPage(request, reply, actor, { values: kept, errors: error.fieldErrors, status: 400 });
      throw error;
    }
  });
}
