/** An interaction that has expired, was already used, or belongs to another browser. */
export function OidcExpiredPage() {
  return (
    <div class="fr-grid-row">
      <div class="fr-col-12 fr-col-md-8">
        <h1>Demande expirée</h1>
        <div class="fr-alert fr-alert--warning fr-mb-4w">
          <p>
            Cette demande de connexion a expiré ou a déjà été utilisée. Retournez sur le site du service et
            cliquez de nouveau sur « Se connecter ».
          </p>
        </div>
        <p>
          <a class="fr-link" href="/ressources">
            Retour au catalogue des ressources
          </a>
        </p>
      </div>
    </div>
  );
}
