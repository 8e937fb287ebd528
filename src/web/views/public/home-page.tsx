const CARDS = [
  {
    href: '/bibliotheques',
    title: 'Trouver ma bibliothèque',
    text: 'Pour accéder aux ressources, il faut être adhérent de l’une des bibliothèques du réseau.',
  },
  {
    href: '/aide',
    title: 'Comment ça marche ?',
    text: 'Inscription, validation par votre bibliothèque, quotas mensuels.',
  },
];

/** The home page (/): what the digital library is, and the two ways in. */
export function HomePage({ networkName }: { networkName: string }) {
  return (
    <>
      <h1>{networkName}</h1>
      <p class="fr-text--lead">
        Films, livres numériques, bandes dessinées, magazines et journaux : la médiathèque numérique est
        offerte aux adhérents des bibliothèques du réseau.
      </p>
      <div class="fr-grid-row fr-grid-row--gutters">
        {CARDS.map((card) => (
          <div class="fr-col-12 fr-col-md-6">
            <div class="fr-card">
              <div class="fr-card__body">
                <div class="fr-card__content">
                  <h2 class="fr-card__title">
                    <a href={card.href}>{card.title}</a>
                  </h2>
                  <p class="fr-card__desc">{card.text}</p>
                </div>
              </div>
            </div>
          </div>
        ))}
      </div>
    </>
  );
}
