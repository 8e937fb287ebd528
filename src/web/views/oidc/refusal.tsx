/**
 * The opening's refusal (expired subscription, age, library not subscribed, right withdrawn…)
 * shown by Sésame before any code is issued; the patron may go back to the service, which is
 * told access_denied.
 */
export function OidcRefusalPage(props: { csrf: string; uid: string; code: string; message: string }) {
  return (
    <div class="fr-grid-row">
      <div class="fr-col-12 fr-col-md-8">
        <h1>Accès refusé</h1>
        <div class="fr-alert fr-alert--error fr-mb-4w">
          <p data-refus={props.code}>{props.message}</p>
        </div>
        <ul class="fr-btns-group fr-btns-group--inline-md">
          <li>
            <a class="fr-btn" href="/mon-compte">
              Voir mon compte
            </a>
          </li>
          <li>
            <form method="post" action={`/oidc/interaction/${props.uid}/refuser`}>
              <input type="hidden" name="_csrf" value={props.csrf} />
              <button type="submit" class="fr-btn fr-btn--secondary">
                Retourner au service
              </button>
            </form>
          </li>
        </ul>
      </div>
    </div>
  );
}
