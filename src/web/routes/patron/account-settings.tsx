import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ComponentChildren } from 'preact';
import { z } from 'zod';
import type { PatronActor } from '../../../domain/actor.js';
import { DomainError, ValidationError } from '../../../domain/errors.js';
import { formatDateTime, isoDate, parisDay } from '../../../domain/paris.js';
import { describePasswordRule, passwordRule } from '../../../domain/password-policy.js';
import { sha256 } from '../../../security/tokens.js';
import {
  cancelEmailChange,
  confirmEmailChange,
  type EmailChangeOutcome,
  requestEmailChange,
} from '../../../usecases/account/change-email.js';
import { changePassword } from '../../../usecases/account/change-password.js';
import { deleteOwnAccount } from '../../../usecases/account/delete-account.js';
import { collectPatronData } from '../../../usecases/account/download-data.js';
import { ownAccount } from '../../../usecases/account/own-account.js';
import { listMessages, MESSAGES_PER_PAGE, readMessage } from '../../../usecases/account/patron-messages.js';
import { setNewsletter } from '../../../usecases/account/set-newsletter.js';
import { type RouteOptions, SESSION_COOKIE } from '../../app.js';
import { parseForm } from '../../form.js';
import { requirePatron } from '../../guards.js';
import { sendPage, setFlash } from '../../render.js';
import {
  ErrorSummary,
  type FieldErrors,
  Form,
  type FormValues,
  SubmitButton,
  TextInput,
} from '../../views/components/forms.js';
import { linkify } from '../../views/components/linkify.js';
import { DsfrTable } from '../../views/components/table.js';
import { Breadcrumb } from '../../views/layout.js';
import { ACCOUNT_URLS } from '../../views/patrons/account-sections.js';
import { dataDocument, PatronDataPage } from '../../views/patrons/patron-data.js';
import { Pagination } from '../network/outbox.js';

/**
 * "Mon compte" settings (SPEC §5): newsletter, password, e-mail address, messages received,
 * data download and account deletion. Each form is a plain POST, redirected on success.
 */

const newsletterSchema = z.object({
  newsletter: z.enum(['oui', 'non'], { message: 'Choisissez Oui ou Non.' }),
});

const passwordSchema = z.object({
  currentPassword: z.string().max(1024).default(''),
  password: z.string().max(1024, 'Le mot de passe est trop long.').default(''),
  confirmation: z.string().max(1024).default(''),
});

const emailSchema = z.object({
  email: z.string().max(320, 'Cette adresse est trop longue.').default(''),
  currentPassword: z.string().max(1024).default(''),
});

const deleteSchema = z.object({ password: z.string().max(1024).default('') });

const LABELS = {
  currentPassword: 'Mot de passe actuel',
  password: 'Nouveau mot de passe',
  confirmation: 'Confirmation du nouveau mot de passe',
  email: 'Nouvelle adresse électronique',
};

function errorsOf(error: unknown): FieldErrors | null {
  if (error instanceof ValidationError) return error.fieldErrors;
  if (error instanceof DomainError && error.field) return { [error.field]: error.message };
  return null;
}

function Page(props: { title: string; crumb: string; children: ComponentChildren }) {
  return (
    <div class="fr-grid-row">
      <div class="fr-col-12 fr-col-md-10 fr-col-lg-8">
        <Breadcrumb
          items={[
            { href: '/', label: 'Accueil' },
            { href: ACCOUNT_URLS.home, label: 'Mon compte' },
            { label: props.crumb },
          ]}
        />
        <h1>{props.title}</h1>
        {props.children}
      </div>
    </div>
  );
}

const backLink = (
  <p class="fr-mt-4w">
    <a class="fr-link fr-icon-arrow-left-line fr-link--icon-left" href={ACCOUNT_URLS.home}>
      Retour à Mon compte
    </a>
  </p>
);

/** The session making the request, kept open when the password changes. */
function currentSession(request: FastifyRequest): string | null {
  const token = request.cookies[SESSION_COOKIE];
  return token ? sha256(token) : null;
}

