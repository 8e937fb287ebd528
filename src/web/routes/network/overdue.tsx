import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { overdueThreads } from '../../../db/repositories/messages.js';
import { getNetwork } from '../../../db/repositories/network.js';
import {
  listOverdueRequests,
  type OverdueRequest,
  overdueByLibrary,
} from '../../../db/repositories/overdue-requests.js';
import { daysOverdue, overdueCutoff } from '../../../domain/decision-rules.js';
import { formatDate, formatDateTime } from '../../../domain/paris.js';
import { daysWaiting, STATE_BADGES, STATE_LABELS } from '../../../domain/patron-lifecycle.js';
import type { RouteOptions } from '../../app.js';
import { requireAdmin } from '../../guards.js';
import { sendPage } from '../../render.js';
import { Form } from '../../views/components/forms.js';
import { DsfrTable } from '../../views/components/table.js';
import { Breadcrumb } from '../../views/layout.js';

const PAGE_URL = '/admin/retards';
const LIMIT = 1000;

const query = z.object({
  bibliotheque: z.string().uuid().optional().catch(undefined),
});

const days = (n: number) => `${n} jour${n > 1 ? 's' : ''}`;

function name(r: OverdueRequest): string {
  return [r.firstName, r.lastName].filter(Boolean).join(' ') || r.identifier || 'Usager';
}

/** A warning or reminder only counts for the current wait (not an earlier request's). */
function since(at: Date | null, r: OverdueRequest): Date | null {
  return at && at.getTime() >= r.pendingSince.getTime() ? at : null;
}

/**
 * "Demandes en retard" (SPEC §2 transition 5): requests waiting for their library beyond the
 * network's delay, per library, with what was done about each and the ways to act.
 */
