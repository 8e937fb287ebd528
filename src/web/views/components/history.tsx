import type { EventRow } from '../../../db/repositories/events.js';
import { formatDateTime } from '../../../domain/paris.js';
import { DataTable } from './list.js';

/**
 * The history of an administered thing (a library, a staff account…): date, action, who, and
 * an optional detail column. The caption stays for screen readers only.
 */
export function HistoryTable(props: {
  events: EventRow[];
  caption: string;
  labels: Record<string, string>;
  details?: (event: EventRow) => string;
  empty?: string;
}) {
  const { events, labels, details } = props;
  if (events.length === 0) return <p>{props.empty ?? 'Aucun événement enregistré.'}</p>;
  return (
    <DataTable
      class="fr-table--no-caption"
      caption={props.caption}
      headers={['Date', 'Action', 'Par', ...(details ? ['Détail'] : [])]}
    >
      {events.map((e) => (
        <tr>
          <td>{formatDateTime(e.at)}</td>
          <td>{labels[e.action] ?? e.action}</td>
          <td>{e.actorLabel}</td>
          {details && <td>{details(e)}</td>}
        </tr>
      ))}
    </DataTable>
  );
}
