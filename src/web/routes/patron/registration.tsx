import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ComponentChildren } from 'preact';
import { type Library, listLibraries } from '../../../db/repositories/libraries.js';
import { DomainError, ValidationError } from '../../../domain/errors.js';
import { THROTTLE_WINDOW_MS } from '../../../domain/login-throttle.js';
import { formatDateTime } from '../../../domain/paris.js';
import { describePasswordRule, passwordRule } from '../../../domain/password-policy.js';
import { frenchDay } from '../../../domain/patron-lifecycle.js';
import {
  HONEYPOT_FIELD,
  IDENTIFIER_MAX,
  NAME_MAX,
  REGISTRATION_LABELS,
} from '../../../domain/registration-form.js';
import { LocalAttemptCounter } from '../../../security/local-attempts.js';
import {
  type ConfirmationOutcome,
  confirmRegistration,
} from '../../../usecases/patrons/confirm-registration.js';
import { registerPatron } from '../../../usecases/patrons/register-patron.js';
import { resendRegistrationMail } from '../../../usecases/patrons/resend-registration-mail.js';
import type { RouteOptions } from '../../app.js';
import { ASSETS } from '../../assets.js';
import { keptValues } from '../../form.js';
import { sendPage, setFlash } from '../../render.js';
import {
  DateInput,
  ErrorSummary,
  type FieldErrors,
  Form,
  type FormValues,
  RadioGroup,
  SubmitButton,
  TextInput,
} from '../../views/components/forms.js';
import { Breadcrumb } from '../../views/layout.js';
import { RegistrationSentPage } from '../../views/registration/registration-sent.js';

const TITLE = 'Formulaire d’inscription';
const SENT_PATH = '/inscription/envoyee';
const RESEND_PATH = '/inscription/renvoyer';
/** The address a registration was sent to, for its "check your mail" page: signed, this browser only. */
const SENT_COOKIE = 'sesame_inscription';

function rememberSentAddress(reply: FastifyReply, email: string): void {
  reply.setCookie(SENT_COOKIE, email.trim(), {
    path: '/inscription',
    httpOnly: true,
    sameSite: 'lax',
    signed: true,
    maxAge: 24 * 60 * 60,
  });
}

function sentAddress(request: FastifyRequest): string | null {
  const raw = request.cookies[SENT_COOKIE];
  if (!raw) return null;
  const unsigned = request.unsignCookie(raw);
  if (!unsigned.valid || !unsigned.value || !/^[^\s@]+@[^\s@]+$/.test(unsigned.value)) return null;
  return unsigned.value.slice(0, 254);
}

/** "É" and "E" open the same group: people look for their town by its first letter. */
function initial(town: string): string {
  const letter = town.normalize('NFD').replace(/\p{M}/gu, '').trim().charAt(0).toUpperCase();
  return /[A-Z]/.test(letter) ? letter : '#';
}

const collator = new Intl.Collator('fr', { sensitivity: 'base', numeric: true });

/** Libraries sorted by town then name, grouped by the town's first letter. */
export function libraryGroups(libraries: Library[]): Array<{ letter: string; libraries: Library[] }> {
  const sorted = [...libraries].sort(
    (a, b) => collator.compare(a.town, b.town) || collator.compare(a.name, b.name),
  );
  const groups: Array<{ letter: string; libraries: Library[] }> = [];
  for (const l of sorted) {
    const letter = initial(l.town);
    const last = groups[groups.length - 1];
    if (last?.letter === letter) last.libraries.push(l);
    else groups.push({ letter, libraries: [l] });
  }
  return groups;
}

/**
 * A native select (typing the first letters of a town jumps to it, on every browser and with
 * screen readers), which combobox.js turns into a searchable list when JavaScript runs: with
 * 300 libraries, a phone's native picker is a long scroll.
 */
