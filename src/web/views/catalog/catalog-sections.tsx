import type { ResourceRow } from '../../../db/repositories/resources.js';
import {
  CATEGORY_LABELS,
  KIND_DESCRIPTIONS,
  KIND_SECTION_TITLES,
  QUOTA_CATEGORIES,
  RESOURCE_KINDS,
  type ResourceKind,
} from '../../../domain/resources.js';
import type { CatalogView } from '../../../usecases/resources/catalog.js';
import { ButtonLinks } from '../components/admin-page.js';
import { Notice } from '../components/notice.js';
import { KindLabel, ResourceCard } from './resource-card.js';
import { CATALOG_URL } from './urls.js';

const SECTION_IDS: Record<ResourceKind, string> = {
  open: 'ressources-libres',
  unlimited: 'acces-libre',
  quota: 'forfait',
};

/** What the visitor's account opens today, and what to do for more. */
export function StandingNotice({ view }: { view: CatalogView }) {
  switch (view.standing) {
    case 'anonymous':
      return (
        <div class="fr-callout fr-mb-4w">
          <h2 class="fr-callout__title">Adhérent d’une bibliothèque du réseau ?</h2>
          <p class="fr-callout__text">
            Les ressources libres sont ouvertes à tous. Inscrivez-vous pour consulter aussi les contenus en{' '}
            <strong>Accès libre</strong> et, une fois votre inscription validée par votre bibliothèque, ceux
            du <strong>Forfait</strong> : films, livres numériques, BD, magazines et presse.
          </p>
          <ButtonLinks
            links={[
              { href: '/inscription', label: 'S’inscrire' },
              {
                href: `/connexion?suite=${encodeURIComponent(CATALOG_URL)}`,
                label: 'Se connecter',
                secondary: true,
              },
            ]}
          />
        </div>
      );
    case 'temporary':
      return (
        <Notice kind="info" class="fr-mb-4w" title="Compte temporaire">
          <p>
            Vous pouvez consulter les ressources libres et les contenus en Accès libre. Les contenus du
            Forfait seront ouverts dès que votre bibliothèque aura validé votre inscription.
          </p>
        </Notice>
      );
    case 'temporary_ended':
      return (
        <Notice kind="warning" class="fr-mb-4w" title="Compte temporaire terminé">
          <p>
            Votre bibliothèque n’a pas encore validé votre inscription : seules les ressources libres restent
            consultables en attendant. <a href="/mon-compte">Voir mon compte</a>
          </p>
        </Notice>
      );
    case 'expired':
      return (
        <Notice kind="warning" class="fr-mb-4w" title="Abonnement expiré">
          <p>
            Seules les ressources libres restent consultables.{' '}
            {view.onlineRenewal ? (
              <a href="/mon-compte">Demander le renouvellement</a>
            ) : (
              'Rendez-vous à votre bibliothèque pour vous réinscrire : elle renouvellera vos droits.'
            )}
          </p>
        </Notice>
      );
    case 'refused':
    case 'closed':
      return (
        <Notice kind="info" class="fr-mb-4w" title="Ressources libres seulement">
          <p>Votre compte ne donne accès qu’aux ressources libres, ouvertes à tous.</p>
        </Notice>
      );
    default:
      return null;
  }
}

function QuotaLine({ view }: { view: CatalogView }) {
  if (!view.quotas) return null;
  return (
    <p class="fr-text--sm">
      Restant ce mois-ci :{' '}
      {view.quotas
        .map((q) => `${CATEGORY_LABELS[q.category]} ${Math.max(0, q.limit - q.used)} sur ${q.limit}`)
        .join(' · ')}
      . <a href="/mon-compte#quotas">Mes quotas</a>
    </p>
  );
}

/** The catalog by kind of content (then by quota category), with what is locked and why. */
export function CatalogSections({ view, resources }: { view: CatalogView; resources: ResourceRow[] }) {
  const kinds = RESOURCE_KINDS.filter(
    (k) => resources.some((r) => r.kind === k) || view.lockedKinds.includes(k),
  );
  if (kinds.length === 0) return <p>Aucune ressource n’est proposée ici pour le moment.</p>;
  return (
    <>
      {kinds.map((kind) => {
        const list = resources.filter((r) => r.kind === kind);
        return (
          <section class="fr-mb-6w" id={SECTION_IDS[kind]} aria-labelledby={`${SECTION_IDS[kind]}-titre`}>
            <h2 id={`${SECTION_IDS[kind]}-titre`}>
              {KIND_SECTION_TITLES[kind]} <KindLabel kind={kind} />
            </h2>
            <p>{KIND_DESCRIPTIONS[kind]}</p>
            {list.length === 0 ? (
              <p class="fr-text--sm">
                {view.standing === 'anonymous'
                  ? 'Connectez-vous pour voir ces ressources.'
                  : 'Votre compte ne donne pas encore accès à ces ressources.'}
              </p>
            ) : kind === 'quota' ? (
              <>
                <QuotaLine view={view} />
                {QUOTA_CATEGORIES.filter((c) => list.some((r) => r.category === c)).map((category) => (
                  <>
                    <h3 class="fr-mt-4w">{CATEGORY_LABELS[category]}</h3>
                    <div class="fr-grid-row fr-grid-row--gutters">
                      {list
                        .filter((r) => r.category === category)
                        .map((r) => (
                          <ResourceCard
                            resource={r}
                            headingLevel={4}
                            lastUnit={view.quotas?.some(
                              (q) => q.category === category && q.used + 1 === q.limit,
                            )}
                          />
                        ))}
                    </div>
                  </>
                ))}
              </>
            ) : (
              <div class="fr-grid-row fr-grid-row--gutters">
                {list.map((r) => (
                  <ResourceCard resource={r} headingLevel={3} />
                ))}
              </div>
            )}
          </section>
        );
      })}
    </>
  );
}
