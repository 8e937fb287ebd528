import type { StaffActor } from '../../../domain/actor.js';
import { QUEUE_PAGE_SIZE } from '../../../domain/patron-queue.js';
import type { NetworkSettings } from '../../../domain/settings.js';
import type { PatronQueueData } from '../../../usecases/patrons/patron-queue.js';
import { PageHeading } from '../components/admin-page.js';
import { Form } from '../components/forms.js';
import { Pagination } from '../components/list.js';
import { ExportLinks } from '../patrons/export-links.js';
import { BULK_DECISION_ACTION } from './bulk-decision-bar.js';
import { CriteriaForm } from './criteria-form.js';
import { QUEUE_TITLE, QUEUE_URL, queueHref } from './queue-criteria.js';
import { QueueTable } from './queue-table.js';
import { StateCounts } from './state-counts.js';

/**
 * "/admin/usagers": the criteria, the number of patrons per state, one page of patrons (a form:
 * the bulk bar acts on the ticked lines, then comes back to `returnUrl`), the pages, the exports.
 */
export function PatronQueuePage(props: {
  data: PatronQueueData;
  actor: StaffActor;
  settings: NetworkSettings;
  csrf: string;
  returnUrl: string;
}) {
  const { data, actor, settings } = props;
  const { view, page } = data;
  const hasNext = page.page < page.pageCount || (!page.total.exact && page.rows.length === QUEUE_PAGE_SIZE);
  return (
    <>
      <PageHeading trail={[]} title={QUEUE_TITLE} />
      {settings.staffRegistration && (
        <p>
          <a
            class="fr-btn fr-btn--secondary fr-icon-user-add-line fr-btn--icon-left"
            href={`${QUEUE_URL}/nouveau`}
          >
            Inscrire un usager
          </a>
        </p>
      )}
      <CriteriaForm admin={actor.role === 'network_admin'} libraries={data.libraries} view={view} />
      <StateCounts view={view} counts={data.counts} />
      <Form action={BULK_DECISION_ACTION} csrf={props.csrf} id="liste-usagers">
        <input type="hidden" name="retour" value={props.returnUrl} />
        <QueueTable
          view={view}
          page={page}
          libraries={data.libraries}
          now={data.now}
          settings={settings}
          actor={actor}
        />
      </Form>
      <Pagination
        current={page.page}
        last={page.total.exact ? page.pageCount : null}
        hasNext={hasNext}
        href={(n) => queueHref(view, { page: n })}
      />
      <ExportLinks actor={actor} listUrl={queueHref(view)} libraryId={view.libraryId} />
    </>
  );
}
