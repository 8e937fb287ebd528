import { Breadcrumb } from '../layout.js';

/**
 * "Connexion réussie", on the way to a provider (CAS, OpenID Connect) right after a form: the
 * route sends it with a Refresh header. A redirect would be part of the form's navigation, which
 * the CSP (form-action 'self') blocks once it leaves the site; the link is there without refresh.
 */
export function ContinuePage(props: { url: string; loggedOut?: boolean; declined?: boolean }) {
  const title = props.loggedOut
    ? 'Vous êtes déconnecté'
    : props.declined
      ? 'Connexion non autorisée'
      : 'Connexion réussie';
  const said = props.loggedOut
    ? 'Votre session Sésame est fermée.'
    : props.declined
      ? 'Vous n’avez pas autorisé la connexion : le service ne reçoit aucune information.'
      : 'Vous êtes connecté.';
  return (
    <div class="fr-grid-row">
      <div class="fr-col-12 fr-col-md-8">
        <Breadcrumb items={[{ href: '/', label: 'Accueil' }, { label: title }]} />
        <h1>{title}</h1>
        <p>{said} Vous allez être redirigé vers la ressource.</p>
        <p>
          <a class="fr-btn" href={props.url}>
            Continuer vers la ressource
          </a>
        </p>
      </div>
    </div>
  );
}
