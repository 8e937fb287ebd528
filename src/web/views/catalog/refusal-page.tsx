import type { RefusalCode } from '../../../domain/resource-access.js';
import { ButtonLinks } from '../components/admin-page.js';
import { Notice } from '../components/notice.js';
import { HOME_CRUMB, PageFrame } from '../components/page.js';
import { CATALOG_URL } from './urls.js';

/** Where a refusal leads next: what the person can do about it. */
function nextSteps(code: RefusalCode, here: string): Array<{ href: string; label: string }> {
  const catalog = { href: CATALOG_URL, label: 'Retour au catalogue' };
  switch (code) {
    case 'login_required':
    case 'age_unknown':
      return [
        { href: `/connexion?suite=${encodeURIComponent(here)}`, label: 'Se connecter' },
        { href: '/inscription', label: 'S’inscrire' },
        catalog,
      ];
    case 'temporary_account':
    case 'temporary_ended':
      return [
        { href: '/mon-compte', label: 'Voir mon compte' },
        { href: `${CATALOG_URL}#acces-libre`, label: 'Contenus en Accès libre' },
      ];
    case 'subscription_expired':
      // The message says how to renew (online or at the library): the account page shows the way.
      return [{ href: '/mon-compte', label: 'Voir mon compte' }, catalog];
    case 'registration_refused':
      return [{ href: '/mon-compte', label: 'Voir mon compte' }, catalog];
    case 'quota_reached':
      return [
        { href: '/mon-compte#quotas', label: 'Voir mes quotas' },
        { href: `${CATALOG_URL}#acces-libre`, label: 'Contenus en Accès libre, sans quota' },
      ];
    case 'not_subscribed':
    case 'right_withdrawn':
      return [catalog, { href: '/bibliotheques', label: 'Contacter ma bibliothèque' }];
    default:
      return [catalog];
  }
}

const REFUSAL_TITLES: Partial<Record<RefusalCode, string>> = {
  resource_unknown: 'Ressource introuvable',
  document_unknown: 'Document introuvable',
  document_invalid: 'Document incorrect',
  quota_reached: 'Quota du mois atteint',
  cap_reached: 'Ressource momentanément fermée',
  age_restricted: 'Contenu réservé',
  age_unknown: 'Contenu réservé',
  subscription_expired: 'Abonnement expiré',
};

export function refusalTitle(code: RefusalCode): string {
  return REFUSAL_TITLES[code] ?? 'Accès refusé';
}

/**
 * An opening refused: why, in French, and the next steps. `here` is the address refused, to
 * come back to after logging in.
 */
export function RefusalPage(props: { code: RefusalCode; message: string; status: number; here: string }) {
  const title = refusalTitle(props.code);
  return (
    <PageFrame
      title={title}
      breadcrumb={[HOME_CRUMB, { href: CATALOG_URL, label: 'Ressources' }, { label: title }]}
      cols="fr-col-md-8"
    >
      <Notice kind={props.status === 429 ? 'warning' : 'error'} class="fr-mb-4w">
        <p data-refus={props.code}>{props.message}</p>
      </Notice>
      <ButtonLinks links={nextSteps(props.code, props.here).map((s, i) => ({ ...s, secondary: i > 0 }))} />
    </PageFrame>
  );
}
