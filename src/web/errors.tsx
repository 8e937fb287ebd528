import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isDatabaseUnavailable } from '../db/unavailable.js';
import { DomainError } from '../domain/errors.js';
import { sendPage } from './render.js';

/** The one mapping from errors to HTTP answers. No stack trace ever reaches a person. */

function errorPage(
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  title: string,
  message: string,
) {
  const wantsJson =
    request.headers.accept?.includes('application/json') && !request.headers.accept.includes('text/html');
  if (wantsJson) return reply.status(status).send({ error: title, message });
  return sendPage(request, reply, {
    title,
    status,
    body: () => (
      <div class="fr-grid-row">
        <div class="fr-col-12 fr-col-md-8">
          <h1>{title}</h1>
          <p class="fr-text--lead">{message}</p>
          <p class="fr-text--sm">Erreur {status}</p>
          <ul class="fr-btns-group fr-btns-group--inline-md">
            <li>
              <a class="fr-btn" href={request.actor ? '/admin' : '/'}>
                Retour à l’accueil
              </a>
            </li>
            <li>
              <a class="fr-btn fr-btn--secondary" href="/aide">
                Aide
              </a>
            </li>
          </ul>
        </div>
      </div>
    ),
  });
}

/** Seconds a client should wait after a 503: a PostgreSQL restart or failover takes a few. */
const RETRY_AFTER_S = '5';

const TITLES: Record<number, string> = {
  400: 'Demande incorrecte',
  403: 'Accès refusé',
  404: 'Page non trouvée',
  409: 'Action impossible',
  410: 'Lien expiré',
  413: 'Fichier trop volumineux',
  429: 'Trop de tentatives',
};

export function registerErrorHandling(app: FastifyInstance): void {
  app.setNotFoundHandler((request, reply) =>
    errorPage(
      request,
      reply,
      404,
      'Page non trouvée',
      'La page que vous cherchez n’existe pas ou a été déplacée. Vérifiez l’adresse ou revenez à l’accueil.',
    ),
  );

  app.setErrorHandler((error: FastifyError | DomainError, request, reply) => {
    if (error instanceof DomainError)
      return errorPage(
        request,
        reply,
        error.status,
        TITLES[error.status] ?? 'Action impossible',
        error.message,
      );
    // The database restarting or failing over is an outage, not a bug: say so, and when to retry.
    // (A client's own broken upload is its fault: Fastify gives it a 4xx status.)
    if (((error as FastifyError).statusCode ?? 500) >= 500 && isDatabaseUnavailable(error)) {
      request.log.warn({ err: error }, 'service unavailable: a connection was lost or refused');
      reply.header('retry-after', RETRY_AFTER_S);
      return errorPage(
        request,
        reply,
        503,
        'Service momentanément indisponible',
        'Sésame ne peut pas traiter votre demande pour le moment. Réessayez dans quelques instants.',
      );
    }
    const code = (error as FastifyError).code;
    if (code === 'FST_CSRF_INVALID_TOKEN' || code === 'FST_CSRF_MISSING_SECRET')
      return errorPage(
        request,
        reply,
        403,
        'Formulaire expiré',
        'Ce formulaire a expiré ou ne vient pas de ce site. Revenez à la page précédente, rechargez-la et envoyez-la à nouveau.',
      );
    const status = (error as FastifyError).statusCode ?? 500;
    if (status === 429)
      return errorPage(
        request,
        reply,
        429,
        TITLES[429]!,
        'Trop de demandes en peu de temps. Patientez un instant puis réessayez.',
      );
    if (status >= 400 && status < 500)
      return errorPage(
        request,
        reply,
        status,
        TITLES[status] ?? 'Demande incorrecte',
        status === 413
          ? 'Le fichier envoyé est trop volumineux.'
          : 'La demande envoyée n’a pas pu être comprise. Revenez à la page précédente et réessayez.',
      );
    request.log.error({ err: error }, 'unhandled error');
    return errorPage(
      request,
      reply,
      500,
      'Erreur inattendue',
      'Une erreur inattendue nous empêche d’afficher cette page. L’équipe technique a été prévenue ; réessayez dans quelques minutes.',
    );
  });
}
