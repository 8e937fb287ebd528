import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ComponentChildren } from 'preact';
import { DomainError } from '../../../domain/errors.js';
import { frenchDay, type PatronState } from '../../../domain/patron-lifecycle.js';
import {
  AT_LIBRARY,
  hasEnded,
  parisToday,
  renewalEligibility,
  renewalRefusalMessage,
} from '../../../domain/renewal-rules.js';
import type { NetworkSettings } from '../../../domain/settings.js';
import {
  checkLinkOwner,
  checkRenewalLink,
  loadRenewalSituation,
  type RenewalSituation,
  renewalLinkError,
  requestRenewal,
} from '../../../usecases/patrons/request-renewal.js';
import type { RouteOptions } from '../../app.js';
import { requirePatron } from '../../guards.js';
import { sendPage, setFlash } from '../../render.js';
import { Form, FormActions } from '../../views/components/forms.js';
import { Breadcrumb } from '../../views/layout.js';

/** The page of every renewal answer, under "Mon compte". */
function RenewalLayout(props: { title: string; children: ComponentChildren }) {
  return (
    <div class="fr-grid-row">
      <div class="fr-col-12 fr-col-md-10 fr-col-lg-8">
        <Breadcrumb
          items={[
            { href: '/', label: 'Accueil' },
            { href: '/mon-compte', label: 'Mon compte' },
            { label: 'Renouvellement' },
          ]}
        />
        <h1>{props.title}</h1>
        {props.children}
      </div>
    </div>
  );
}

const backToAccount = (
  <ul class="fr-btns-group fr-btns-group--inline-md">
    <li>
      <a class="fr-btn" href="/mon-compte">
        Aller à Mon compte
      </a>
    </li>
  </ul>
);

/** "Demander le renouvellement": what happens next, then one button (the POST). */
function confirmationPage(
  request: FastifyRequest,
  reply: FastifyReply,
  situation: RenewalSituation,
  action: string,
  now: Date,
) {
  const { patron } = situation;
  const ended = hasEnded(patron.activeUntil, parisToday(now));
  return sendPage(request, reply, {
    title: 'Demander le renouvellement',
    body: (ctx) => (
      <RenewalLayout title="Demander le renouvellement">
        <p class="fr-text--lead">
          {patron.activeUntil
            ? ended
              ? `Votre abonnement a expiré le ${frenchDay(patron.activeUntil)}.`
              : `Votre abonnement court jusqu’au ${frenchDay(patron.activeUntil)}.`
            : 'Votre abonnement a pris fin.'}
        </p>
        <p>
          Votre demande sera transmise à <strong>{patron.libraryName}</strong>, qui vérifiera que votre
          adhésion à la bibliothèque est à jour avant de valider votre réinscription. Vous recevrez un
          courriel dès sa décision.
        </p>
        <p>
          {ended
            ? 'Si elle est acceptée, votre nouvel abonnement commencera le jour de la validation.'
            : 'Si elle est acceptée, la nouvelle période commencera à la fin de l’actuelle : vous ne perdez aucun jour. Votre accès reste ouvert en attendant.'}
        </p>
        <Form action={action} csrf={ctx.csrf}>
          <FormActions submit="Demander le renouvellement" cancelHref="/mon-compte" />
        </Form>
      </RenewalLayout>
    ),
  });
}

/** Nothing to ask (already asked, not due yet, not renewable): why, and the way back. */
function notNowPage(request: FastifyRequest, reply: FastifyReply, message: string, status = 200) {
  return sendPage(request, reply, {
    title: 'Renouvellement',
    status,
    body: () => (
      <RenewalLayout title="Renouvellement de votre abonnement">
        <div class="fr-alert fr-alert--info fr-mb-4w">
          <p>{message}</p>
        </div>
        {backToAccount}
      </RenewalLayout>
    ),
  });
}

/**
 * A used, expired or unknown link: what to do instead. Shown before any login, so the person
 * is not asked to log in for a link that cannot work.
 */
function deadLinkPage(request: FastifyRequest, reply: FastifyReply, error: DomainError) {
  const loggedIn = Boolean(request.patron);
  return sendPage(request, reply, {
    title: 'Ce lien ne peut plus servir',
    status: error.status,
    body: () => (
      <RenewalLayout title="Ce lien de renouvellement ne peut plus servir">
        <div class="fr-alert fr-alert--warning fr-mb-3w">
          <p>{error.message}</p>
        </div>
        <p>
          {loggedIn
            ? 'Sur la page « Mon compte », vous voyez l’état de votre abonnement et, s’il peut être renouvelé, le bouton « Demander le renouvellement ».'
            : 'Connectez-vous : sur la page « Mon compte », vous verrez l’état de votre abonnement et, s’il peut être renouvelé, le bouton « Demander le renouvellement ».'}
        </p>
        <ul class="fr-btns-group fr-btns-group--inline-md">
          <li>
            <a class="fr-btn" href={loggedIn ? '/mon-compte' : '/connexion?suite=%2Fmon-compte'}>
              {loggedIn ? 'Aller à Mon compte' : 'Se connecter'}
            </a>
          </li>
        </ul>
      </RenewalLayout>
    ),
  });
}

