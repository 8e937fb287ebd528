import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Library } from '../../../db/repositories/libraries.js';
import type { DuplicateMatch } from '../../../db/repositories/patron-records.js';
import { inScope, type StaffActor } from '../../../domain/actor.js';
import { ValidationError } from '../../../domain/errors.js';
import { formatDateTime } from '../../../domain/paris.js';
import { describePasswordRule, passwordRule } from '../../../domain/password-policy.js';
import { CARD_NUMBER_MAX } from '../../../domain/patron-identity.js';
import { frenchDay } from '../../../domain/patron-lifecycle.js';
import { REGISTRATION_LABELS } from '../../../domain/registration-form.js';
import {
  noLibraryToRegisterIn,
  registerPatronByStaff,
  registrationLibraries,
  staffRegistrationClosed,
} from '../../../usecases/patrons/register-by-staff.js';
import type { RouteOptions } from '../../app.js';
import { keptValues } from '../../form.js';
import { requireStaff } from '../../guards.js';
import { sendPage, setFlash } from '../../render.js';
import {
  Checkbox,
  ErrorSummary,
  type FieldErrors,
  Form,
  type FormValues,
  SubmitButton,
  TextInput,
} from '../../views/components/forms.js';
import { DsfrTable } from '../../views/components/table.js';
import { Breadcrumb } from '../../views/layout.js';
import { patronName, StateBadge } from '../../views/patrons/patron-display.js';
import { LibrarySelect, RegistrationFields } from '../patron/registration.js';

export const STAFF_REGISTRATION_URL = '/admin/usagers/nouveau';
const TITLE = 'Inscription usager ressources numériques';
const CONFIRM_FIELD = 'confirmer_doublon';
const SEEN_FIELD = 'doublons';

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

const LABELS: Record<string, string> = {
  ...REGISTRATION_LABELS,
  libraryId: 'Bibliothèque',
  cardNumber: 'Numéro de carte',
  [CONFIRM_FIELD]: 'Doublon possible',
};

interface FormState {
  values?: FormValues;
  errors?: FieldErrors;
  status?: number;
  duplicates?: { matches: DuplicateMatch[]; blocking: boolean };
}

/** The library part of the form: fixed for staff of one library, a choice among theirs otherwise. */
function LibraryField(props: { libraries: Library[]; values?: FormValues; errors?: FieldErrors }) {
  const only = props.libraries.length === 1 ? props.libraries[0]! : null;
  return (
    <>
      <div class="fr-fieldset__element">
        {only ? (
          <div class="fr-input-group">
            <p class="fr-label fr-mb-1w" id="bibliotheque-fixe">
              {LABELS.libraryId}
            </p>
            <p class="fr-text--bold fr-mb-0" aria-describedby="bibliotheque-fixe">
              {only.name} ({only.town})
            </p>
            <input type="hidden" name="libraryId" value={only.id} />
          </div>
        ) : (
          <LibrarySelect
            libraries={props.libraries}
            values={props.values}
            errors={props.errors}
            hint="La bibliothèque où l’usager est adhérent, parmi celles que vous gérez. Tapez les premières lettres de la commune pour la trouver."
          />
        )}
      </div>
      <div class="fr-fieldset__element">
        <TextInput
          name="cardNumber"
          label="Numéro de carte"
          hint="Facultatif : le numéro de sa carte d’adhérent de la bibliothèque."
          maxLength={CARD_NUMBER_MAX}
          spellcheck={false}
          autocomplete="off"
          values={props.values}
          errors={props.errors}
        />
      </div>
    </>
  );
}

const MATCH_WORDING = (m: DuplicateMatch): string => {
  const parts: string[] = [];
  if (m.sameEmail)
    parts.push(
      m.state === 'refused'
        ? 'Même adresse électronique (demande refusée : une nouvelle inscription est possible)'
        : 'Même adresse électronique',
    );
  if (m.sameIdentity) parts.push('Mêmes nom, prénom et date de naissance');
  return parts.join(' ; ');
};