export function LibrarySelect(props: {
  libraries: Library[];
  values?: FormValues;
  errors?: FieldErrors;
  hint: string;
}) {
  const name = 'libraryId';
  const error = props.errors?.[name];
  const current = props.values?.[name] ?? '';
  const describedBy = ['champ-libraryId-aide', error ? 'champ-libraryId-message' : '']
    .filter(Boolean)
    .join(' ');
  return (
    <div class={`fr-select-group${error ? ' fr-select-group--error' : ''}`}>
      <label class="fr-label" for="champ-libraryId">
        {REGISTRATION_LABELS.libraryId}
        <span aria-hidden="true"> *</span>
        <span class="fr-hint-text" id="champ-libraryId-aide">
          {props.hint}
        </span>
      </label>
      <select
        class={`fr-select${error ? ' fr-select--error' : ''}`}
        id="champ-libraryId"
        name={name}
        required
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={describedBy}
        data-combobox
      >
        <option value="" selected={current === ''}>
          Sélectionnez une bibliothèque
        </option>
        {libraryGroups(props.libraries).map((g) => (
          <optgroup label={g.letter}>
            {g.libraries.map((l) => (
              <option value={l.id} selected={l.id === current}>
                {`${l.town} — ${l.name}`}
              </option>
            ))}
          </optgroup>
        ))}
      </select>
      <div class="fr-messages-group" id="champ-libraryId-message" aria-live="polite">
        {error && <p class="fr-message fr-message--error">{error}</p>}
      </div>
      <script src={ASSETS.comboboxJs} defer />
    </div>
  );
}

/**
 * The fields of the registration form (SPEC §2), shared by self-registration and by staff
 * registering a patron (who do not choose the password: `withPassword` false). For staff,
 * `staff` words the hints for the person at the desk and `libraryField` replaces the library
 * select (a fixed library, the card number).
 */
export function RegistrationFields(props: {
  libraries: Library[];
  values?: FormValues;
  errors?: FieldErrors;
  passwordRule: string;
  withPassword: boolean;
  staff?: boolean;
  libraryField?: ComponentChildren;
}) {
  const { values, errors } = props;
  // Staff type someone else's details: their browser must not offer their own.
  const staff = props.staff === true;
  return (
    <>
      <fieldset class="fr-fieldset" aria-labelledby="identite-legende">
        <legend class="fr-fieldset__legend" id="identite-legende">
          Identité
        </legend>
        <div class="fr-fieldset__element">
          <TextInput
            name="lastName"
            label={REGISTRATION_LABELS.lastName}
            autocomplete={staff ? 'off' : 'family-name'}
            maxLength={NAME_MAX}
            spellcheck={false}
            values={values}
            errors={errors}
            required
          />
        </div>
        <div class="fr-fieldset__element">
          <TextInput
            name="firstName"
            label={REGISTRATION_LABELS.firstName}
            autocomplete={staff ? 'off' : 'given-name'}
            maxLength={NAME_MAX}
            spellcheck={false}
            values={values}
            errors={errors}
            required
          />
        </div>
        <div class="fr-fieldset__element">
          <DateInput
            name="birthDate"
            label={REGISTRATION_LABELS.birthDate}
            hint="JJ/MM/AAAA. La mention d’âge détermine les contenus consultables."
            values={values}
            errors={errors}
            required
          />
        </div>
      </fieldset>
      <fieldset class="fr-fieldset" aria-labelledby="compte-legende">
        <legend class="fr-fieldset__legend" id="compte-legende">
          Compte
        </legend>
        <div class="fr-fieldset__element">
          <TextInput
            name="email"
            type="email"
            label={REGISTRATION_LABELS.email}
            hint={
              staff
                ? 'L’usager y recevra le lien pour choisir son mot de passe. Format attendu : nom@exemple.fr.'
                : 'Un lien pour confirmer l’inscription y sera envoyé. Format attendu : nom@exemple.fr.'
            }
            autocomplete={staff ? 'off' : 'email'}
            spellcheck={false}
            maxLength={254}
            values={values}
            errors={errors}
            required
          />
        </div>
        <div class="fr-fieldset__element">
          <TextInput
            name="identifier"
            label={REGISTRATION_LABELS.identifier}
            hint={`${staff ? 'Choisi avec l’usager' : 'Celui de votre choix'}, évitez les accents : lettres sans accents, chiffres, point, tiret ou souligné (3 à ${IDENTIFIER_MAX} caractères).`}
            autocomplete={staff ? 'off' : 'username'}
            spellcheck={false}
            maxLength={IDENTIFIER_MAX}
            values={values}
            errors={errors}
            required
          />
        </div>
        {props.withPassword && (
          <>
            <div class="fr-fieldset__element">
              <TextInput
                name="password"
                type="password"
                label={REGISTRATION_LABELS.password}
                hint={props.passwordRule}
                autocomplete="new-password"
                errors={errors}
                required
              />
            </div>
            <div class="fr-fieldset__element">
              <TextInput
                name="confirmation"
                type="password"
                label={REGISTRATION_LABELS.confirmation}
                hint="Entrez à nouveau votre mot de passe"
                autocomplete="new-password"
                errors={errors}
                required
              />
            </div>
          </>
        )}
      </fieldset>
      <fieldset class="fr-fieldset" aria-labelledby="bibliotheque-legende">
        <legend class="fr-fieldset__legend" id="bibliotheque-legende">
          Bibliothèque
        </legend>
        {props.libraryField ?? (
          <div class="fr-fieldset__element">
            <LibrarySelect
              libraries={props.libraries}
              values={values}
              errors={errors}
              hint="Sélectionnez votre bibliothèque de proximité, celle où vous êtes adhérent. Les bibliothèques sont classées par commune : tapez les premières lettres de la commune pour la trouver."
            />
          </div>
        )}
      </fieldset>
      <RadioGroup
        name="newsletter"
        label={
          staff
            ? 'L’usager souhaite recevoir la newsletter pour connaître toutes les nouveautés.'
            : 'Je souhaite recevoir la newsletter pour connaître toutes les nouveautés.'
        }
        hint={
          staff
            ? 'Facultatif : sans réponse, l’usager ne la reçoit pas.'
            : 'Facultatif : sans réponse, vous ne la recevez pas.'
        }
        options={[
          { value: 'oui', label: 'Oui' },
          { value: 'non', label: 'Non' },
        ]}
        inline
        values={values}
        errors={errors}
      />
    </>
  );
}

