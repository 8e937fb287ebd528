import type { DuplicateMatch } from '../../../db/repositories/patron-records.js';
import { inScope, type StaffActor } from '../../../domain/actor.js';
import { frenchDay } from '../../../domain/patron-lifecycle.js';
import { DataTable } from '../components/list.js';
import { patronName, StateBadge } from '../patrons/patron-display.js';

const MATCH_WORDING = (m: DuplicateMatch): string => {
  const parts: string[] = [];
  if (m.sameEmail)
    parts.push(
      m.state === 'refused'
        ? 'Même adresse électronique (demande refusée : une nouvelle inscription est possible)'
        : 'Même adresse électronique',
    );
  if (m.sameIdentity) parts.push('Mêmes nom, prénom et date de naissance');
  return parts.join(' ; ');
};

/** The existing records like the person being registered: open only those of the actor's libraries. */
export function DuplicateList({
  matches,
  actor,
  blocking,
}: {
  matches: DuplicateMatch[];
  actor: StaffActor;
  blocking: boolean;
}) {
  return (
    <div class={`fr-alert ${blocking ? 'fr-alert--error' : 'fr-alert--warning'} fr-mb-4w`} id="doublons">
      <h2 class="fr-alert__title">
        {blocking
          ? 'Cette adresse électronique a déjà un compte'
          : 'Cette personne est peut-être déjà inscrite'}
      </h2>
      <p>
        {blocking
          ? 'Une adresse électronique ne sert qu’à un seul compte : le compte existant est indiqué ci-dessous. Si c’est la même personne, il n’y a rien à créer (renouvelez ou corrigez plutôt son compte) ; sinon, saisissez l’adresse de l’usager.'
          : 'Un compte existe déjà dans le réseau avec les éléments ci-dessous. Vérifiez qu’il ne s’agit pas de la même personne avant de créer un second compte.'}
      </p>
      <DataTable
        class="fr-table--no-caption fr-mt-2w fr-mb-0"
        caption="Comptes existants ressemblant à l’usager saisi"
        headers={['Nom et prénom', 'Naissance', 'Bibliothèque', 'État', 'Ressemblance', 'Fiche']}
      >
        {matches.map((m) => (
          <tr>
            <th scope="row">{patronName(m)}</th>
            <td>{m.birthDate ? frenchDay(m.birthDate) : '—'}</td>
            <td>{m.libraryName}</td>
            <td>
              <StateBadge state={m.state} activeUntil={m.activeUntil} small />
            </td>
            <td>{MATCH_WORDING(m)}</td>
            <td>
              {inScope(actor.scope, m.libraryId) ? (
                <a href={`/admin/usagers/${m.id}`}>
                  Ouvrir la fiche<span class="fr-sr-only"> de {patronName(m)}</span>
                </a>
              ) : (
                'Dans une autre bibliothèque : contactez l’administration du réseau'
              )}
            </td>
          </tr>
        ))}
      </DataTable>
    </div>
  );
}
