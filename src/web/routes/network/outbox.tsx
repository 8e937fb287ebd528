import type { FastifyInstance } from 'fastify';
import type { ComponentChildren } from 'preact';
import { z } from 'zod';
import {
  type OutboxRow,
  type OutboxStatus,
  outboxCounts,
  searchMail,
} from '../../../db/repositories/outbox.js';
import { DomainError, notFound } from '../../../domain/errors.js';
import { formatDateTime } from '../../../domain/paris.js';
import { MAX_ATTEMPTS } from '../../../mail/sender.js';
import { mailTemplateLabel } from '../../../mail/template-labels.js';
import { readMailForAdmin } from '../../../usecases/network/read-mail.js';
import { MAIL_LINK_DEAD, MAIL_NOT_FAILED, resendMail } from '../../../usecases/network/resend-mail.js';
import type { RouteOptions } from '../../app.js';
import { requireAdmin } from '../../guards.js';
import { sendPage, setFlash } from '../../render.js';
import { Form, Select, SubmitButton, TextInput } from '../../views/components/forms.js';
import { linkify } from '../../views/components/linkify.js';
import { DsfrTable } from '../../views/components/table.js';
import { Breadcrumb } from '../../views/layout.js';
import { MailLinksNotice } from '../../views/network/mail-links-notice.js';

const PER_PAGE = 50;
const LIST_URL = '/admin/courriels';

const STATUSES = [
  'pending',
  'sending',
  'sent',
  'failed',
  'cancelled',
] as const satisfies readonly OutboxStatus[];

const STATUS_DISPLAY: Record<OutboxStatus, { label: string; badge: string }> = {
  pending: { label: 'En attente', badge: 'fr-badge--info' },
  sending: { label: 'En cours d’envoi', badge: 'fr-badge--new' },
  sent: { label: 'Envoyé', badge: 'fr-badge--success' },
  failed: { label: 'En échec', badge: 'fr-badge--error' },
  cancelled: { label: 'Annulé', badge: '' },
};

const NO_SMTP =
  'Aucun serveur d’envoi (SMTP_URL) n’est configuré : les courriels restent ici et ne partent pas.';

/**
 * The list is reached from bookmarks and hand-edited addresses: a bad parameter falls back to
 * its default instead of failing the page.
 */
const listQuery = z.object({
  q: z
    .string()
    .transform((s) => s.trim().slice(0, 200))
    .catch(''),
  etat: z.enum(STATUSES).optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(1_000_000).catch(1),
});
type ListQuery = z.output<typeof listQuery>;

function listHref(p: { q: string; etat?: OutboxStatus; page?: number }): string {
  const params = new URLSearchParams();
  if (p.q) params.set('q', p.q);
  if (p.etat) params.set('etat', p.etat);
  if (p.page && p.page > 1) params.set('page', String(p.page));
  const qs = params.toString();
  return qs ? `${LIST_URL}?${qs}` : LIST_URL;
}

/** Ids are positive integers; anything else is simply a page that does not exist. */
function parseMailId(raw: string): number | null {
  if (!/^[1-9]\d{0,15}$/.test(raw)) return null;
  const id = Number(raw);
  return Number.isSafeInteger(id) ? id : null;
}

function StatusBadge({ status, small }: { status: OutboxStatus; small?: boolean }) {
  const d = STATUS_DISPLAY[status];
  return <p class={`fr-badge${small ? ' fr-badge--sm' : ''} ${d.badge}`.trim()}>{d.label}</p>;
}

function NoSmtpNotice() {
  return (
    <div class="fr-alert fr-alert--warning fr-mb-4w">
      <h2 class="fr-alert__title">Envoi des courriels désactivé</h2>
      <p>{NO_SMTP}</p>
    </div>
  );
}