/** After the POST: back to "Mon compte", which now shows the request waiting. */
function requested(reply: FastifyReply, libraryName: string) {
  setFlash(
    reply,
    'success',
    `Votre demande de renouvellement est transmise à ${libraryName}. Vous recevrez un courriel dès sa décision.`,
  );
  return reply.redirect('/mon-compte', 303);
}

/** 409 (nothing to ask now) and link errors become pages; anything else goes to the error handler. */
function renderFailure(request: FastifyRequest, reply: FastifyReply, error: unknown) {
  if (error instanceof DomainError && error.code.startsWith('renewal_link_'))
    return deadLinkPage(request, reply, error);
  if (error instanceof DomainError && error.status === 409)
    return notNowPage(request, reply, error.message, 409);
  throw error;
}

export async function renewalRoutes(app: FastifyInstance, { deps }: RouteOptions): Promise<void> {
  // The button of "Mon compte" (no link needed): an active patron near the end date, or expired.
  app.get('/mon-compte/renouveler', async (request, reply) => {
    const actor = requirePatron(request, reply);
    if (!actor) return reply;
    const situation = await loadRenewalSituation(deps, actor);
    if (!situation.eligibility.ok)
      return notNowPage(request, reply, renewalRefusalMessage(situation.eligibility));
    return confirmationPage(request, reply, situation, '/mon-compte/renouveler', deps.clock.now());
  });

  app.post('/mon-compte/renouveler', async (request, reply) => {
    const actor = requirePatron(request, reply);
    if (!actor) return reply;
    try {
      const done = await requestRenewal(deps, actor);
      return requested(reply, done.libraryName);
    } catch (error) {
      return renderFailure(request, reply, error);
    }
  });

  // The link of the reminder e-mail.
  app.get<{ Params: { token: string } }>('/mon-compte/renouveler/:token', async (request, reply) => {
    reply.header('referrer-policy', 'no-referrer');
    const state = await checkRenewalLink(deps, request.params.token);
    if (state.status !== 'valid') return deadLinkPage(request, reply, renewalLinkError(state.status));
    const actor = requirePatron(request, reply);
    if (!actor) return reply;
    try {
      await checkLinkOwner(deps, actor, request.params.token);
    } catch (error) {
      return renderFailure(request, reply, error);
    }
    const situation = await loadRenewalSituation(deps, actor);
    if (!situation.eligibility.ok)
      return notNowPage(request, reply, renewalRefusalMessage(situation.eligibility));
    return confirmationPage(
      request,
      reply,
      situation,
      `/mon-compte/renouveler/${request.params.token}`,
      deps.clock.now(),
    );
  });

  app.post<{ Params: { token: string } }>('/mon-compte/renouveler/:token', async (request, reply) => {
    reply.header('referrer-policy', 'no-referrer');
    const actor = requirePatron(request, reply);
    if (!actor) return reply;
    try {
      const done = await requestRenewal(deps, actor, { token: request.params.token });
      return requested(reply, done.libraryName);
    } catch (error) {
      return renderFailure(request, reply, error);
    }
  });
}

/**
 * On "Mon compte": the renewal button, when the patron may ask (an active subscription within
 * the reminder window, or an expired one). Without `today`, only an expired account shows it.
 */
export function RenewalCallout(props: {
  patron: { state: PatronState; activeUntil: string | null };
  settings: NetworkSettings;
  today?: string;
}) {
  const { patron } = props;
  if (!props.settings.onlineRenewal)
    return patron.state === 'active' || patron.state === 'expired' ? (
      <div class="fr-callout fr-mt-2w">
        <p class="fr-callout__text">{AT_LIBRARY}</p>
      </div>
    ) : null;
  const eligible =
    patron.state === 'expired' ||
    (props.today !== undefined && renewalEligibility(patron, props.today, props.settings).ok);
  if (!eligible) return null;
  return (
    <div class="fr-callout fr-mt-2w">
      <p class="fr-callout__text">
        {patron.state === 'expired' || !patron.activeUntil
          ? 'Vous pouvez demander le renouvellement de votre abonnement : votre bibliothèque le validera après avoir vérifié votre adhésion.'
          : `Votre abonnement se termine le ${frenchDay(patron.activeUntil)}. Demandez son renouvellement dès maintenant : la nouvelle période commencera à la fin de l’actuelle, vous ne perdez aucun jour.`}
      </p>
      <a class="fr-btn fr-mt-2w" href="/mon-compte/renouveler">
        Demander le renouvellement
      </a>
    </div>
  );
}
