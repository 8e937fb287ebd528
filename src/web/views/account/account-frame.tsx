import type { ComponentChildren } from 'preact';
import { HOME_CRUMB, PageFrame } from '../components/page.js';
import { ACCOUNT_URLS } from '../patrons/account-sections.js';

/** Field names of the "Mon compte" forms, as the error summary names them. */
export const ACCOUNT_LABELS = {
  currentPassword: 'Mot de passe actuel',
  password: 'Nouveau mot de passe',
  confirmation: 'Confirmation du nouveau mot de passe',
  email: 'Nouvelle adresse électronique',
};

/** A page under "Mon compte": breadcrumb from the home page, title, content. */
export function AccountFrame(props: { title: string; crumb: string; children: ComponentChildren }) {
  return (
    <PageFrame
      title={props.title}
      breadcrumb={[HOME_CRUMB, { href: ACCOUNT_URLS.home, label: 'Mon compte' }, { label: props.crumb }]}
    >
      {props.children}
    </PageFrame>
  );
}

export function BackToAccount() {
  return (
    <p class="fr-mt-4w">
      <a class="fr-link fr-icon-arrow-left-line fr-link--icon-left" href={ACCOUNT_URLS.home}>
        Retour à Mon compte
      </a>
    </p>
  );
}

/** A page reached from an e-mail link or after leaving: centred, no breadcrumb. */
export function CentredPage(props: { title: string; children: ComponentChildren }) {
  return (
    <PageFrame title={props.title} centred>
      {props.children}
    </PageFrame>
  );
}
