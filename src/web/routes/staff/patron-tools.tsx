import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { findPatronForStaff, type PatronWithLibrary } from '../../../db/repositories/patrons.js';
import type { StaffActor } from '../../../domain/actor.js';
import { DomainError, notFound, ValidationError } from '../../../domain/errors.js';
import { formatDate, formatDateTime } from '../../../domain/paris.js';
import { CARD_NUMBER_MAX, IDENTITY_LABELS } from '../../../domain/patron-identity.js';
import { frenchDay } from '../../../domain/patron-lifecycle.js';
import { NAME_MAX } from '../../../domain/registration-form.js';
import { changePatronLibrary } from '../../../usecases/patrons/change-library.js';
import { deletePatron } from '../../../usecases/patrons/delete-patron.js';
import { editPatron, erasedRecord, identityOf } from '../../../usecases/patrons/edit-patron.js';
import { renewDirectly, renewInBulk } from '../../../usecases/patrons/renew-directly.js';
import { resendPasswordLink } from '../../../usecases/patrons/resend-password-link.js';
import type { RouteOptions } from '../../app.js';
import { keptValues } from '../../form.js';
import { requireAdmin, requireStaff } from '../../guards.js';
import { sendPage, setFlash } from '../../render.js';
import {
  DateInput,
  ErrorSummary,
  type FieldErrors,
  Form,
  FormActions,
  type FormValues,
  RadioGroup,
  TextInput,
} from '../../views/components/forms.js';
import { Breadcrumb } from '../../views/layout.js';
import { patronName, StateBadge } from '../../views/patrons/patron-display.js';
import { recordToolUrl } from '../../views/patrons/patron-tools-panel.js';

const recordUrl = (id: string) => `/admin/usagers/${id}`;
const EDIT_FIELDS = ['lastName', 'firstName', 'birthDate', 'email', 'cardNumber', 'newsletter'] as const;

/** The record as staff may see it; 404 outside their libraries, whatever the URL. */
async function patronFor(
  deps: RouteOptions['deps'],
  actor: StaffActor,
  id: string,
): Promise<PatronWithLibrary> {
  const patron = await findPatronForStaff(deps.db, actor.scope, id);
  if (!patron) throw notFound('Cet usager');
  return patron;
}

function crumbs(patron: PatronWithLibrary, label: string) {
  return (
    <Breadcrumb
      items={[
        { href: '/admin', label: 'Tableau de bord' },
        { href: '/admin/usagers', label: 'Validation des inscriptions' },
        { href: recordUrl(patron.id), label: patronName(patron) },
        { label },
      ]}
    />
  );
}

/** Flash text for a conflict (someone else was first, nothing to do): shown on the record. */
async function conflictToRecord(reply: FastifyReply, error: unknown, id: string, hash = '') {
  if (!(error instanceof DomainError && error.status === 409)) throw error;
  setFlash(reply, 'error', error.message);
  return reply.redirect(`${recordUrl(id)}${hash}`, 303);
}