/** Page numbers to show: first, last, and the neighbours of the current one, gaps as null. */
function pageWindow(current: number, last: number): Array<number | null> {
  const wanted = new Set([1, last, current - 1, current, current + 1].filter((n) => n >= 1 && n <= last));
  const sorted = [...wanted].sort((a, b) => a - b);
  const out: Array<number | null> = [];
  sorted.forEach((n, i) => {
    if (i > 0 && n - sorted[i - 1]! > 1) out.push(null);
    out.push(n);
  });
  return out;
}

/** DSFR pagination; links keep the search and the filter. */
export function Pagination(props: { current: number; last: number; href: (page: number) => string }) {
  const { current, last, href } = props;
  if (last <= 1) return null;
  const edge = (page: number, enabled: boolean, cls: string, label: string) => (
    <li>
      {enabled ? (
        <a class={`fr-pagination__link ${cls}`} href={href(page)}>
          {label}
        </a>
      ) : (
        <a class={`fr-pagination__link ${cls}`} aria-disabled="true" role="link">
          {label}
        </a>
      )}
    </li>
  );
  return (
    <nav role="navigation" class="fr-pagination fr-mt-3w" aria-label="Pagination">
      <ul class="fr-pagination__list">
        {edge(1, current > 1, 'fr-pagination__link--first', 'Première page')}
        {edge(
          current - 1,
          current > 1,
          'fr-pagination__link--prev fr-pagination__link--lg-label',
          'Page précédente',
        )}
        {pageWindow(current, last).map((n) =>
          n === null ? (
            <li>
              <span class="fr-pagination__link fr-displayed-lg">…</span>
            </li>
          ) : (
            <li>
              {n === current ? (
                <a class="fr-pagination__link" aria-current="page" title={`Page ${n}`}>
                  {n}
                </a>
              ) : (
                <a class="fr-pagination__link" href={href(n)} title={`Page ${n}`}>
                  {n}
                </a>
              )}
            </li>
          ),
        )}
        {edge(
          current + 1,
          current < last,
          'fr-pagination__link--next fr-pagination__link--lg-label',
          'Page suivante',
        )}
        {edge(last, current < last, 'fr-pagination__link--last', 'Dernière page')}
      </ul>
    </nav>
  );
}

function TableWrapper({ children }: { children: ComponentChildren }) {
  return (
    <DsfrTable class="fr-mb-3w">
      <table>{children}</table>
    </DsfrTable>
  );
}

function plural(n: number, one: string, many: string): string {
  return `${n.toLocaleString('fr-FR')} ${n > 1 ? many : one}`;
}

