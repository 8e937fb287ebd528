import type { ComponentChildren } from 'preact';
import type { RefusalCode } from '../../../domain/resource-access.js';
import { Form, SubmitButton } from '../components/forms.js';
import { Breadcrumb } from '../layout.js';

/**
 * The pages Sésame's CAS server shows to people (the protocol answers themselves are XML or
 * JSON): an unknown service, a refusal before any ticket, "already logged in", logging out.
 */

function Page(props: { title: string; children: ComponentChildren }) {
  return (
    <div class="fr-grid-row">
      <div class="fr-col-12 fr-col-md-8">
        <Breadcrumb items={[{ href: '/', label: 'Accueil' }, { label: props.title }]} />
        <h1>{props.title}</h1>
        {props.children}
      </div>
    </div>
  );
}

export function UnregisteredServicePage() {
  return (
    <Page title="Service inconnu">
      <div class="fr-alert fr-alert--error fr-mb-4w">
        <p data-cas="service-inconnu">
          Le site qui vous a envoyé ici n’est pas un fournisseur enregistré auprès de Sésame : aucune
          connexion ne lui est transmise. Passez par le catalogue des ressources de votre bibliothèque.
        </p>
      </div>
      <ul class="fr-btns-group fr-btns-group--inline-md">
        <li>
          <a class="fr-btn" href="/ressources">
            Catalogue des ressources
          </a>
        </li>
      </ul>
    </Page>
  );
}

/** Before any ticket: why this patron may not use this provider, in the catalog's words. */
export function CasRefusalPage(props: {
  title: string;
  code: RefusalCode;
  message: string;
  warning: boolean;
}) {
  return (
    <Page title={props.title}>
      <div class={`fr-alert ${props.warning ? 'fr-alert--warning' : 'fr-alert--error'} fr-mb-4w`}>
        <p data-refus={props.code}>{props.message}</p>
      </div>
      <ul class="fr-btns-group fr-btns-group--inline-md">
        <li>
          <a class="fr-btn" href="/mon-compte">
            Voir mon compte
          </a>
        </li>
        <li>
          <a class="fr-btn fr-btn--secondary" href="/ressources">
            Catalogue des ressources
          </a>
        </li>
      </ul>
    </Page>
  );
}

export function StaffNoTicketPage() {
  return (
    <Page title="Connexion réservée aux usagers">
      <div class="fr-alert fr-alert--info fr-mb-4w">
        <p>
          Vous êtes connecté avec un compte du personnel : les fournisseurs de ressources n’acceptent que les
          comptes des usagers. Déconnectez-vous puis connectez-vous avec un compte d’usager.
        </p>
      </div>
      <p>
        <a class="fr-link" href="/admin">
          Tableau de bord
        </a>
      </p>
    </Page>
  );
}

export function CasLoggedInPage() {
  return (
    <Page title="Vous êtes connecté">
      <p>
        Votre connexion à Sésame est ouverte : les ressources numériques du réseau vous reconnaîtront sans
        vous redemander votre mot de passe.
      </p>
      <p>
        <a class="fr-link" href="/ressources">
          Catalogue des ressources
        </a>
      </p>
    </Page>
  );
}

/** Logging out is asked first: a link on another site cannot end a patron's session. */
export function CasLogoutConfirmPage(props: { csrf: string; service: string | undefined }) {
  return (
    <Page title="Se déconnecter">
      <p>Vous allez vous déconnecter de Sésame et des ressources numériques qui s’en servent.</p>
      <Form action="/cas/logout" csrf={props.csrf}>
        {props.service !== undefined && <input type="hidden" name="service" value={props.service} />}
        <SubmitButton>Se déconnecter</SubmitButton>
      </Form>
    </Page>
  );
}

export function CasLoggedOutPage() {
  return (
    <Page title="Vous êtes déconnecté">
      <p>Votre session Sésame est fermée.</p>
      <p>
        <a class="fr-link" href="/connexion">
          Se connecter de nouveau
        </a>
      </p>
    </Page>
  );
}
