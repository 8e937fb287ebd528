import type { PatronMessage } from '../../../db/repositories/patron-data.js';
import type { PatronWithLibrary } from '../../../db/repositories/patrons.js';
import { formatDate } from '../../../domain/paris.js';
import { Form, RadioGroup, SubmitButton } from '../components/forms.js';
import { Breadcrumb } from '../layout.js';

/** The URLs of "Mon compte" and its pages (patron portal). */
export const ACCOUNT_URLS = {
  home: '/mon-compte',
  newsletter: '/mon-compte/newsletter',
  password: '/mon-compte/mot-de-passe',
  email: '/mon-compte/courriel',
  emailCancel: '/mon-compte/courriel/annuler',
  messages: '/mon-compte/messages',
  data: '/mon-compte/donnees',
  dataJson: '/mon-compte/donnees.json',
  delete: '/mon-compte/supprimer',
  deleted: '/mon-compte/compte-supprime',
} as const;

/** The breadcrumb of a page under "Mon compte › Mes messages" (an e-mail, a conversation). */
export function MyMessagesBreadcrumb({ current }: { current: string }) {
  return (
    <Breadcrumb
      items={[
        { href: '/', label: 'Accueil' },
        { href: ACCOUNT_URLS.home, label: 'Mon compte' },
        { href: ACCOUNT_URLS.messages, label: 'Mes messages' },
        { label: current },
      ]}
    />
  );
}

export interface AccountSectionsData {
  latestMessages: PatronMessage[];
  messageCount: number;
}

const plural = (n: number, one: string, many: string) => `${n} ${n > 1 ? many : one}`;

/**
 * The patron's own settings on "Mon compte", under their information: newsletter, address
 * and password, messages received, their data. Every change goes through a plain form.
 */
export function AccountSections({
  patron,
  data,
  csrf,
  networkName,
}: {
  patron: PatronWithLibrary;
  data: AccountSectionsData;
  csrf: string;
  networkName: string;
}) {
  return (
    <>
      <section class="fr-mb-4w" id="newsletter" aria-labelledby="newsletter-titre">
        <h2 id="newsletter-titre">Newsletter</h2>
        <Form action={ACCOUNT_URLS.newsletter} csrf={csrf}>
          <RadioGroup
            name="newsletter"
            label={`Souhaitez-vous recevoir la newsletter de ${networkName} ?`}
            hint="Les nouveautés de la médiathèque numérique, quelques fois par an. Vous pouvez changer d’avis à tout moment."
            inline
            options={[
              { value: 'oui', label: 'Oui' },
              { value: 'non', label: 'Non' },
            ]}
            values={{ newsletter: patron.newsletter ? 'oui' : 'non' }}
          />
          <SubmitButton secondary>Enregistrer mon choix</SubmitButton>
        </Form>
      </section>

      <section class="fr-mb-4w" id="connexion" aria-labelledby="connexion-titre">
        <h2 id="connexion-titre">Adresse électronique et mot de passe</h2>
        <p>
          Adresse de votre compte : <strong>{patron.email}</strong>
        </p>
        {patron.pendingEmail && (
          <div class="fr-alert fr-alert--info fr-alert--sm fr-mb-2w">
            <p>
              Changement en attente : un lien de confirmation a été envoyé à{' '}
              <strong>{patron.pendingEmail}</strong>. Suivez-le pour que cette adresse remplace l’actuelle.
            </p>
          </div>
        )}
        <ul class="fr-btns-group fr-btns-group--inline-md">
          <li>
            <a class="fr-btn fr-btn--secondary" href={ACCOUNT_URLS.email}>
              Changer d’adresse électronique
            </a>
          </li>
          <li>
            <a class="fr-btn fr-btn--secondary" href={ACCOUNT_URLS.password}>
              Changer de mot de passe
            </a>
          </li>
        </ul>
      </section>

      <section class="fr-mb-4w" id="messages" aria-labelledby="messages-titre">
        <h2 id="messages-titre">Mes messages</h2>
        {data.messageCount === 0 ? (
          <p>Vous n’avez encore reçu aucun courriel de {networkName}.</p>
        ) : (
          <>
            <p>Les courriels que vous avez reçus de {networkName}, du plus récent au plus ancien.</p>
            <ul>
              {data.latestMessages.map((m) => (
                <li>
                  {formatDate(m.createdAt)} — <a href={`${ACCOUNT_URLS.messages}/${m.id}`}>{m.subject}</a>
                </li>
              ))}
            </ul>
            <p>
              <a class="fr-link" href={ACCOUNT_URLS.messages}>
                Voir tous mes messages ({plural(data.messageCount, 'message', 'messages')})
              </a>
            </p>
          </>
        )}
      </section>

      <section class="fr-mb-4w" id="donnees" aria-labelledby="donnees-titre">
        <h2 id="donnees-titre">Mes données personnelles</h2>
        <p>
          Consultez tout ce que {networkName} conserve à votre sujet (identité, états du compte, historique,
          consultations, messages), ou téléchargez-le dans un fichier.
        </p>
        <ul class="fr-btns-group fr-btns-group--inline-md">
          <li>
            <a class="fr-btn fr-btn--secondary" href={ACCOUNT_URLS.data}>
              Télécharger mes données
            </a>
          </li>
          <li>
            <a class="fr-btn fr-btn--tertiary" href={ACCOUNT_URLS.delete}>
              Supprimer mon compte
            </a>
          </li>
        </ul>
      </section>
    </>
  );
}