export async function overdueRoutes(app: FastifyInstance, { deps }: RouteOptions): Promise<void> {
  app.get(PAGE_URL, async (request, reply) => {
    const actor = requireAdmin(request, reply);
    if (!actor) return reply;
    const { bibliotheque } = query.parse(request.query ?? {});
    const now = deps.clock.now();
    const network = await getNetwork(deps.db);
    const cutoff = overdueCutoff(now, network.settings);
    const summary = await overdueByLibrary(deps.db, cutoff);
    const libraryId = summary.some((s) => s.libraryId === bibliotheque) ? bibliotheque : undefined;
    const { rows, total } = await listOverdueRequests(deps.db, actor.scope, cutoff, {
      libraryId,
      limit: LIMIT,
    });
    const lateMessages = await overdueThreads(deps.db, actor.scope, cutoff, libraryId);
    const groups = new Map<string, OverdueRequest[]>();
    for (const r of rows) groups.set(r.libraryId, [...(groups.get(r.libraryId) ?? []), r]);
    const all = summary.reduce((n, s) => n + s.count, 0);
    const here = libraryId ? `${PAGE_URL}?bibliotheque=${libraryId}` : PAGE_URL;

    return sendPage(request, reply, {
      title: 'Demandes en retard',
      body: (ctx) => (
        <>
          <Breadcrumb
            items={[{ href: '/admin', label: 'Tableau de bord' }, { label: 'Demandes en retard' }]}
          />
          <h1>Demandes en retard</h1>
          <p>
            Une demande est en retard quand elle attend la décision de sa bibliothèque depuis plus de{' '}
            {days(network.settings.escalationDays)}. La bibliothèque reçoit alors une relance automatique.
            Vous pouvez l’avertir, puis décider à sa place depuis la fiche de l’usager : l’historique et la
            fiche indiqueront que la décision a été prise par vous ({actor.name}) pour la bibliothèque.
          </p>
          {summary.length > 0 && (
            <form method="get" action={PAGE_URL} class="fr-mb-4w">
              <div class="fr-grid-row fr-grid-row--gutters fr-grid-row--bottom">
                <div class="fr-col-12 fr-col-md-6">
                  <div class="fr-select-group">
                    <label class="fr-label" for="filtre-bibliotheque">
                      Bibliothèque
                    </label>
                    <select class="fr-select" id="filtre-bibliotheque" name="bibliotheque">
                      <option value="" selected={!libraryId}>
                        Toutes ({all})
                      </option>
                      {summary.map((s) => (
                        <option value={s.libraryId} selected={s.libraryId === libraryId}>
                          {s.libraryName} ({s.count})
                        </option>
                      ))}
                    </select>
                  </div>
                </div>
                <div class="fr-col-12 fr-col-md-3">
                  <button type="submit" class="fr-btn fr-btn--secondary">
                    Filtrer
                  </button>
                </div>
              </div>
            </form>
          )}
          {total === 0 ? (
            <div class="fr-alert fr-alert--success">
              <p>Aucune demande en retard : chaque bibliothèque a décidé dans le délai.</p>
            </div>
          ) : (
            <p role="status">
              {total} demande{total > 1 ? 's' : ''} en retard
              {libraryId ? '' : ` dans ${groups.size} bibliothèque${groups.size > 1 ? 's' : ''}`}
              {total > rows.length
                ? ` (les ${rows.length} premières sont affichées : filtrez par bibliothèque)`
                : ''}
              .
            </p>
          )}
          {[...groups.values()].map((list) => {
            const first = list[0]!;
            const headingId = `bibliotheque-${first.libraryId}`;
            return (
              <section class="fr-mt-6w" aria-labelledby={headingId}>
                <h2 id={headingId}>
                  {first.libraryName} ({first.libraryCode})
                </h2>
                <DsfrTable class="fr-table--no-caption">
                  <table>
                    <caption>
                      Demandes en retard de {first.libraryName} : {list.length}
                    </caption>
                    <thead>
                      <tr>
                        <th scope="col">Usager</th>
                        <th scope="col">État</th>
                        <th scope="col">En attente depuis</th>
                        <th scope="col">Retard</th>
                        <th scope="col">Relance automatique</th>
                        <th scope="col">Avertissement</th>
                        <th scope="col">Actions</th>
                      </tr>
                    </thead>
                    <tbody>
                      {list.map((r) => {
                        const late = daysOverdue(r.pendingSince, now, network.settings);
                        const warned = since(r.lastWarnedAt, r);
                        const reminded = since(r.overdueNotifiedAt, r);
                        return (
                          <tr>
                            <th scope="row">
                              <a href={`/admin/usagers/${r.id}`}>{name(r)}</a>
                              {r.identifier && <span class="fr-hint-text">{r.identifier}</span>}
                            </th>
                            <td>
                              <p class={`fr-badge fr-badge--sm ${STATE_BADGES[r.state]}`}>
                                {STATE_LABELS[r.state]}
                              </p>
                            </td>
                            <td>
                              {formatDate(r.pendingSince)} ({days(daysWaiting(r.pendingSince, now))})
                            </td>
                            <td>{late === 0 ? 'moins d’un jour' : days(late)}</td>
                            <td>{reminded ? `Envoyée le ${formatDate(reminded)}` : 'Pas encore'}</td>
                            <td>{warned ? `Avertie le ${formatDateTime(warned)}` : 'Non avertie'}</td>
                            <td>
                              <Form action={`/admin/usagers/${r.id}/avertir`} csrf={ctx.csrf}>
                                <input type="hidden" name="retour" value={here} />
                                <button
                                  type="submit"
                                  class="fr-btn fr-btn--sm fr-btn--secondary fr-mb-1w"
                                  title={`Avertir ${r.libraryName} du retard de la demande de ${name(r)}`}
                                >
                                  Avertir la bibliothèque
                                </button>
                              </Form>
                              <a
                                class="fr-link fr-link--sm"
                                href={`/admin/usagers/${r.id}#decision`}
                                title={`Décider à la place de ${r.libraryName} pour ${name(r)}`}
                              >
                                Décider à sa place
                              </a>
                            </td>
                          </tr>
                        );
                      })}
                    </tbody>
                  </table>
                </DsfrTable>
              </section>
            );
          })}
          <section class="fr-mt-6w" aria-labelledby="messages-en-retard">
            <h2 id="messages-en-retard">Messages en retard</h2>
            <p>
              Messages écrits à une bibliothèque (« Écrire à ma médiathèque ») restés sans réponse depuis plus
              de {days(network.settings.escalationDays)}. Vous pouvez les prendre en charge et répondre à la
              place de la bibliothèque.
            </p>
            {lateMessages.length === 0 ? (
              <p>Aucun message en retard.</p>
            ) : (
              <DsfrTable>
                <table>
                  <caption>Messages en retard : {lateMessages.length}</caption>
                  <thead>
                    <tr>
                      <th scope="col">Objet</th>
                      <th scope="col">Bibliothèque</th>
                      <th scope="col">En attente depuis</th>
                      <th scope="col">Retard</th>
                      <th scope="col">Prise en charge</th>
                    </tr>
                  </thead>
                  <tbody>
                    {lateMessages.map((t) => {
                      const late = daysOverdue(t.waitingSince!, now, network.settings);
                      return (
                        <tr>
                          <th scope="row">
                            <a class="sesame-break" href={`/admin/messages/${t.id}`}>
                              {t.subject}
                            </a>
                            <span class="fr-hint-text sesame-break">{t.authorName ?? t.email}</span>
                          </th>
                          <td>{t.libraryName}</td>
                          <td>
                            {formatDate(t.waitingSince!)} ({days(daysWaiting(t.waitingSince, now))})
                          </td>
                          <td>{late === 0 ? 'moins d’un jour' : days(late)}</td>
                          <td>
                            {t.takenOverAt ? (
                              `Prise en charge le ${formatDateTime(t.takenOverAt)}`
                            ) : (
                              <Form action={`/admin/messages/${t.id}/prendre-en-charge`} csrf={ctx.csrf}>
                                <button
                                  type="submit"
                                  class="fr-btn fr-btn--sm fr-btn--secondary"
                                  title={`Prendre en charge le message « ${t.subject} » à la place de ${t.libraryName}`}
                                >
                                  Prendre en charge
                                </button>
                              </Form>
                            )}
                          </td>
                        </tr>
                      );
                    })}
                  </tbody>
                </table>
              </DsfrTable>
            )}
          </section>
        </>
      ),
    });
  });
}
