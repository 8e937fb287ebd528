import type { EventRow } from '../../../db/repositories/events.js';
import { formatDateTime } from '../../../domain/paris.js';
import { IDENTITY_LABELS, type IdentityField, identityValueText } from '../../../domain/patron-identity.js';
import { frenchDay } from '../../../domain/patron-lifecycle.js';
import type { PatronToolsData } from '../../../usecases/patrons/patron-tools.js';
import { Form } from '../components/forms.js';

export type { PatronToolsData };

export const recordToolUrl = (id: string, tool: string) => `/admin/usagers/${id}/${tool}`;

export function PatronToolsPanel({ data, csrf }: { data: PatronToolsData; csrf: string }) {
  return (
    <section id="actions" aria-labelledby="actions-titre" class="fr-mt-6w">
      <h2 id="actions-titre">Actions sur le compte</h2>
      {data.awaitingPassword && (
        <div class="fr-callout fr-mb-3w">
          <h3 class="fr-callout__title fr-h6">Mot de passe pas encore choisi</h3>
          <p class="fr-callout__text fr-text--md">
            L’usager n’a pas encore défini son mot de passe : le lien « Définissez votre mot de passe » lui a
            été envoyé à <span class="sesame-break">{data.email}</span>. S’il ne l’a pas reçu ou si le lien a
            expiré, envoyez-en un nouveau (l’ancien ne fonctionnera plus).
          </p>
          <Form action={recordToolUrl(data.patronId, 'renvoyer-lien')} csrf={csrf}>
            <button type="submit" class="fr-btn fr-btn--secondary fr-icon-mail-line fr-btn--icon-left">
              Renvoyer le lien
            </button>
          </Form>
        </div>
      )}
      {data.renewTo && (
        <div class="fr-mb-3w">
          <h3 class="fr-h6 fr-mb-1w">Renouveler les droits</h3>
          <p>
            {data.state === 'expired'
              ? `Abonnement terminé${data.activeUntil ? ` le ${frenchDay(data.activeUntil)}` : ''} : le renouvellement part d’aujourd’hui`
              : `Abonnement en cours${data.activeUntil ? ` jusqu’au ${frenchDay(data.activeUntil)}` : ''} : le renouvellement part de cette date, rien n’est perdu`}
            , l’usager sera actif jusqu’au <strong>{frenchDay(data.renewTo)}</strong> et recevra un courriel.
          </p>
          <Form action={recordToolUrl(data.patronId, 'renouveler')} csrf={csrf}>
            <input type="hidden" name="fin_actuelle" value={data.activeUntil ?? ''} />
            <button type="submit" class="fr-btn fr-icon-refresh-line fr-btn--icon-left">
              Renouveler les droits
            </button>
          </Form>
        </div>
      )}
      {data.otherLibraries && (
        <div class="fr-mb-3w">
          <h3 class="fr-h6 fr-mb-1w">Changer de bibliothèque</h3>
          <Form action={recordToolUrl(data.patronId, 'bibliotheque')} csrf={csrf}>
            <div class="fr-select-group">
              <label class="fr-label" for="outil-bibliotheque">
                Nouvelle bibliothèque de rattachement
                <span class="fr-hint-text" id="outil-bibliotheque-aide">
                  Actuellement : {data.libraryName}.
                  {data.state === 'pending' || data.state === 'renewal_pending'
                    ? ' La demande en attente suivra l’usager : elle passera dans la liste de la nouvelle bibliothèque, qui sera prévenue par courriel.'
                    : ''}
                </span>
              </label>
              <select
                class="fr-select"
                id="outil-bibliotheque"
                name="libraryId"
                required
                aria-describedby="outil-bibliotheque-aide"
              >
                <option value="" selected>
                  Sélectionnez une bibliothèque
                </option>
                {data.otherLibraries.map((l) => (
                  <option value={l.id}>{`${l.town} — ${l.name}`}</option>
                ))}
              </select>
            </div>
            <button type="submit" class="fr-btn fr-btn--secondary">
              Changer de bibliothèque
            </button>
          </Form>
        </div>
      )}
      <ul class="fr-btns-group fr-btns-group--inline-md fr-btns-group--icon-left">
        <li>
          <a
            class="fr-btn fr-btn--secondary fr-icon-edit-line"
            href={recordToolUrl(data.patronId, 'modifier')}
          >
            Modifier les informations
          </a>
        </li>
        <li>
          <a
            class="fr-btn fr-btn--tertiary fr-icon-delete-line"
            href={recordToolUrl(data.patronId, 'supprimer')}
          >
            Supprimer l’usager
          </a>
        </li>
      </ul>
    </section>
  );
}

const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() ? v : null);

/** Lines the history shows for the events of the staff tools (before/after, new end date…). */
export function toolEventLines(event: EventRow): string[] {
  const d = event.data as Record<string, unknown>;
  const lines: string[] = [];
  switch (event.action) {
    case 'identity_corrected': {
      const before = (d.before ?? {}) as Record<string, unknown>;
      const after = (d.after ?? {}) as Record<string, unknown>;
      const fields = Array.isArray(d.fields) ? (d.fields as string[]) : Object.keys(after);
      for (const f of fields) {
        const label = IDENTITY_LABELS[f as IdentityField] ?? f;
        lines.push(
          `${label} : « ${identityValueText(f, before[f])} » → « ${identityValueText(f, after[f])} »`,
        );
      }
      if (d.passwordLinkResent === true)
        lines.push('Nouveau lien « Définissez votre mot de passe » envoyé à la nouvelle adresse');
      break;
    }
    case 'library_changed': {
      const from = str(d.fromLibraryName);
      const to = str(d.toLibraryName);
      if (from && to) lines.push(`Bibliothèque : « ${from} » → « ${to} »`);
      if (d.requestFollowed === true) lines.push('La demande en attente a suivi l’usager');
      break;
    }
    case 'registered_by_staff': {
      const library = str(d.libraryName);
      if (library) lines.push(`Bibliothèque : ${library}`);
      const until = str(d.passwordLinkExpiresAt);
      if (until)
        lines.push(
          `Lien « Définissez votre mot de passe » valable jusqu’au ${formatDateTime(new Date(until))}`,
        );
      if (Array.isArray(d.duplicatesConfirmed) && d.duplicatesConfirmed.length > 0)
        lines.push('Inscrit malgré un possible doublon, confirmé comme une autre personne');
      break;
    }
    case 'password_link_resent': {
      const until = str(d.expiresAt);
      if (until) lines.push(`Valable jusqu’au ${formatDateTime(new Date(until))}`);
      break;
    }
    case 'renewed_by_staff': {
      const previous = str(d.previousEnd);
      const next = str(d.activeUntil);
      if (next)
        lines.push(
          previous
            ? `Fin de l’abonnement : ${frenchDay(previous)} → ${frenchDay(next)}`
            : `Actif jusqu’au ${frenchDay(next)}`,
        );
      break;
    }
    case 'password_set':
    case 'password_reset':
      if (d.emailVerified === true) lines.push('Adresse électronique vérifiée par ce lien');
      break;
    case 'deleted_by_staff':
      lines.push('Données personnelles effacées ; la fiche reste pour les statistiques');
      break;
  }
  return lines;
}
