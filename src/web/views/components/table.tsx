import type { ComponentChildren } from 'preact';

/**
 * A DSFR table as 1.14 documents it: the table sits in wrapper › container › content, so a table
 * wider than the page scrolls inside its own box instead of widening the page. `class` adds DSFR
 * modifiers (fr-table--bordered, fr-table--no-caption…) or margins to the outer element. The box
 * takes the keyboard focus, so that a table wider than it can be scrolled with the arrow keys
 * (WCAG 2.1.1; axe's scrollable-region-focusable).
 */
export function DsfrTable(props: { class?: string; children: ComponentChildren }) {
  return (
    <div class={props.class ? `fr-table ${props.class}` : 'fr-table'}>
      <div class="fr-table__wrapper">
        {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling box must be reachable by keyboard (WCAG 2.1.1), see above */}
        <div class="fr-table__container" tabIndex={0}>
          <div class="fr-table__content">{props.children}</div>
        </div>
      </div>
    </div>
  );
}

/** A table of facts, one row per label (row header) and its value. */
export function FactsTable(props: {
  caption: string;
  rows: Array<[string, ComponentChildren]>;
  class?: string;
}) {
  return (
    <DsfrTable class={props.class}>
      <table>
        <caption>{props.caption}</caption>
        <tbody>
          {props.rows.map(([label, value]) => (
            <tr>
              <th scope="row">{label}</th>
              <td>{value}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </DsfrTable>
  );
}
