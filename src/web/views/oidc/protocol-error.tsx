import { renderToString } from 'preact-render-to-string';

const MESSAGES: Record<string, string> = {
  invalid_request: 'La demande de connexion envoyée par le service est incomplète ou incorrecte.',
  invalid_client: 'Le service qui demande la connexion n’est pas enregistré auprès du réseau.',
  invalid_redirect_uri: 'L’adresse de retour demandée n’est pas celle enregistrée pour ce service.',
  unauthorized_client: 'Ce service n’est pas autorisé à demander cette connexion.',
  invalid_scope: 'Le service demande des informations qui ne peuvent pas lui être transmises.',
  access_denied: 'La connexion a été refusée.',
};

/**
 * The page oidc-provider shows when it cannot send the patron back to the service (unknown
 * client, wrong return address…): a plain French page, nothing about the request repeated.
 */
export function protocolErrorPage(error: string): string {
  const message =
    MESSAGES[error] ??
    'La connexion au service n’a pas pu aboutir. Retournez sur le site du service et réessayez.';
  return `<!doctype html>${renderToString(
    <html lang="fr">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>Connexion impossible — Sésame</title>
      </head>
      <body>
        <main>
          <h1>Connexion impossible</h1>
          <p data-erreur={error}>{message}</p>
          <p>
            <a href="/ressources">Retour au catalogue des ressources</a>
          </p>
        </main>
      </body>
    </html>,
  )}`;
}