export async function accountSettingsRoutes(app: FastifyInstance, { deps }: RouteOptions): Promise<void> {
  const cookieOptions = {
    path: '/',
    httpOnly: true,
    sameSite: 'lax' as const,
    secure: deps.config.secureCookies,
  };

  // ---- Newsletter --------------------------------------------------------------------------
  app.post(ACCOUNT_URLS.newsletter, async (request, reply) => {
    const actor = requirePatron(request, reply);
    if (!actor) return reply;
    const form = parseForm(newsletterSchema, request.body);
    if (!form.ok) {
      setFlash(reply, 'error', 'Choisissez Oui ou Non pour la newsletter.');
      return reply.redirect(`${ACCOUNT_URLS.home}#newsletter`, 303);
    }
    const yes = form.data.newsletter === 'oui';
    await setNewsletter(deps, actor, yes);
    setFlash(
      reply,
      'success',
      yes ? 'C’est noté : vous recevrez la newsletter.' : 'C’est noté : vous ne recevrez plus la newsletter.',
    );
    return reply.redirect(`${ACCOUNT_URLS.home}#newsletter`, 303);
  });

  // ---- Password ----------------------------------------------------------------------------
  async function passwordPage(
    request: FastifyRequest,
    reply: FastifyReply,
    state: { errors?: FieldErrors; status?: number } = {},
  ) {
    const rule = describePasswordRule(passwordRule(request.network.settings));
    return sendPage(request, reply, {
      title: 'Changer de mot de passe',
      status: state.status,
      body: (ctx) => (
        <Page title="Changer de mot de passe" crumb="Mot de passe">
          <p>
            Votre nouveau mot de passe remplace l’actuel dès l’enregistrement. Vos autres sessions ouvertes
            (sur un autre appareil, par exemple) seront fermées ; celle-ci reste ouverte.
          </p>
          <ErrorSummary errors={state.errors} labels={LABELS} />
          <Form action={ACCOUNT_URLS.password} csrf={ctx.csrf}>
            <fieldset class="fr-fieldset">
              <legend class="fr-fieldset__legend">Mot de passe</legend>
              <div class="fr-fieldset__element">
                <TextInput
                  name="currentPassword"
                  type="password"
                  label={LABELS.currentPassword}
                  autocomplete="current-password"
                  errors={state.errors}
                  required
                />
              </div>
              <div class="fr-fieldset__element">
                <TextInput
                  name="password"
                  type="password"
                  label={LABELS.password}
                  hint={rule}
                  autocomplete="new-password"
                  errors={state.errors}
                  required
                />
              </div>
              <div class="fr-fieldset__element">
                <TextInput
                  name="confirmation"
                  type="password"
                  label={LABELS.confirmation}
                  autocomplete="new-password"
                  errors={state.errors}
                  required
                />
              </div>
            </fieldset>
            <SubmitButton>Enregistrer le nouveau mot de passe</SubmitButton>
          </Form>
          {backLink}
        </Page>
      ),
    });
  }

  app.get(ACCOUNT_URLS.password, async (request, reply) => {
    const actor = requirePatron(request, reply);
    if (!actor) return reply;
    return passwordPage(request, reply);
  });

  app.post(ACCOUNT_URLS.password, async (request, reply) => {
    const actor = requirePatron(request, reply);
    if (!actor) return reply;
    const form = parseForm(passwordSchema, request.body);
    if (!form.ok) return passwordPage(request, reply, { errors: form.errors, status: 400 });
    try {
      await changePassword(deps, actor, form.data, currentSession(request));
    } catch (error) {
      const errors = errorsOf(error);
      if (!errors) throw error;
      return passwordPage(request, reply, { errors, status: 400 });
    }
    setFlash(
      reply,
      'success',
      'Votre mot de passe est modifié. Vos autres sessions ont été fermées ; un courriel vous le confirme.',
    );
    return reply.redirect(ACCOUNT_URLS.home, 303);
  });

  // ---- E-mail address ----------------------------------------------------------------------
  async function emailPage(
    request: FastifyRequest,
    reply: FastifyReply,
    actor: PatronActor,
    state: { values?: FormValues; errors?: FieldErrors; status?: number } = {},
  ) {
    const patron = await ownAccount(deps.db, actor);
    return sendPage(request, reply, {
      title: 'Changer d’adresse électronique',
      status: state.status,
      body: (ctx) => (
        <Page title="Changer d’adresse électronique" crumb="Adresse électronique">
          <p>
            Adresse actuelle de votre compte : <strong>{patron.email}</strong>
          </p>
          {patron.pendingEmail && (
            <div class="fr-alert fr-alert--info fr-mb-4w">
              <h2 class="fr-alert__title">Changement en attente de confirmation</h2>
              <p>
                Un lien de confirmation a été envoyé à <strong>{patron.pendingEmail}</strong>. Tant qu’il n’a
                pas été suivi, votre adresse actuelle reste celle du compte.
              </p>
              <Form action={ACCOUNT_URLS.emailCancel} csrf={ctx.csrf} class="fr-mt-2w">
                <SubmitButton secondary>Annuler ce changement</SubmitButton>
              </Form>
            </div>
          )}
          <p>
            Un lien de confirmation sera envoyé à la nouvelle adresse : le changement n’aura lieu que lorsque
            vous l’aurez suivi. Votre adresse actuelle sera prévenue de la demande.
          </p>
          <ErrorSummary errors={state.errors} labels={LABELS} />
          <Form action={ACCOUNT_URLS.email} csrf={ctx.csrf}>
            <fieldset class="fr-fieldset">
              <legend class="fr-fieldset__legend">Nouvelle adresse</legend>
              <div class="fr-fieldset__element">
                <TextInput
                  name="email"
                  type="email"
                  label={LABELS.email}
                  hint="Format attendu : nom@exemple.fr."
                  autocomplete="email"
                  spellcheck={false}
                  maxLength={254}
                  values={state.values}
                  errors={state.errors}
                  required
                />
              </div>
              <div class="fr-fieldset__element">
                <TextInput
                  name="currentPassword"
                  type="password"
                  label={LABELS.currentPassword}
                  hint="Pour votre sécurité, confirmez qu’il s’agit bien de vous."
                  autocomplete="current-password"
                  errors={state.errors}
                  required
                />
              </div>
            </fieldset>
            <SubmitButton>Envoyer le lien de confirmation</SubmitButton>
          </Form>
          {backLink}
        </Page>
      ),
    });
  }

  app.get(ACCOUNT_URLS.email, async (request, reply) => {
    const actor = requirePatron(request, reply);
    if (!actor) return reply;
    return emailPage(request, reply, actor);
  });

  app.post(ACCOUNT_URLS.email, async (request, reply) => {
    const actor = requirePatron(request, reply);
    if (!actor) return reply;
    const form = parseForm(emailSchema, request.body);
    if (!form.ok)
      return emailPage(request, reply, actor, { values: form.values, errors: form.errors, status: 400 });
    try {
      const { email } = await requestEmailChange(deps, actor, form.data);
      setFlash(
        reply,
        'info',
        `Un lien de confirmation a été envoyé à ${email}. Suivez-le pour terminer le changement ; d’ici là, votre adresse actuelle reste valable.`,
      );
    } catch (error) {
      const errors = errorsOf(error);
      if (!errors) throw error;
      return emailPage(request, reply, actor, { values: form.values, errors, status: 400 });
    }
    return reply.redirect(ACCOUNT_URLS.home, 303);
  });

  app.post(ACCOUNT_URLS.emailCancel, async (request, reply) => {
    const actor = requirePatron(request, reply);
    if (!actor) return reply;
    const { cancelled } = await cancelEmailChange(deps, actor);
    setFlash(
      reply,
      'info',
      cancelled
        ? 'Le changement d’adresse est annulé : le lien envoyé ne fonctionne plus.'
        : 'Aucun changement d’adresse n’était en attente.',
    );
    return reply.redirect(ACCOUNT_URLS.home, 303);
  });

  app.get<{ Params: { token: string } }>(`${ACCOUNT_URLS.email}/:token`, async (request, reply) => {
    // The token must not leak to other sites through the Referer header.
    reply.header('referrer-policy', 'no-referrer');
    const outcome = await confirmEmailChange(deps, request.params.token);
    const page = emailOutcome(outcome, Boolean(request.patron));
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
  });

  // ---- Messages ----------------------------------------------------------------------------
  app.get(ACCOUNT_URLS.messages, async (request, reply) => {
    const actor = requirePatron(request, reply);
    if (!actor) return reply;
    const page = z.coerce
      .number()
      .int()
      .min(1)
      .max(100_000)
      .catch(1)
      .parse((request.query as Record<string, unknown> | undefined)?.page ?? 1);
    const list = await listMessages(deps, actor, page);
    const first = (list.page - 1) * MESSAGES_PER_PAGE + 1;
    return sendPage(request, reply, {
      title: 'Mes messages',
      body: () => (
        <Page title="Mes messages" crumb="Mes messages">
          {list.total === 0 ? (
            <p>Vous n’avez encore reçu aucun courriel.</p>
          ) : (
            <>
              <p>
                Les courriels que vous avez reçus, du plus récent au plus ancien. Par sécurité, les liens à
                usage unique (mot de passe, confirmation d’adresse) ne s’affichent que dans le courriel
                lui-même.
              </p>
              <DsfrTable>
                <table>
                  <caption>
                    {list.total > 1
                      ? `Messages ${first} à ${first + list.rows.length - 1} sur ${list.total}`
                      : 'Votre message'}
                  </caption>
                  <thead>
                    <tr>
                      <th scope="col">Date</th>
                      <th scope="col">Objet</th>
                      <th scope="col">Envoyé à</th>
                    </tr>
                  </thead>
                  <tbody>
                    {list.rows.map((m) => (
                      <tr>
                        <td>{formatDateTime(m.createdAt)}</td>
                        <td>
                          <a href={`${ACCOUNT_URLS.messages}/${m.id}`}>{m.subject}</a>
                        </td>
                        <td class="sesame-break">{m.toAddress}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </DsfrTable>
              <Pagination
                current={list.page}
                last={list.pageCount}
                href={(n) => (n > 1 ? `${ACCOUNT_URLS.messages}?page=${n}` : ACCOUNT_URLS.messages)}
              />
            </>
          )}
          {backLink}
        </Page>
      ),
    });
  });

  app.get<{ Params: { id: string } }>(`${ACCOUNT_URLS.messages}/:id`, async (request, reply) => {
    const actor = requirePatron(request, reply);
    if (!actor) return reply;
    const id = /^[1-9]\d{0,15}$/.test(request.params.id) ? Number(request.params.id) : 0;
    const message = await readMessage(deps, actor, id);
    return sendPage(request, reply, {
      title: message.subject,
      body: () => (
        <div class="fr-grid-row">
          <div class="fr-col-12 fr-col-md-10 fr-col-lg-8">
            <Breadcrumb
              items={[
                { href: '/', label: 'Accueil' },
                { href: ACCOUNT_URLS.home, label: 'Mon compte' },
                { href: ACCOUNT_URLS.messages, label: 'Mes messages' },
                { label: 'Message' },
              ]}
            />
            <h1>{message.subject}</h1>
            <p>
              Reçu le {formatDateTime(message.createdAt)}, envoyé à{' '}
              <span class="sesame-break">{message.toAddress}</span>
            </p>
            <pre class="sesame-pre fr-p-3w fr-background-alt--grey">{linkify(message.text)}</pre>
            <p>
              <a class="fr-link fr-icon-arrow-left-line fr-link--icon-left" href={ACCOUNT_URLS.messages}>
                Retour à mes messages
              </a>
            </p>
          </div>
        </div>
      ),
    });
  });

  // ---- My data -----------------------------------------------------------------------------
  app.get(ACCOUNT_URLS.data, async (request, reply) => {
    const actor = requirePatron(request, reply);
    if (!actor) return reply;
    const data = await collectPatronData(deps, actor);
    return sendPage(request, reply, { title: 'Mes données', body: () => <PatronDataPage data={data} /> });
  });

  app.get(ACCOUNT_URLS.dataJson, async (request, reply) => {
    const actor = requirePatron(request, reply);
    if (!actor) return reply;
    const data = await collectPatronData(deps, actor);
    const day = isoDate(parisDay(data.at));
    return reply
      .header('content-type', 'application/json; charset=utf-8')
      .header('content-disposition', `attachment; filename="mes-donnees-${day}.json"`)
      .header('cache-control', 'no-store')
      .send(`${JSON.stringify(dataDocument(data), null, 2)}\n`);
  });

  // ---- Account deletion --------------------------------------------------------------------
  async function deletePage(
    request: FastifyRequest,
    reply: FastifyReply,
    actor: PatronActor,
    state: { errors?: FieldErrors; status?: number } = {},
  ) {
    const patron = await ownAccount(deps.db, actor);
    return sendPage(request, reply, {
      title: 'Supprimer mon compte',
      status: state.status,
      body: (ctx) => (
        <Page title="Supprimer mon compte" crumb="Supprimer mon compte">
          <div class="fr-alert fr-alert--warning fr-mb-4w">
            <h2 class="fr-alert__title">La suppression est définitive</h2>
            <p>
              Votre compte {patron.identifier} sera fermé et vos données personnelles effacées aussitôt : nom,
              prénom, adresse électronique, identifiant, mot de passe, date de naissance (seule l’année est
              gardée, pour les statistiques), et le contenu des courriels qui vous ont été envoyés.
            </p>
          </div>
          <ul>
            <li>
              Vous n’aurez plus accès aux ressources numériques, même s’il restait du temps d’abonnement.
            </li>
            <li>
              Votre bibliothèque, {patron.libraryName}, sera prévenue de la suppression (avec vos nom et
              identifiant, qu’elle connaît déjà).
            </li>
            <li>Pour revenir plus tard, il faudra vous réinscrire.</li>
          </ul>
          <p>
            Vous souhaitez garder une copie de vos données ?{' '}
            <a href={ACCOUNT_URLS.data}>Téléchargez-les d’abord</a>.
          </p>
          <ErrorSummary errors={state.errors} labels={{ password: 'Mot de passe' }} />
          <Form action={ACCOUNT_URLS.delete} csrf={ctx.csrf}>
            <fieldset class="fr-fieldset">
              <legend class="fr-fieldset__legend">Confirmez avec votre mot de passe</legend>
              <div class="fr-fieldset__element">
                <TextInput
                  name="password"
                  type="password"
                  label="Mot de passe"
                  autocomplete="current-password"
                  errors={state.errors}
                  required
                />
              </div>
            </fieldset>
            <ul class="fr-btns-group fr-btns-group--inline-md">
              <li>
                <button type="submit" class="fr-btn">
                  Supprimer définitivement mon compte
                </button>
              </li>
              <li>
                <a class="fr-btn fr-btn--secondary" href={ACCOUNT_URLS.home}>
                  Annuler
                </a>
              </li>
            </ul>
          </Form>
        </Page>
      ),
    });
  }

  app.get(ACCOUNT_URLS.delete, async (request, reply) => {
    const actor = requirePatron(request, reply);
    if (!actor) return reply;
    return deletePage(request, reply, actor);
  });

  app.post(ACCOUNT_URLS.delete, async (request, reply) => {
    const actor = requirePatron(request, reply);
    if (!actor) return reply;
    const form = parseForm(deleteSchema, request.body);
    if (!form.ok) return deletePage(request, reply, actor, { errors: form.errors, status: 400 });
    try {
      await deleteOwnAccount(deps, actor, form.data);
    } catch (error) {
      const errors = errorsOf(error);
      if (!errors) throw error;
      return deletePage(request, reply, actor, { errors, status: 400 });
    }
    reply.clearCookie(SESSION_COOKIE, cookieOptions);
    return reply.redirect(ACCOUNT_URLS.deleted, 303);
  });

  // Public: the session is gone by the time this page shows.
  app.get(ACCOUNT_URLS.deleted, async (request, reply) =>
    sendPage(request, reply, {
      title: 'Votre compte a été supprimé',
      body: () => (
        <div class="fr-grid-row fr-grid-row--center">
          <div class="fr-col-12 fr-col-md-10 fr-col-lg-8">
            <h1>Votre compte a été supprimé</h1>
            <div class="fr-alert fr-alert--success fr-mb-4w" role="status">
              <p>Vos données personnelles ont été effacées et votre bibliothèque a été prévenue.</p>
            </div>
            <p>
              Les ressources libres restent consultables sans compte. Pour accéder de nouveau aux autres
              ressources, il vous faudra vous réinscrire.
            </p>
            <ul class="fr-btns-group fr-btns-group--inline-md">
              <li>
                <a class="fr-btn" href="/">
                  Retour à l’accueil
                </a>
              </li>
            </ul>
          </div>
        </div>
      ),
    }),
  );
}

function emailOutcome(
  outcome: EmailChangeOutcome,
  loggedIn: boolean,
): { title: string; status: number; body: ComponentChildren } {
  const next = loggedIn ? (
    <ul class="fr-btns-group fr-btns-group--inline-md">
      <li>
        <a class="fr-btn" href={ACCOUNT_URLS.home}>
          Mon compte
        </a>
      </li>
    </ul>
  ) : (
    <ul class="fr-btns-group fr-btns-group--inline-md">
      <li>
        <a class="fr-btn" href={`/connexion?suite=${encodeURIComponent(ACCOUNT_URLS.email)}`}>
          Se connecter
        </a>
      </li>
    </ul>
  );
  switch (outcome.status) {
    case 'changed':
      return {
        title: 'Votre nouvelle adresse est confirmée',
        status: 200,
        body: (
          <>
            <div class="fr-alert fr-alert--success fr-mb-4w" role="status">
              <p>
                Votre compte utilise désormais l’adresse <strong>{outcome.email}</strong>.
              </p>
            </div>
            <p>
              Les courriels vous seront envoyés à cette adresse, et vous pouvez l’utiliser pour vous
              connecter.
            </p>
            {next}
          </>
        ),
      };
    case 'used':
      return {
        title: 'Ce lien a déjà servi',
        status: 410,
        body: (
          <>
            <p>
              Ce lien de confirmation a déjà été utilisé, ou remplacé par une demande plus récente. Si vous
              l’avez déjà suivi, votre adresse est modifiée : vérifiez-la dans « Mon compte ».
            </p>
            <p>Sinon, demandez de nouveau le changement d’adresse depuis « Mon compte ».</p>
            {next}
          </>
        ),
      };
    case 'expired':
      return {
        title: 'Ce lien a expiré',
        status: 410,
        body: (
          <>
            <p>
              Le délai pour confirmer votre nouvelle adresse est dépassé : votre adresse n’a pas changé.
              Connectez-vous et demandez de nouveau le changement dans « Mon compte » ; un nouveau lien vous
              sera envoyé.
            </p>
            {next}
          </>
        ),
      };
    case 'taken':
      return {
        title: 'Cette adresse est déjà utilisée',
        status: 409,
        body: (
          <>
            <p>
              Entre-temps, cette adresse est devenue celle d’un autre compte : votre adresse n’a pas changé.
              Choisissez-en une autre dans « Mon compte », ou adressez-vous à votre bibliothèque.
            </p>
            {next}
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
              Ce lien n’est pas valide : vérifiez qu’il est complet, en le copiant depuis le courriel reçu si
              besoin.
            </p>
            {next}
          </>
        ),
      };
  }
}
