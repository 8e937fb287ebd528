import { ROLE_LABELS } from '../../../domain/actor.js';
import { formatDate, formatDateTime } from '../../../domain/paris.js';
import type { StaffAccountDetails } from '../../../usecases/network/staff-account-pages.js';
import { PageHeading, RefusalNotice } from '../components/admin-page.js';
import { Form, SubmitButton } from '../components/forms.js';
import { HistoryTable } from '../components/history.js';
import { AccountBadge } from '../staff/account-badge.js';
import { STAFF_ACCOUNTS_URL } from './account-fields.js';

const EVENT_LABELS: Record<string, string> = {
  staff_created: 'Compte créé',
  staff_disabled: 'Compte désactivé',
  staff_enabled: 'Compte réactivé',
  staff_updated: 'Compte modifié',
  staff_password_link_sent: 'Lien « Définissez votre mot de passe » envoyé',
  password_set: 'Mot de passe défini',
  password_reset: 'Mot de passe changé',
};

/** One staff account: its details, what may be done to it (not to oneself), its history. */
export function AccountPage(props: {
  details: StaffAccountDetails;
  /** The account is the administrator's own: it cannot be deactivated from here. */
  self: boolean;
  linkDays: number;
  csrf: string;
  notice?: string;
}) {
  const { details, self, linkDays, csrf } = props;
  const { account, libraries } = details;
  const base = `${STAFF_ACCOUNTS_URL}/${account.id}`;
  return (
    <>
      <PageHeading
        trail={[{ href: STAFF_ACCOUNTS_URL, label: 'Comptes du personnel' }]}
        title={
          <>
            {account.name} <span class="fr-text--lead">({account.identifier})</span>
          </>
        }
        label={account.identifier}
      />
      <div class="fr-mb-3w">
        <AccountBadge staff={account} />
      </div>
      <RefusalNotice message={props.notice} />
      <div class="fr-grid-row fr-grid-row--gutters">
        <div class="fr-col-12 fr-col-md-7">
          <h2>Informations</h2>
          <p>
            <a class="fr-link fr-icon-edit-line fr-link--icon-left" href={`${base}/modifier`}>
              Modifier le nom, le courriel, le rôle ou la bibliothèque
            </a>
          </p>
          <dl>
            <dt>Identifiant</dt>
            <dd>{account.identifier}</dd>
            <dt>Nom</dt>
            <dd>{account.name}</dd>
            <dt>Courriel</dt>
            <dd>{account.email}</dd>
            <dt>Rôle</dt>
            <dd>{ROLE_LABELS[account.role]}</dd>
            <dt>Bibliothèques</dt>
            <dd>
              {account.role === 'network_admin' ? (
                'Toutes les bibliothèques du réseau'
              ) : libraries.length === 0 ? (
                'Aucune'
              ) : (
                <ul>
                  {libraries.map((l) => (
                    <li>
                      <a href={`/admin/bibliotheques/${l.id}`}>{l.name}</a>
                      {!l.active && ' (désactivée)'}
                    </li>
                  ))}
                </ul>
              )}
            </dd>
            <dt>Créé le</dt>
            <dd>{formatDate(account.createdAt)}</dd>
            <dt>Mot de passe</dt>
            <dd>
              {account.passwordChangedAt
                ? `Défini le ${formatDateTime(account.passwordChangedAt)}`
                : 'Jamais défini'}
            </dd>
            {account.disabledAt && (
              <>
                <dt>Désactivé le</dt>
                <dd>{formatDateTime(account.disabledAt)}</dd>
              </>
            )}
          </dl>
        </div>
        <div class="fr-col-12 fr-col-md-5">
          <h2>Actions</h2>
          {account.disabledAt ? (
            <>
              <p>Ce compte ne peut plus se connecter. Le réactiver lui rend l’accès avec son mot de passe.</p>
              <Form action={`${base}/reactiver`} csrf={csrf}>
                <SubmitButton>Réactiver le compte</SubmitButton>
              </Form>
            </>
          ) : (
            <>
              <h3 class="fr-h6">Mot de passe</h3>
              <p>
                Envoie à {account.email} un nouveau lien « Définissez votre mot de passe », valable {linkDays}{' '}
                jours. Les liens envoyés auparavant ne fonctionnent plus.
              </p>
              <Form action={`${base}/reinitialiser`} csrf={csrf}>
                <SubmitButton secondary>Envoyer un lien pour définir le mot de passe</SubmitButton>
              </Form>
              <h3 class="fr-h6 fr-mt-3w">Désactivation</h3>
              {self ? (
                <p>Vous ne pouvez pas désactiver votre propre compte.</p>
              ) : (
                <>
                  <p>
                    Un compte désactivé ne peut plus se connecter ; ses sessions ouvertes sont fermées
                    immédiatement. Son historique est conservé.
                  </p>
                  <Form action={`${base}/desactiver`} csrf={csrf}>
                    <SubmitButton secondary>Désactiver le compte</SubmitButton>
                  </Form>
                </>
              )}
            </>
          )}
        </div>
      </div>
      <h2 class="fr-mt-4w">Historique</h2>
      <HistoryTable events={details.history} caption="Historique du compte" labels={EVENT_LABELS} />
    </>
  );
}