/** The existing records like the person being registered: open only those of the actor's libraries. */
function DuplicateList({
  matches,
  actor,
  blocking,
}: {
  matches: DuplicateMatch[];
  actor: StaffActor;
  blocking: boolean;
}) {
  return (
    <div class={`fr-alert ${blocking ? 'fr-alert--error' : 'fr-alert--warning'} fr-mb-4w`} id="doublons">
      <h2 class="fr-alert__title">
        {blocking
          ? 'Cette adresse électronique a déjà un compte'
          : 'Cette personne est peut-être déjà inscrite'}
      </h2>
      <p>
        {blocking
          ? 'Une adresse électronique ne sert qu’à un seul compte : le compte existant est indiqué ci-dessous. Si c’est la même personne, il n’y a rien à créer (renouvelez ou corrigez plutôt son compte) ; sinon, saisissez l’adresse de l’usager.'
          : 'Un compte existe déjà dans le réseau avec les éléments ci-dessous. Vérifiez qu’il ne s’agit pas de la même personne avant de créer un second compte.'}
      </p>
      <DsfrTable class="fr-table--no-caption fr-mt-2w fr-mb-0">
        <table>
          <caption>Comptes existants ressemblant à l’usager saisi</caption>
          <thead>
            <tr>
              <th scope="col">Nom et prénom</th>
              <th scope="col">Naissance</th>
              <th scope="col">Bibliothèque</th>
              <th scope="col">État</th>
              <th scope="col">Ressemblance</th>
              <th scope="col">Fiche</th>
            </tr>
          </thead>
          <tbody>
            {matches.map((m) => (
              <tr>
                <th scope="row">{patronName(m)}</th>
                <td>{m.birthDate ? frenchDay(m.birthDate) : '—'}</td>
                <td>{m.libraryName}</td>
                <td>
                  <StateBadge state={m.state} activeUntil={m.activeUntil} small />
                </td>
                <td>{MATCH_WORDING(m)}</td>
                <td>
                  {inScope(actor.scope, m.libraryId) ? (
                    <a href={`/admin/usagers/${m.id}`}>
                      Ouvrir la fiche<span class="fr-sr-only"> de {patronName(m)}</span>
                    </a>
                  ) : (
                    'Dans une autre bibliothèque : contactez l’administration du réseau'
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </DsfrTable>
    </div>
  );
}

function ids(value: unknown): string[] {
  const list = Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : [];
  return list.filter((v): v is string => typeof v === 'string' && /^[0-9a-f-]{36}$/i.test(v.trim()));
}

export async function staffRegistrationRoutes(app: FastifyInstance, { deps }: RouteOptions): Promise<void> {
  async function formPage(request: FastifyRequest, reply: FastifyReply, actor: StaffActor, state: FormState) {
    const libraries = await registrationLibraries(deps, actor);
    if (libraries.length === 0) throw noLibraryToRegisterIn();
    const settings = request.network.settings;
    const rule = describePasswordRule(passwordRule(settings));
    const dup = state.duplicates;
    return sendPage(request, reply, {
      title: state.errors ? `Erreur — ${TITLE}` : dup ? `Doublon possible — ${TITLE}` : TITLE,
      status: state.status,
      body: (ctx) => (
        <div class="fr-grid-row fr-grid-row--center">
          <div class="fr-col-12 fr-col-lg-10">
            <Breadcrumb
              items={[
                { href: '/admin', label: 'Tableau de bord' },
                { href: '/admin/usagers', label: 'Validation des inscriptions' },
                { label: TITLE },
              ]}
            />
            <h1>{TITLE}</h1>
            <p>
              Inscrivez un adhérent de votre bibliothèque. Il recevra par courriel un lien pour choisir
              lui-même son mot de passe (valable {settings.setPasswordLinkDays} jours) : personne d’autre ne
              le connaîtra. Règle du mot de passe : {rule.charAt(0).toLowerCase()}
              {rule.slice(1)}
            </p>
            <p>
              L’inscription reste « à valider » jusqu’à ce que vous l’enregistriez depuis la fiche de
              l’usager, après avoir vérifié ses informations.
            </p>
            <p class="fr-text--sm">Les champs avec un astérisque sont obligatoires.</p>
            <ErrorSummary errors={state.errors} labels={LABELS} />
            {dup && <DuplicateList matches={dup.matches} actor={actor} blocking={dup.blocking} />}
            <Form action={STAFF_REGISTRATION_URL} csrf={ctx.csrf}>
              <RegistrationFields
                libraries={libraries}
                values={state.values}
                errors={state.errors}
                passwordRule={rule}
                withPassword={false}
                staff
                libraryField={
                  <LibraryField libraries={libraries} values={state.values} errors={state.errors} />
                }
              />
              {dup && !dup.blocking && (
                <div class="fr-mb-3w">
                  <input type="hidden" name={SEEN_FIELD} value={dup.matches.map((m) => m.id).join(',')} />
                  <Checkbox
                    name={CONFIRM_FIELD}
                    label="Je confirme qu’il s’agit d’une autre personne / je veux créer ce compte quand même"
                    hint="Sans cette confirmation, aucun compte n’est créé."
                    values={state.values}
                    errors={state.errors}
                  />
                </div>
              )}
              <SubmitButton>Inscrire l’usager</SubmitButton>
            </Form>
          </div>
        </div>
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
