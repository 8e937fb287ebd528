/** Why the single-use links of an e-mail are masked, or shown, in the back-office. */
export function MailLinksNotice({ masked, shownLive }: { masked: number; shownLive: number }) {
  if (masked > 0)
    return (
      <div class="fr-notice fr-notice--info fr-mt-3w">
        <div class="fr-container">
          <div class="fr-notice__body">
            <p class="fr-notice__title">
              {masked > 1
                ? 'Les liens à usage unique de ce courriel sont masqués'
                : 'Le lien à usage unique de ce courriel est masqué'}{' '}
              tant qu’il reste valable : il ouvrirait le compte de son destinataire à quiconque le suit. Le
              destinataire le trouve dans le courriel reçu.
            </p>
          </div>
        </div>
      </div>
    );
  if (shownLive > 0)
    return (
      <div class="fr-alert fr-alert--warning fr-mt-3w">
        <h2 class="fr-alert__title">Mode démonstration : liens à usage unique affichés</h2>
        <p>
          Aucun serveur d’envoi (SMTP_URL) n’est configuré : ce courriel ne partira pas, alors ses liens à
          usage unique sont affichés ici pour que vous puissiez les suivre vous-même. Ils ouvrent le compte de
          leur destinataire : dès que SMTP_URL est défini, ils sont masqués tant qu’ils restent valables.
        </p>
      </div>
    );
  return null;
}