/** The outbox in the back-office: what left, what waits, what failed and why. Network administrators only. */
export async function outboxRoutes(app: FastifyInstance, { deps }: RouteOptions): Promise<void> {
  const smtpConfigured = Boolean(deps.config.smtpUrl);

  app.get(LIST_URL, async (request, reply) => {
    const actor = requireAdmin(request, reply);
    if (!actor) return reply;
    const query: ListQuery = listQuery.parse(request.query ?? {});
    const search = { query: query.q || undefined, status: query.etat, perPage: PER_PAGE };
    let page = query.page;
    let result = await searchMail(deps.db, { ...search, page });
    const last = Math.max(1, Math.ceil(result.total / PER_PAGE));
    // A page past the end (old bookmark, fewer messages since) shows the last one instead.
    if (page > last) {
      page = last;
      result = await searchMail(deps.db, { ...search, page });
    }
    const counts = await outboxCounts(deps.db);
    const all = Object.values(counts).reduce((a, b) => a + b, 0);
    const filtered = Boolean(query.q || query.etat);
    const first = (page - 1) * PER_PAGE + 1;

    return sendPage(request, reply, {
      title: 'Courriels envoyés',
      body: () => (
        <>
          <Breadcrumb
            items={[{ href: '/admin', label: 'Tableau de bord' }, { label: 'Courriels envoyés' }]}
          />
          <h1>Courriels envoyés</h1>
          <p class="fr-text--lead">
            Les messages que Sésame envoie aux usagers et aux équipes : leur état, leurs tentatives d’envoi et
            leur contenu.
          </p>
          {!smtpConfigured && <NoSmtpNotice />}

          <h2 class="fr-h6 fr-mb-1w" id="etats">
            Répartition par état
          </h2>
          <ul class="fr-tags-group fr-mb-3w" aria-labelledby="etats">
            <li>
              <a
                class="fr-tag"
                href={listHref({ q: query.q })}
                aria-current={query.etat ? undefined : 'true'}
              >
                Tous : {all.toLocaleString('fr-FR')}
              </a>
            </li>
            {STATUSES.map((s) => (
              <li>
                <a
                  class="fr-tag"
                  href={listHref({ q: query.q, etat: s })}
                  aria-current={query.etat === s ? 'true' : undefined}
                >
                  {STATUS_DISPLAY[s].label} : {counts[s].toLocaleString('fr-FR')}
                </a>
              </li>
            ))}
          </ul>

          <form method="get" action={LIST_URL} role="search" class="fr-mb-4w">
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
                        ...STATUSES.map((s) => ({ value: s, label: STATUS_DISPLAY[s].label })),
                      ]}
                      values={{ etat: query.etat ?? '' }}
                    />
                  </div>
                </div>
              </div>
              <div class="fr-fieldset__element">
                <ul class="fr-btns-group fr-btns-group--inline-md">
                  <li>
                    <button type="submit" class="fr-btn">
                      Rechercher
                    </button>
                  </li>
                  {filtered && (
                    <li>
                      <a class="fr-btn fr-btn--secondary" href={LIST_URL}>
                        Effacer la recherche
                      </a>
                    </li>
                  )}
                </ul>
              </div>
            </fieldset>
          </form>

          {result.rows.length === 0 ? (
            <p role="status">
              {filtered
                ? 'Aucun courriel ne correspond à cette recherche.'
                : 'Aucun courriel pour le moment.'}
            </p>
          ) : (
            <>
              <p role="status">
                {plural(result.total, 'courriel', 'courriels')}
                {filtered ? ' correspondant à la recherche' : ''}, du plus récent au plus ancien.
              </p>
              <TableWrapper>
                <caption>
                  Courriels {first.toLocaleString('fr-FR')} à{' '}
                  {(first + result.rows.length - 1).toLocaleString('fr-FR')} sur{' '}
                  {result.total.toLocaleString('fr-FR')}
                  {page > 1 || last > 1 ? ` (page ${page} sur ${last})` : ''}
                </caption>
                <thead>
                  <tr>
                    <th scope="col">Date</th>
                    <th scope="col">Destinataire</th>
                    <th scope="col">Objet</th>
                    <th scope="col">État</th>
                    <th scope="col">Tentatives</th>
                  </tr>
                </thead>
                <tbody>
                  {result.rows.map((m) => (
                    <tr>
                      <td>{formatDateTime(m.createdAt)}</td>
                      <td>{m.toAddress}</td>
                      <td>
                        <a href={`${LIST_URL}/${m.id}`}>{m.subject}</a>
                      </td>
                      <td>
                        <StatusBadge status={m.status} small />
                      </td>
                      <td>{m.attempts}</td>
                    </tr>
                  ))}
                </tbody>
              </TableWrapper>
              <Pagination
                current={page}
                last={last}
                href={(n) => listHref({ q: query.q, etat: query.etat, page: n })}
              />
            </>
          )}
        </>
      ),
    });
  });

  app.get<{ Params: { id: string } }>(`${LIST_URL}/:id`, async (request, reply) => {
    const actor = requireAdmin(request, reply);
    if (!actor) return reply;
    const id = parseMailId(request.params.id);
    if (id === null) throw notFound('Ce courriel');
    const { mail, maskedLinks, shownLiveLinks } = await readMailForAdmin(deps, id, { smtpConfigured });
    const now = deps.clock.now();
    return sendPage(request, reply, {
      title: `Courriel n° ${mail.id}`,
      body: (ctx) => (
        <>
          <Breadcrumb
            items={[
              { href: '/admin', label: 'Tableau de bord' },
              { href: LIST_URL, label: 'Courriels envoyés' },
              { label: `Courriel n° ${mail.id}` },
            ]}
          />
          <h1>{mail.subject}</h1>
          <StatusBadge status={mail.status} />
          {!smtpConfigured && (mail.status === 'pending' || mail.status === 'sending') && (
            <div class="fr-mt-3w">
              <NoSmtpNotice />
            </div>
          )}
          {mail.status === 'failed' && (
            <div class="fr-callout fr-mt-3w">
              <h2 class="fr-callout__title">Ce courriel n’est pas parti</h2>
              <p class="fr-callout__text">
                Après {plural(mail.attempts, 'tentative', 'tentatives')}, Sésame a renoncé à l’envoyer. Une
                fois la cause corrigée (adresse, serveur d’envoi), vous pouvez le renvoyer : il repartira dans
                quelques secondes, avec de nouvelles tentatives.
              </p>
              <Form action={`${LIST_URL}/${mail.id}/renvoyer`} csrf={ctx.csrf}>
                <SubmitButton>Renvoyer</SubmitButton>
              </Form>
            </div>
          )}
          <MailDetails mail={mail} now={now} />
          <MailLinksNotice masked={maskedLinks} shownLive={shownLiveLinks} />
          <h2>Texte du message</h2>
          <pre class="sesame-pre fr-p-3w fr-background-alt--grey">{linkify(mail.text)}</pre>
          <p>
            <a class="fr-link fr-icon-arrow-left-line fr-link--icon-left" href={LIST_URL}>
              Retour à la liste des courriels
            </a>
          </p>
        </>
      ),
    });
  });

  app.post<{ Params: { id: string } }>(`${LIST_URL}/:id/renvoyer`, async (request, reply) => {
    const actor = requireAdmin(request, reply);
    if (!actor) return reply;
    const id = parseMailId(request.params.id);
    if (id === null) throw notFound('Ce courriel');
    try {
      await resendMail(deps, actor, id);
    } catch (error) {
      if (!(error instanceof DomainError) || ![MAIL_NOT_FAILED, MAIL_LINK_DEAD].includes(error.code))
        throw error;
      setFlash(reply, 'error', error.message);
      return reply.redirect(`${LIST_URL}/${id}`, 303);
    }
    setFlash(reply, 'success', 'Le courriel sera renvoyé dans quelques secondes.');
    return reply.redirect(`${LIST_URL}/${id}`, 303);
  });
}