/** Robots fill every field; people never see this one (hidden from display and assistive tech). */
function Honeypot() {
  return (
    <div class="fr-hidden" aria-hidden="true">
      <label for="champ-site-web">Ne pas remplir ce champ</label>
      <input
        type="text"
        id="champ-site-web"
        name={HONEYPOT_FIELD}
        value=""
        tabIndex={-1}
        autocomplete="off"
      />
    </div>
  );
}

export async function registrationRoutes(app: FastifyInstance, { deps }: RouteOptions): Promise<void> {
  // This instance's count of registration forms per address (the database keeps the shared one).
  const localAttempts = new LocalAttemptCounter(THROTTLE_WINDOW_MS);
  function closedPage(request: FastifyRequest, reply: FastifyReply, status = 200) {
    return sendPage(request, reply, {
      title: 'Inscription en bibliothèque',
      status,
      body: () => (
        <div class="fr-grid-row">
          <div class="fr-col-12 fr-col-md-9">
            <Breadcrumb items={[{ href: '/', label: 'Accueil' }, { label: 'Inscription' }]} />
            <h1>L’inscription se fait en bibliothèque</h1>
            <p class="fr-text--lead">
              L’inscription en ligne n’est pas proposée : votre bibliothèque vous inscrit elle-même à la
              médiathèque numérique.
            </p>
            <p>
              Présentez-vous à l’accueil de votre bibliothèque avec votre carte d’adhérent. Vous recevrez
              ensuite par courriel un lien pour choisir votre mot de passe.
            </p>
            <ul class="fr-btns-group fr-btns-group--inline-md">
              <li>
                <a class="fr-btn" href="/bibliotheques">
                  Trouver ma bibliothèque
                </a>
              </li>
              <li>
                <a class="fr-btn fr-btn--secondary" href="/connexion">
                  J’ai déjà un compte
                </a>
              </li>
            </ul>
          </div>
        </div>
      ),
    });
  }

  async function formPage(
    request: FastifyRequest,
    reply: FastifyReply,
    state: { values?: FormValues; errors?: FieldErrors; status?: number },
  ) {
    const libraries = await listLibraries(deps.db, { all: true }, { activeOnly: true });
    const rule = describePasswordRule(passwordRule(request.network.settings));
    return sendPage(request, reply, {
      title: state.errors ? `Erreur — ${TITLE}` : TITLE,
      status: state.status,
      body: (ctx) => (
        <div class="fr-grid-row fr-grid-row--center">
          <div class="fr-col-12 fr-col-md-10 fr-col-lg-8">
            <Breadcrumb items={[{ href: '/', label: 'Accueil' }, { label: 'Inscription' }]} />
            <h1>{TITLE}</h1>
            <p>
              Pour accéder aux contenus de {ctx.networkName}, il faut être adhérent de l’une des bibliothèques
              du réseau. Votre bibliothèque valide ensuite votre demande.
            </p>
            <p class="fr-text--sm">Les champs avec un astérisque sont obligatoires.</p>
            <ErrorSummary errors={state.errors} labels={REGISTRATION_LABELS} />
            <Form action="/inscription" csrf={ctx.csrf}>
              <RegistrationFields
                libraries={libraries}
                values={state.values}
                errors={state.errors}
                passwordRule={rule}
                withPassword
              />
              <Honeypot />
              <p class="fr-text--sm">
                Vos données servent uniquement à gérer votre accès : voir{' '}
                <a href="/donnees-personnelles">la politique de protection des données personnelles</a>.
              </p>
              <SubmitButton>Envoyer ma demande d’inscription</SubmitButton>
            </Form>
            <p class="fr-mt-4w">
              Déjà inscrit ? <a href="/connexion">Se connecter</a>
            </p>
          </div>
        </div>
      ),
    });
  }

  app.get('/inscription', async (request, reply) => {
    if (request.patron) return reply.redirect('/mon-compte', 303);
    if (!request.network.settings.selfRegistration) return closedPage(request, reply);
    return formPage(request, reply, {});
  });

  app.post('/inscription', async (request, reply) => {
    if (!request.network.settings.selfRegistration) return closedPage(request, reply, 403);
    const body = (request.body ?? {}) as Record<string, unknown>;
    try {
      await registerPatron(deps, { form: body, ip: request.ip, network: request.network, localAttempts });
    } catch (error) {
      if (error instanceof ValidationError) {
        const values = keptValues(body);
        delete values[HONEYPOT_FIELD];
        return formPage(request, reply, { values, errors: error.fieldErrors, status: 400 });
      }
      if (error instanceof DomainError && error.code === 'self_registration_closed')
        return closedPage(request, reply, 403);
      throw error;
    }
    rememberSentAddress(reply, String(body.email ?? ''));
    return reply.redirect(SENT_PATH, 303);
  });

  app.get(SENT_PATH, async (request, reply) =>
    sendPage(request, reply, {
      title: 'Vérifiez votre messagerie',
      body: (ctx) => (
        <RegistrationSentPage
          ctx={ctx}
          data={{
            email: sentAddress(request),
            confirmationDays: request.network.settings.confirmationDays,
          }}
        />
      ),
    }),
  );

  app.post(RESEND_PATH, async (request, reply) => {
    const email = sentAddress(request);
    if (!email) return reply.redirect('/inscription', 303);
    try {
      await resendRegistrationMail(deps, { email, ip: request.ip });
    } catch (error) {
      if (!(error instanceof DomainError) || error.code !== 'resend_rate_limited') throw error;
      setFlash(reply, 'error', error.message);
      return reply.redirect(SENT_PATH, 303);
    }
    // Worded for every case: whether the address has a request or an account is its own business.
    setFlash(reply, 'success', `Un nouveau courriel vient d’être envoyé à ${email}.`);
    return reply.redirect(SENT_PATH, 303);
  });

  app.get<{ Params: { token: string } }>('/inscription/confirmer/:token', async (request, reply) => {
    // The token must not leak to other sites through the Referer header.
    reply.header('referrer-policy', 'no-referrer');
    const outcome = await confirmRegistration(deps, { token: request.params.token, ip: request.ip });
    return confirmationPage(request, reply, outcome);
  });

  function confirmationPage(request: FastifyRequest, reply: FastifyReply, outcome: ConfirmationOutcome) {
    const page = confirmationContent(outcome);
    return sendPage(request, reply, {
      title: page.title,
      status: page.status,
      body: () => (
        <div class="fr-grid-row fr-grid-row--center">
          <div class="fr-col-12 fr-col-md-10 fr-col-lg-8">
            <h1>{page.title}</h1>
            {page.body}
          </div>
        </div>
      ),
    });
  }
}

