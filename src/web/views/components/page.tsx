import type { ComponentChildren } from 'preact';
import { Breadcrumb } from '../layout.js';
import type { Crumb } from './admin-page.js';

/** The first step of every breadcrumb outside the administration. */
export const HOME_CRUMB: Crumb = { href: '/', label: 'Accueil' };

/**
 * A page of one column: the breadcrumb (when given), the title, then the content. `cols` are
 * the column's DSFR widths past a phone's full width; `centred` centres it (pages reached from
 * an e-mail link, login).
 */
export function PageFrame(props: {
  title: ComponentChildren;
  breadcrumb?: Crumb[];
  centred?: boolean;
  cols?: string;
  children?: ComponentChildren;
}) {
  return (
    <div class={props.centred ? 'fr-grid-row fr-grid-row--center' : 'fr-grid-row'}>
      <div class={`fr-col-12 ${props.cols ?? 'fr-col-md-10 fr-col-lg-8'}`}>
        {props.breadcrumb && <Breadcrumb items={props.breadcrumb} />}
        <h1>{props.title}</h1>
        {props.children}
      </div>
    </div>
  );
}