function nextAttempt(mail: OutboxRow, now: Date): string {
  if (mail.status === 'sending')
    return mail.claimedUntil ? `Envoi en cours (repris après le ${formatDateTime(mail.claimedUntil)})` : '—';
  if (mail.status !== 'pending') return 'Aucune';
  return mail.notBefore > now ? formatDateTime(mail.notBefore) : 'Dès que possible';
}

function MailDetails({ mail, now }: { mail: OutboxRow; now: Date }) {
  const rows: Array<[string, ComponentChildren]> = [
    ['Destinataire', mail.toAddress],
    ['Objet', mail.subject],
    ['Type de courriel', mailTemplateLabel(mail.template)],
    ['État', STATUS_DISPLAY[mail.status].label],
    ['Tentatives', `${mail.attempts} sur ${MAX_ATTEMPTS} au plus`],
    ['Créé le', formatDateTime(mail.createdAt)],
    ['Envoyé le', mail.sentAt ? formatDateTime(mail.sentAt) : 'Pas encore envoyé'],
    ['Prochaine tentative', nextAttempt(mail, now)],
    ['Dernière erreur', mail.lastError ? <code>{mail.lastError}</code> : 'Aucune'],
  ];
  return (
    <div class="fr-mt-4w">
      <TableWrapper>
        <caption>Informations d’envoi</caption>
        <tbody>
          {rows.map(([label, value]) => (
            <tr>
              <th scope="row">{label}</th>
              <td>{value}</td>
            </tr>
          ))}
        </tbody>
      </TableWrapper>
    </div>
  );
}
