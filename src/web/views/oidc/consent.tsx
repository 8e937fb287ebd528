import { OIDC_CLAIM_LABELS, type OidcClaimField } from '../../../connectors/oidc/claims.js';

/**
 * Asked before a provider receives personal fields beyond the pseudonym: what it will receive,
 * and two buttons (the provider gets nothing on "Refuser").
 */
export function OidcConsentPage(props: {
  csrf: string;
  uid: string;
  clientName: string;
  resourceName: string;
  fields: OidcClaimField[];
}) {
  return (
    <div class="fr-grid-row">
      <div class="fr-col-12 fr-col-md-8">
        <h1>Autoriser {props.clientName}</h1>
        <p>
          Pour accéder à <strong>{props.resourceName}</strong>, le service <strong>{props.clientName}</strong>{' '}
          demande les informations suivantes de votre compte :
        </p>
        <ul data-champs={props.fields.join(' ')}>
          {props.fields.map((f) => (
            <li>{OIDC_CLAIM_LABELS[f]}</li>
          ))}
        </ul>
        <p class="fr-text--sm">
          Il reçoit aussi un identifiant anonyme, propre à ce service. Cette autorisation vaut pour cette
          connexion seulement.
        </p>
        <ul class="fr-btns-group fr-btns-group--inline-md">
          <li>
            <form method="post" action={`/oidc/interaction/${props.uid}/autoriser`}>
              <input type="hidden" name="_csrf" value={props.csrf} />
              <button type="submit" class="fr-btn">
                Autoriser et continuer
              </button>
            </form>
          </li>
          <li>
            <form method="post" action={`/oidc/interaction/${props.uid}/refuser`}>
              <input type="hidden" name="_csrf" value={props.csrf} />
              <button type="submit" class="fr-btn fr-btn--secondary">
                Refuser
              </button>
            </form>
          </li>
        </ul>
      </div>
    </div>
  );
}
