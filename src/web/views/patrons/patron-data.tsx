import type { ComponentChildren } from 'preact';
import type { HistoryEvent, PatronConsultation } from '../../../db/repositories/patron-data.js';
import { THREAD_KIND_LABELS, THREAD_STATE_LABELS } from '../../../domain/messages.js';
import { formatDateTime, isoDate, parisDay } from '../../../domain/paris.js';
import { frenchDay, STATE_LABELS } from '../../../domain/patron-lifecycle.js';
import {
  CATEGORY_LABELS,
  KIND_LABELS,
  type QuotaCategory,
  type ResourceKind,
} from '../../../domain/resources.js';
import type { PatronData } from '../../../usecases/account/download-data.js';
import { PATRON_THREAD_URL } from '../../../usecases/messages/thread-words.js';
import { DataTable } from '../components/list.js';
import { Breadcrumb } from '../layout.js';
import { ACCOUNT_URLS } from './account-sections.js';
import { reasonLabel } from './patron-display.js';
import { eventLabel } from './patron-history.js';

/**
 * "Télécharger mes données": the same content as a readable page and as a JSON file. Keys of
 * the file are French, like everything the patron reads; instants are ISO 8601 (UTC), days
 * AAAA-MM-JJ.
 */

const ACTORS: Record<HistoryEvent['actorKind'], { label: string; key: string }> = {
  patron: { label: 'Vous', key: 'vous' },
  staff: { label: 'Votre bibliothèque ou le réseau', key: 'personnel' },
  system: { label: 'Sésame (automatique)', key: 'sesame' },
};

const MESSAGE_STATUS: Record<string, string> = {
  pending: 'en attente d’envoi',
  sending: 'en cours d’envoi',
  sent: 'envoyé',
  failed: 'non envoyé (échec)',
  cancelled: 'annulé',
};

function documentTitle(c: PatronConsultation): string {
  if (c.document === '') return 'Accueil du service';
  return c.documents?.find((d) => d.id === c.document)?.title ?? c.document;
}

const iso = (at: Date | null) => (at ? at.toISOString() : null);

/** The download of "Mes données": a dated JSON file. */
export function dataFile(d: PatronData): { filename: string; content: string } {
  return {
    filename: `mes-donnees-${isoDate(parisDay(d.at))}.json`,
    content: `${JSON.stringify(dataDocument(d), null, 2)}\n`,
  };
}

export function dataDocument(d: PatronData) {
  const p = d.patron;
  return {
    format: 'sesame/donnees-usager/1',
    reseau: d.networkName,
    genere_le: d.at.toISOString(),
    identite: {
      nom: p.lastName,
      prenom: p.firstName,
      date_naissance: p.birthDate,
      courriel: p.email,
      nouveau_courriel_a_confirmer: p.pendingEmail,
      identifiant: p.identifier,
      numero_carte: p.cardNumber,
      newsletter: p.newsletter,
      bibliotheque: { nom: p.libraryName, courriel: p.libraryEmail },
    },
    compte: {
      etat: p.state,
      etat_libelle: STATE_LABELS[p.state],
      inscription: p.channel === 'staff' ? 'par la bibliothèque' : 'en ligne',
      inscrit_le: iso(p.registeredAt),
      courriel_confirme_le: iso(p.emailConfirmedAt),
      demande_en_attente_depuis: iso(p.pendingSince),
      actif_jusqu_au: p.activeUntil,
      decision: p.decision === 'accepted' ? 'acceptée' : p.decision === 'refused' ? 'refusée' : null,
      decide_le: iso(p.decidedAt),
      decide_par_le_reseau: p.decision ? p.decidedOnBehalf : null,
      motif_refus: reasonLabel(p),
    },
    historique: d.history.map((e) => ({
      date: e.at.toISOString(),
      action: e.action,
      libelle: eventLabel(e.action),
      par: ACTORS[e.actorKind].key,
      details: e.data,
    })),
    consultations: d.consultations.map((c) => ({
      date: c.at.toISOString(),
      ressource: c.resourceName,
      type: KIND_LABELS[c.kind as ResourceKind] ?? c.kind,
      categorie: c.category ? (CATEGORY_LABELS[c.category as QuotaCategory] ?? c.category) : null,
      document: documentTitle(c),
      // Only a "Forfait" resource counts against the month's quotas ("Accès libre" never does).
      compte_dans_le_forfait: c.counted && c.kind === 'quota',
    })),
    messages: d.messages.map((m) => ({
      date: m.createdAt.toISOString(),
      envoye_le: iso(m.sentAt),
      destinataire: m.toAddress,
      objet: m.subject,
      texte: m.text,
      etat: MESSAGE_STATUS[m.status] ?? m.status,
    })),
    conversations: d.threads.map((t) => ({
      type: THREAD_KIND_LABELS[t.kind],
      avec: t.kind === 'library' ? t.libraryName : 'Support technique',
      objet: t.subject,
      etat: THREAD_STATE_LABELS[t.state],
      commencee_le: t.createdAt.toISOString(),
      courriel_de_reponse: t.email,
      messages: t.messages.map((m) => ({
        date: m.createdAt.toISOString(),
        de: m.authorKind === 'staff' ? 'bibliothèque ou réseau' : 'vous',
        texte: m.body,
      })),
    })),
  };
}

