import type { ComponentChildren } from 'preact';
import { Breadcrumb } from '../layout.js';
import { ErrorSummary, type FieldErrors } from './forms.js';

/** Pieces of the administration pages (libraries, resources, staff accounts…). */

export type Crumb = { href?: string; label: string };

const HOME: Crumb = { href: '/admin', label: 'Tableau de bord' };

/** The breadcrumb from the dashboard, then the page's title. */
export function PageHeading(props: { trail: Crumb[]; title: ComponentChildren; label?: string }) {
  const last = props.label ?? (typeof props.title === 'string' ? props.title : '');
  return (
    <>
      <Breadcrumb items={[HOME, ...props.trail, { label: last }]} />
      <h1>{props.title}</h1>
    </>
  );
}

/**
 * A row of links shown as buttons: under a list's title ("Ajouter…", "Importer…"), or the next
 * steps at the end of a page ("Se connecter", "Retour au catalogue").
 */
export function ButtonLinks(props: {
  links: Array<{ href: string; label: string; icon?: string; secondary?: boolean }>;
  class?: string;
}) {
  const icons = props.links.some((l) => l.icon);
  return (
    <ul
      class={`fr-btns-group fr-btns-group--inline-md${icons ? ' fr-btns-group--icon-left' : ''}${props.class ? ` ${props.class}` : ''}`}
    >
      {props.links.map((l) => (
        <li>
          <a
            class={`fr-btn${l.secondary ? ' fr-btn--secondary' : ''}${l.icon ? ` ${l.icon}` : ''}`}
            href={l.href}
          >
            {l.label}
          </a>
        </li>
      ))}
    </ul>
  );
}

/**
 * A page holding one form: breadcrumb and title, what the form is for, the list of errors after
 * a failed submission, then the form.
 */
export function FormPage(props: {
  trail: Crumb[];
  title: string;
  crumb?: string;
  wide?: boolean;
  intro?: ComponentChildren;
  errors?: FieldErrors;
  labels: Record<string, string>;
  children: ComponentChildren;
}) {
  return (
    <div class="fr-grid-row">
      <div class={`fr-col-12 ${props.wide ? 'fr-col-lg-9' : 'fr-col-md-8'}`}>
        <PageHeading trail={props.trail} title={props.title} label={props.crumb} />
        {props.intro}
        <ErrorSummary errors={props.errors} labels={props.labels} />
        {props.children}
      </div>
    </div>
  );
}

/** Why an action was refused (the page is shown again, nothing changed). */
export function RefusalNotice({ message }: { message?: string }) {
  if (!message) return null;
  return (
    <div class="fr-alert fr-alert--error fr-mb-4w" role="alert">
      <p>{message}</p>
    </div>
  );
}

/** Active / deactivated, as every administered thing shows it. */
export function ActiveBadge(props: { active: boolean; inactiveLabel?: string; on?: string }) {
  return props.active ? (
    <p class="fr-badge fr-badge--sm fr-badge--success">{props.on ?? 'Active'}</p>
  ) : (
    <p class="fr-badge fr-badge--sm fr-badge--error">{props.inactiveLabel ?? 'Désactivée'}</p>
  );
}
