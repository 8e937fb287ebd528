import type { ComponentChildren } from 'preact';
import { DsfrTable } from './table.js';

/**
 * The pieces every list page shares: the filter form, the count read out after a search, the
 * table in its DSFR scroll wrapper, and the pagination. Links and forms are plain GET, so a
 * filtered page can be bookmarked and works without JavaScript.
 */

/** One choice of a filter's select; `value: ''` is "all". */
export interface FilterOption {
  value: string;
  label: string;
}

/** A select of a GET filter form; the option whose value is `value` is chosen. */
export function FilterSelect(props: {
  id: string;
  name: string;
  label: ComponentChildren;
  value: string;
  options: FilterOption[];
}) {
  return (
    <div class="fr-select-group">
      <label class="fr-label" for={props.id}>
        {props.label}
      </label>
      <select class="fr-select" id={props.id} name={props.name}>
        {props.options.map((o) => (
          <option value={o.value} selected={o.value === props.value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}

/** The buttons of a GET filter form: submit, and the way back to the whole list. */
export function FilterButtons(props: {
  submit: string;
  reset?: { href: string; label: string; secondary?: boolean };
  /** `inline-md`: stacked on a phone. */
  inline?: 'inline' | 'inline-md';
}) {
  const { reset } = props;
  return (
    <ul class={`fr-btns-group fr-btns-group--${props.inline ?? 'inline'}`}>
      <li>
        <button type="submit" class="fr-btn">
          {props.submit}
        </button>
      </li>
      {reset && (
        <li>
          <a class={`fr-btn ${reset.secondary ? 'fr-btn--secondary' : 'fr-btn--tertiary'}`} href={reset.href}>
            {reset.label}
          </a>
        </li>
      )}
    </ul>
  );
}

/**
 * A search box and optional selects, submitted by GET to `action`. "Tout afficher" appears once
 * something is filtered.
 */
export function ListFilters(props: {
  action: string;
  search: { value: string; label?: string; hint: string };
  selects?: Array<{ name: string; label: string; value: string; options: FilterOption[] }>;
  filtered: boolean;
}) {
  const { action, search, selects = [], filtered } = props;
  return (
    <form method="get" action={action} role="search" class="fr-mb-4w">
      <div class="fr-grid-row fr-grid-row--gutters fr-grid-row--bottom">
        <div class="fr-col-12 fr-col-md-6">
          <div class="fr-input-group">
            <label class="fr-label" for="filtre-q">
              {search.label ?? 'Rechercher'}
              <span class="fr-hint-text">{search.hint}</span>
            </label>
            <input class="fr-input" type="search" id="filtre-q" name="q" value={search.value} />
          </div>
        </div>
        {selects.map((s) => (
          <div class="fr-col-12 fr-col-md-3">
            <FilterSelect id={`filtre-${s.name}`} {...s} />
          </div>
        ))}
        <div class="fr-col-12 fr-col-md-3">
          <FilterButtons
            submit="Filtrer"
            reset={filtered ? { href: action, label: 'Tout afficher' } : undefined}
          />
        </div>
      </div>
    </form>
  );
}

/** "12 bibliothèques", or why the list is empty; a status, so screen readers announce it. */
export function ResultCount(props: {
  count: number;
  noun: { one: string; many: string };
  empty: string;
  emptyFiltered?: string;
  filtered?: boolean;
}) {
  const { count, noun } = props;
  return (
    <p role="status">
      {count === 0
        ? props.filtered && props.emptyFiltered
          ? props.emptyFiltered
          : props.empty
        : `${count} ${count > 1 ? noun.many : noun.one}`}
    </p>
  );
}

/**
 * A data table in its DSFR wrapper (which scrolls sideways on a narrow screen); without
 * `headers`, no head row (the rows carry their own headers).
 */
export function DataTable(props: {
  caption: ComponentChildren;
  headers?: ComponentChildren[];
  children: ComponentChildren;
  class?: string;
}) {
  return (
    <DsfrTable class={props.class}>
      <table>
        <caption>{props.caption}</caption>
        {props.headers && (
          <thead>
            <tr>
              {props.headers.map((h) => (
                <th scope="col">{h}</th>
              ))}
            </tr>
          </thead>
        )}
        <tbody>{props.children}</tbody>
      </table>
    </DsfrTable>
  );
}

/**
 * The page numbers shown: the first, the last, and the current one with its neighbours. With no
 * known last page (a total too large to count), the next page stands in for it.
 */
export function pageWindow(current: number, last: number | null): Array<number | null> {
  const wanted = new Set(
    [1, last ?? current + 1, current - 1, current, current + 1].filter(
      (n) => n >= 1 && (last === null || n <= last),
    ),
  );
  const sorted = [...wanted].sort((a, b) => a - b);
  const out: Array<number | null> = [];
  sorted.forEach((n, i) => {
    if (i > 0 && n - sorted[i - 1]! > 1) out.push(null);
    out.push(n);
  });
  return out;
}

function EdgeLink(props: { enabled: boolean; href: string; cls: string; children: ComponentChildren }) {
  return (
    <li>
      {props.enabled ? (
        <a class={`fr-pagination__link ${props.cls}`} href={props.href}>
          {props.children}
        </a>
      ) : (
        <a class={`fr-pagination__link ${props.cls}`} aria-disabled="true" role="link">
          {props.children}
        </a>
      )}
    </li>
  );
}

/**
 * DSFR pagination; `href` keeps the search and the filters in each link. `last` null: the number
 * of pages is not known (no "Dernière page"), and `hasNext` says whether another page follows.
 */
export function Pagination(props: {
  current: number;
  last: number | null;
  hasNext?: boolean;
  href: (page: number) => string;
}) {
  const { current, last, href } = props;
  const hasNext = props.hasNext ?? (last !== null && current < last);
  if (current <= 1 && !hasNext) return null;
  return (
    <nav role="navigation" class="fr-pagination fr-mt-3w" aria-label="Pagination">
      <ul class="fr-pagination__list">
        <EdgeLink enabled={current > 1} href={href(1)} cls="fr-pagination__link--first">
          Première page
        </EdgeLink>
        <EdgeLink
          enabled={current > 1}
          href={href(current - 1)}
          cls="fr-pagination__link--prev fr-pagination__link--lg-label"
        >
          Page précédente
        </EdgeLink>
        {pageWindow(current, last).map((n) => (
          <li>
            {n === null ? (
              <span class="fr-pagination__link fr-displayed-lg">…</span>
            ) : n === current ? (
              <a class="fr-pagination__link" aria-current="page" title={`Page ${n}`}>
                {n}
              </a>
            ) : (
              <a class="fr-pagination__link" href={href(n)} title={`Page ${n}`}>
                {n}
              </a>
            )}
          </li>
        ))}
        <EdgeLink
          enabled={hasNext}
          href={href(current + 1)}
          cls="fr-pagination__link--next fr-pagination__link--lg-label"
        >
          Page suivante
        </EdgeLink>
        {last !== null && (
          <EdgeLink enabled={current < last} href={href(last)} cls="fr-pagination__link--last">
            Dernière page
          </EdgeLink>
        )}
      </ul>
    </nav>
  );
}