function Table(props: {
  caption: string;
  head?: string[];
  hideCaption?: boolean;
  children: ComponentChildren;
}) {
  return (
    <DataTable
      class={`fr-mb-3w${props.hideCaption ? ' fr-table--no-caption' : ''}`}
      caption={props.caption}
      headers={props.head}
    >
      {props.children}
    </DataTable>
  );
}

function Rows({ rows }: { rows: Array<[string, ComponentChildren]> }) {
  return (
    <>
      {rows.map(([label, value]) => (
        <tr>
          <th scope="row">{label}</th>
          <td>{value ?? '—'}</td>
        </tr>
      ))}
    </>
  );
}

const day = (v: string | null) => (v ? frenchDay(v) : null);
const when = (v: Date | null) => (v ? formatDateTime(v) : null);

export function PatronDataPage({ data }: { data: PatronData }) {
  const p = data.patron;
  const doc = dataDocument(data);
  return (
    <div class="fr-grid-row">
      <div class="fr-col-12 fr-col-lg-10">
        <Breadcrumb
          items={[
            { href: '/', label: 'Accueil' },
            { href: ACCOUNT_URLS.home, label: 'Mon compte' },
            { label: 'Mes données' },
          ]}
        />
        <h1>Mes données</h1>
        <p class="fr-text--lead">
          Tout ce que {data.networkName} conserve à votre sujet, au {formatDateTime(data.at)}.
        </p>
        <p>
          Le fichier reprend les mêmes informations dans un format lisible par un logiciel (JSON), pour les
          conserver ou les transmettre à un autre service.
        </p>
        <ul class="fr-btns-group fr-btns-group--inline-md fr-btns-group--icon-left">
          <li>
            <a class="fr-btn fr-icon-download-line" href={ACCOUNT_URLS.dataJson} download>
              Télécharger le fichier (JSON)
            </a>
          </li>
        </ul>

        <h2 id="identite">Identité</h2>
        <Table caption="Votre identité" hideCaption>
          <Rows
            rows={[
              ['Nom', p.lastName],
              ['Prénom', p.firstName],
              ['Date de naissance', day(p.birthDate)],
              ['Adresse électronique', p.email],
              ...(p.pendingEmail
                ? ([['Nouvelle adresse à confirmer', p.pendingEmail]] as Array<[string, string]>)
                : []),
              ['Identifiant', p.identifier],
              ['Numéro de carte', p.cardNumber],
              ['Newsletter', p.newsletter ? 'Oui' : 'Non'],
              ['Bibliothèque de proximité', `${p.libraryName} (${p.libraryEmail})`],
            ]}
          />
        </Table>

        <h2 id="compte">États et dates du compte</h2>
        <Table caption="Votre compte" hideCaption>
          <Rows
            rows={[
              ['État', doc.compte.etat_libelle],
              ['Inscription', doc.compte.inscription === 'en ligne' ? 'En ligne' : 'Par la bibliothèque'],
              ['Date d’inscription', when(p.registeredAt)],
              ['Adresse confirmée le', when(p.emailConfirmedAt)],
              ['Demande en attente depuis', when(p.pendingSince)],
              ['Actif jusqu’au', day(p.activeUntil)],
              ['Décision', doc.compte.decision ? `Demande ${doc.compte.decision}` : null],
              ['Décidée le', when(p.decidedAt)],
              ['Motif du refus', doc.compte.motif_refus],
            ]}
          />
        </Table>

        <h2 id="historique">Historique</h2>
        {data.history.length === 0 ? (
          <p>Aucun événement enregistré.</p>
        ) : (
          <Table
            caption="Ce qui s’est passé sur votre compte, du plus ancien au plus récent"
            head={['Date', 'Événement', 'Par']}
          >
            {data.history.map((e) => (
              <tr>
                <td>{formatDateTime(e.at)}</td>
                <td>{eventLabel(e.action)}</td>
                <td>{ACTORS[e.actorKind].label}</td>
              </tr>
            ))}
          </Table>
        )}

        <h2 id="consultations">Consultations</h2>
        {data.consultations.length === 0 ? (
          <p>Vous n’avez ouvert aucune ressource.</p>
        ) : (
          <Table
            caption="Les ressources que vous avez ouvertes, de la plus récente à la plus ancienne"
            head={['Date', 'Ressource', 'Document', 'Compté dans le forfait']}
          >
            {doc.consultations.map((c, i) => (
              <tr>
                <td>{formatDateTime(data.consultations[i]!.at)}</td>
                <td>{c.ressource ?? '—'}</td>
                <td>{c.document}</td>
                <td>{c.compte_dans_le_forfait ? (c.categorie ? `Oui (${c.categorie})` : 'Oui') : 'Non'}</td>
              </tr>
            ))}
          </Table>
        )}

        <h2 id="conversations">Conversations avec votre bibliothèque et le support</h2>
        {data.threads.length === 0 ? (
          <p>Vous n’avez écrit ni à votre bibliothèque ni au support technique.</p>
        ) : (
          data.threads.map((t) => (
            <section class="fr-mb-3w">
              <h3 class="fr-h6 sesame-break">
                <a href={`${PATRON_THREAD_URL}/${t.id}`}>{t.subject}</a>
              </h3>
              <p class="fr-text--sm">
                {THREAD_KIND_LABELS[t.kind]} — {THREAD_STATE_LABELS[t.state]} — commencée le{' '}
                {formatDateTime(t.createdAt)}
              </p>
              {t.messages.map((m) => (
                <div class="fr-mb-2w">
                  <p class="fr-text--sm fr-mb-0">
                    <strong>{m.authorKind === 'staff' ? 'Réponse' : 'Vous'}</strong>, le{' '}
                    {formatDateTime(m.createdAt)}
                  </p>
                  <div class="sesame-pre sesame-break">{m.body}</div>
                </div>
              ))}
            </section>
          ))
        )}

        <h2 id="messages">Messages reçus</h2>
        {data.messages.length === 0 ? (
          <p>Vous n’avez reçu aucun courriel.</p>
        ) : (
          <Table
            caption="Les courriels qui vous ont été adressés, du plus récent au plus ancien"
            head={['Date', 'Objet', 'Envoyé à']}
          >
            {data.messages.map((m) => (
              <tr>
                <td>{formatDateTime(m.createdAt)}</td>
                <td>
                  <a href={`${ACCOUNT_URLS.messages}/${m.id}`}>{m.subject}</a>
                </td>
                <td class="sesame-break">{m.toAddress}</td>
              </tr>
            ))}
          </Table>
        )}
        <p>
          <a class="fr-link fr-icon-arrow-left-line fr-link--icon-left" href={ACCOUNT_URLS.home}>
            Retour à Mon compte
          </a>
        </p>
      </div>
    </div>
  );
}