export async function patronToolRoutes(app: FastifyInstance, { deps }: RouteOptions): Promise<void> {
  function editPage(
    request: FastifyRequest,
    reply: FastifyReply,
    patron: PatronWithLibrary,
    state: { values?: FormValues; errors?: FieldErrors; status?: number },
  ) {
    const current = identityOf(patron);
    const values: FormValues = state.values ?? {
      lastName: current.lastName,
      firstName: current.firstName,
      birthDate: current.birthDate ? frenchDay(current.birthDate) : '',
      email: current.email,
      cardNumber: current.cardNumber ?? '',
      newsletter: current.newsletter ? 'oui' : 'non',
    };
    const title = `Modifier les informations de ${patronName(patron)}`;
    return sendPage(request, reply, {
      title: state.errors ? `Erreur — ${title}` : title,
      status: state.status,
      body: (ctx) => (
        <div class="fr-grid-row">
          <div class="fr-col-12 fr-col-md-10 fr-col-lg-8">
            {crumbs(patron, 'Modifier')}
            <h1>{title}</h1>
            <p>
              Corrigez les informations de l’usager. Chaque modification est enregistrée dans son historique
              avec l’ancienne et la nouvelle valeur. L’identifiant (<strong>{patron.identifier}</strong>) ne
              change pas.
            </p>
            <p class="fr-text--sm">Les champs avec un astérisque sont obligatoires.</p>
            <ErrorSummary errors={state.errors} labels={IDENTITY_LABELS} />
            <Form action={recordToolUrl(patron.id, 'modifier')} csrf={ctx.csrf}>
              <input type="hidden" name="version" value={patron.updatedAt.toISOString()} />
              <fieldset class="fr-fieldset" aria-labelledby="identite-legende">
                <legend class="fr-fieldset__legend" id="identite-legende">
                  Identité
                </legend>
                <div class="fr-fieldset__element">
                  <TextInput
                    name="lastName"
                    label={IDENTITY_LABELS.lastName}
                    maxLength={NAME_MAX}
                    spellcheck={false}
                    autocomplete="off"
                    values={values}
                    errors={state.errors}
                    required
                  />
                </div>
                <div class="fr-fieldset__element">
                  <TextInput
                    name="firstName"
                    label={IDENTITY_LABELS.firstName}
                    maxLength={NAME_MAX}
                    spellcheck={false}
                    autocomplete="off"
                    values={values}
                    errors={state.errors}
                    required
                  />
                </div>
                <div class="fr-fieldset__element">
                  <DateInput
                    name="birthDate"
                    label={IDENTITY_LABELS.birthDate}
                    hint="JJ/MM/AAAA. Elle détermine les contenus consultables."
                    values={values}
                    errors={state.errors}
                    required
                  />
                </div>
              </fieldset>
              <fieldset class="fr-fieldset" aria-labelledby="contact-legende">
                <legend class="fr-fieldset__legend" id="contact-legende">
                  Compte
                </legend>
                <div class="fr-fieldset__element">
                  <TextInput
                    name="email"
                    type="email"
                    label={IDENTITY_LABELS.email}
                    hint="Une nouvelle adresse n’est plus « vérifiée » et les liens envoyés à l’ancienne ne fonctionnent plus. Format attendu : nom@exemple.fr."
                    spellcheck={false}
                    autocomplete="off"
                    maxLength={254}
                    values={values}
                    errors={state.errors}
                    required
                  />
                </div>
                <div class="fr-fieldset__element">
                  <TextInput
                    name="cardNumber"
                    label={IDENTITY_LABELS.cardNumber}
                    hint="Facultatif : le numéro de sa carte d’adhérent de la bibliothèque."
                    maxLength={CARD_NUMBER_MAX}
                    spellcheck={false}
                    autocomplete="off"
                    values={values}
                    errors={state.errors}
                  />
                </div>
              </fieldset>
              <RadioGroup
                name="newsletter"
                label="L’usager souhaite recevoir la newsletter"
                options={[
                  { value: 'oui', label: 'Oui' },
                  { value: 'non', label: 'Non' },
                ]}
                inline
                values={values}
                errors={state.errors}
                required
              />
              <FormActions submit="Enregistrer les modifications" cancelHref={recordUrl(patron.id)} />
            </Form>
          </div>
        </div>
      ),
    });
  }

  app.get<{ Params: { id: string } }>('/admin/usagers/:id/modifier', async (request, reply) => {
    const actor = requireStaff(request, reply);
    if (!actor) return reply;
    const patron = await patronFor(deps, actor, request.params.id);
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
        const patron = await patronFor(deps, actor, id);
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
    const patron = await patronFor(deps, actor, request.params.id);
    if (patron.anonymisedAt) throw erasedRecord();
    const name = patronName(patron);
    const title = `Supprimer l’usager ${name}`;
    return sendPage(request, reply, {
      title,
      body: (ctx) => (
        <div class="fr-grid-row">
          <div class="fr-col-12 fr-col-md-10 fr-col-lg-8">
            {crumbs(patron, 'Supprimer')}
            <h1>{title}</h1>
            <p>
              <StateBadge state={patron.state} activeUntil={patron.activeUntil} />
              <span class="fr-ml-1w">
                {patron.libraryName} — inscrit le {formatDate(patron.registeredAt)}
              </span>
            </p>
            <div class="fr-alert fr-alert--warning fr-mb-4w">
              <h2 class="fr-alert__title">La suppression est définitive</h2>
              <p>Dès la confirmation, et sans retour possible :</p>
              <ul>
                <li>
                  les données personnelles sont effacées : nom, prénom, courriel, identifiant, mot de passe,
                  numéro de carte ; de la date de naissance ne reste que l’année ;
                </li>
                <li>l’usager ne peut plus se connecter ; les liens qu’il a reçus ne fonctionnent plus ;</li>
                <li>
                  dans l’historique et les courriels envoyés, son nom et les messages sont effacés ; les faits
                  (dates, décisions, bibliothèque) restent pour les statistiques ;
                </li>
                <li>
                  {patron.state === 'pending' || patron.state === 'renewal_pending'
                    ? 'la demande en attente est close : elle ne sera plus à valider ;'
                    : patron.state === 'active'
                      ? 'l’abonnement en cours prend fin aujourd’hui ;'
                      : 'la fiche reste, anonyme, dans les statistiques ;'}
                </li>
                <li>les courriels pas encore partis vers l’usager sont annulés.</li>
              </ul>
              <p>
                Si l’usager veut revenir plus tard, il faudra l’inscrire à nouveau
                {patron.activeUntil && patron.state === 'active'
                  ? ` (son abonnement courait jusqu’au ${frenchDay(patron.activeUntil)})`
                  : ''}
                .
              </p>
            </div>
            <Form action={recordToolUrl(patron.id, 'supprimer')} csrf={ctx.csrf}>
              <ul class="fr-btns-group fr-btns-group--inline-md">
                <li>
                  <button type="submit" class="fr-btn">
                    Supprimer définitivement
                  </button>
                </li>
                <li>
                  <a class="fr-btn fr-btn--secondary" href={recordUrl(patron.id)}>
                    Annuler
                  </a>
                </li>
              </ul>
            </Form>
          </div>
        </div>
      ),
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

function names(list: string[], max = 10): string {
  const shown = list.slice(0, max).join(', ');
  return list.length > max
    ? `${shown} et ${list.length - max} autre${list.length - max > 1 ? 's' : ''}`
    : shown;
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
    const outcome = await renewInBulk(deps, actor, { ids });
    const parts: string[] = [];
    const n = outcome.done.length;
    if (n)
      parts.push(`${n} usager${n > 1 ? 's' : ''} renouvelé${n > 1 ? 's' : ''} : ${names(outcome.done)}.`);
    const k = outcome.skipped.length;
    if (k)
      parts.push(
        `${k} laissé${k > 1 ? 's' : ''} de côté : ${names(outcome.skipped.map((s) => `${s.name} (${s.reason})`))}.`,
      );
    if (n) parts.push('Chacun est informé par courriel de sa nouvelle date de fin.');
    setFlash(reply, k ? (n ? 'info' : 'error') : 'success', parts.join(' '));
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    setFlash(reply, 'error', `Renouvellement non appliqué : ${Object.values(error.fieldErrors).join(' ')}`);
  }
}
