import { formatDateTime } from '../../../domain/paris.js';
import type { MailList, MailListQuery } from '../../../usecases/network/list-mail.js';
import { PageHeading } from '../components/admin-page.js';
import { Select, TextInput } from '../components/forms.js';
import { DataTable, FilterButtons, Pagination } from '../components/list.js';
import {
  MAIL_LIST_TITLE,
  MAIL_LIST_URL,
  MAIL_STATUSES,
  mailListHref,
  NoSmtpNotice,
  plural,
  STATUS_DISPLAY,
  StatusBadge,
} from './mail-status.js';

/** "/admin/courriels": the outbox in the back-office, what left, what waits, what failed. */
export function MailListPage(props: { query: MailListQuery; list: MailList; smtpConfigured: boolean }) {
  const { query, list } = props;
  const all = Object.values(list.counts).reduce((a, b) => a + b, 0);
  const filtered = Boolean(query.q || query.etat);
  return (
    <>
      <PageHeading trail={[]} title={MAIL_LIST_TITLE} />
      <p class="fr-text--lead">
        Les messages que Sésame envoie aux usagers et aux équipes : leur état, leurs tentatives d’envoi et
        leur contenu.
      </p>
      {!props.smtpConfigured && <NoSmtpNotice />}

      <h2 class="fr-h6 fr-mb-1w" id="etats">
        Répartition par état
      </h2>
      <ul class="fr-tags-group fr-mb-3w" aria-labelledby="etats">
        <li>
          <a
            class="fr-tag"
            href={mailListHref({ q: query.q })}
            aria-current={query.etat ? undefined : 'true'}
          >
            Tous : {all.toLocaleString('fr-FR')}
          </a>
        </li>
        {MAIL_STATUSES.map((s) => (
          <li>
            <a
              class="fr-tag"
              href={mailListHref({ q: query.q, etat: s })}
              aria-current={query.etat === s ? 'true' : undefined}
            >
              {STATUS_DISPLAY[s].label} : {list.counts[s].toLocaleString('fr-FR')}
            </a>
          </li>
        ))}
      </ul>

      <form method="get" action={MAIL_LIST_URL} role="search" class="fr-mb-4w">
        <fieldset class="fr-fieldset">
          <legend class="fr-fieldset__legend">Rechercher un courriel</legend>
          <div class="fr-fieldset__element">
            <div class="fr-grid-row fr-grid-row--gutters">
              <div class="fr-col-12 fr-col-md-6">
                <TextInput
                  name="q"
                  type="search"
                  label="Destinataire ou objet"
                  hint="Une partie de l’adresse ou de l’objet ; les accents et les majuscules ne comptent pas."
                  spellcheck={false}
                  maxLength={200}
                  values={{ q: query.q }}
                />
              </div>
              <div class="fr-col-12 fr-col-md-3">
                <Select
                  name="etat"
                  label="État"
                  options={[
                    { value: '', label: 'Tous' },
                    ...MAIL_STATUSES.map((s) => ({ value: s, label: STATUS_DISPLAY[s].label })),
                  ]}
                  values={{ etat: query.etat ?? '' }}
                />
              </div>
            </div>
          </div>
          <div class="fr-fieldset__element">
            <FilterButtons
              submit="Rechercher"
              inline="inline-md"
              reset={
                filtered ? { href: MAIL_LIST_URL, label: 'Effacer la recherche', secondary: true } : undefined
              }
            />
          </div>
        </fieldset>
      </form>

      {list.rows.length === 0 ? (
        <p role="status">
          {filtered ? 'Aucun courriel ne correspond à cette recherche.' : 'Aucun courriel pour le moment.'}
        </p>
      ) : (
        <MailTable query={query} list={list} filtered={filtered} />
      )}
    </>
  );
}

function MailTable(props: { query: MailListQuery; list: MailList; filtered: boolean }) {
  const { query, list } = props;
  const { page, pageCount: last } = list;
  const first = (page - 1) * list.pageSize + 1;
  return (
    <>
      <p role="status">
        {plural(list.total, 'courriel', 'courriels')}
        {props.filtered ? ' correspondant à la recherche' : ''}, du plus récent au plus ancien.
      </p>
      <DataTable
        class="fr-mb-3w"
        caption={
          <>
            Courriels {first.toLocaleString('fr-FR')} à{' '}
            {(first + list.rows.length - 1).toLocaleString('fr-FR')} sur {list.total.toLocaleString('fr-FR')}
            {page > 1 || last > 1 ? ` (page ${page} sur ${last})` : ''}
          </>
        }
        headers={['Date', 'Destinataire', 'Objet', 'État', 'Tentatives']}
      >
        {list.rows.map((m) => (
          <tr>
            <td>{formatDateTime(m.createdAt)}</td>
            <td>{m.toAddress}</td>
            <td>
              <a href={`${MAIL_LIST_URL}/${m.id}`}>{m.subject}</a>
            </td>
            <td>
              <StatusBadge status={m.status} small />
            </td>
            <td>{m.attempts}</td>
          </tr>
        ))}
      </DataTable>
      <Pagination
        current={page}
        last={last}
        href={(n) => mailListHref({ q: query.q, etat: query.etat, page: n })}
      />
    </>
  );
}
