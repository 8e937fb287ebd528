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

/** A free resource as the home page lists it. */
export interface FreeResource {
  name: string;
  provider: string;
  description: string | null;
}

/** The home page (/): what the digital library is, the ways in, and what anyone may open now. */
export function HomePage(props: {
  networkName: string;
  free: FreeResource[];
  showRegister: boolean;
  showLogin: boolean;
}) {
  const { free } = props;
  return (
    <>
      <h1>{props.networkName}</h1>
      <p class="fr-text--lead">
        Films, livres numériques, bandes dessinées, magazines et journaux : la médiathèque numérique est
        offerte aux adhérents des bibliothèques du réseau.
      </p>
      <ul class="fr-btns-group fr-btns-group--inline-md fr-mb-4w">
        {props.showRegister && (
          <li>
            <a class="fr-btn" href="/inscription">
              S’inscrire
            </a>
          </li>
        )}
        {props.showLogin && (
          <li>
            <a class="fr-btn fr-btn--secondary" href="/connexion">
              Se connecter
            </a>
          </li>
        )}
        <li>
          <a class="fr-btn fr-btn--tertiary" href="/aide">
            Aide
          </a>
        </li>
      </ul>
      <section class="fr-mb-4w" aria-labelledby="ressources-libres">
        <h2 id="ressources-libres">Ressources libres, sans inscription</h2>
        {free.length === 0 ? (
          <p>Aucune ressource libre n’est proposée pour le moment.</p>
        ) : (
          <>
            <p>Ces ressources sont ouvertes à tous les visiteurs et ne sont pas décomptées d’un forfait.</p>
            <ul>
              {free.map((r) => (
                <li>
                  <strong>{r.name}</strong> ({r.provider}){r.description ? ` : ${r.description}` : ''}
                </li>
              ))}
            </ul>
            <p>
              <a href="/ressources">Voir et ouvrir les ressources libres</a>
            </p>
          </>
        )}
      </section>
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