const loginButton = (
  <ul class="fr-btns-group fr-btns-group--inline-md">
    <li>
      <a class="fr-btn" href="/connexion">
        Se connecter
      </a>
    </li>
  </ul>
);

const registerAgainButton = (
  <ul class="fr-btns-group fr-btns-group--inline-md">
    <li>
      <a class="fr-btn" href="/inscription">
        S’inscrire à nouveau
      </a>
    </li>
  </ul>
);

function confirmationContent(outcome: ConfirmationOutcome): {
  title: string;
  status: number;
  body: ComponentChildren;
} {
  switch (outcome.status) {
    case 'confirmed':
      return {
        title: 'Votre inscription est confirmée',
        status: 200,
        body: (
          <>
            <div class="fr-alert fr-alert--success fr-mb-4w" role="status">
              <p>Merci, votre adresse électronique est confirmée.</p>
            </div>
            <p>
              Vous disposez dès maintenant d’un <strong>compte temporaire</strong> : les contenus en{' '}
              <strong>Accès libre</strong> sont consultables.
            </p>
            <p>
              Les contenus au <strong>Forfait</strong> seront consultables quand votre inscription aura été
              validée par {outcome.libraryName}, qui vérifie votre adhésion et votre date de naissance. Le
              compte temporaire dure au plus {outcome.temporaryAccountDays} jours, jusqu’au{' '}
              {frenchDay(outcome.temporaryUntil)}. Vous recevrez un courriel dès la décision.
            </p>
            {loginButton}
          </>
        ),
      };
    case 'already_confirmed':
      return {
        title: 'Votre inscription est déjà confirmée',
        status: 200,
        body: (
          <>
            <p>
              Ce lien a déjà servi : votre adresse électronique est confirmée, il n’y a rien d’autre à faire.
            </p>
            <p>Connectez-vous avec votre identifiant ou votre adresse électronique.</p>
            {loginButton}
          </>
        ),
      };
    case 'superseded':
      return {
        title: 'Ce lien a été remplacé',
        status: 410,
        body: (
          <>
            <div class="fr-alert fr-alert--warning fr-mb-4w">
              <p>
                Ce lien a déjà été utilisé ou remplacé par un lien plus récent : utilisez le lien du dernier
                courriel reçu (« Rappel : confirmez votre inscription »). Il reste valable jusqu’au{' '}
                {formatDateTime(outcome.deadline)}.
              </p>
            </div>
          </>
        ),
      };
    case 'expired':
      return {
        title: 'Votre demande a expiré, vous pouvez vous inscrire à nouveau',
        status: 410,
        body: (
          <>
            <p>
              Le délai pour confirmer votre inscription est dépassé : la demande et les données saisies ont
              été supprimées. Pour accéder à la médiathèque numérique, remplissez à nouveau le formulaire
              d’inscription.
            </p>
            {registerAgainButton}
          </>
        ),
      };
    default:
      return {
        title: 'Lien de confirmation inconnu',
        status: 404,
        body: (
          <>
            <p>
              Ce lien de confirmation n’est pas valide : vérifiez qu’il est complet, en le copiant depuis le
              courriel reçu si besoin.
            </p>
            <p>
              S’il date de plus de quelques semaines, votre demande a expiré : vous pouvez vous inscrire à
              nouveau.
            </p>
            {registerAgainButton}
          </>
        ),
      };
  }
}
