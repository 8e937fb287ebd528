import type { ComponentChildren } from 'preact';

/**
 * A DSFR alert: what happened or what to know before going on. `class` adds the spacing under
 * it; `role` makes screen readers announce it (status: a success, alert: a refusal).
 */
export function Notice(props: {
  kind: 'info' | 'success' | 'warning' | 'error';
  title?: ComponentChildren;
  small?: boolean;
  class?: string;
  role?: 'status' | 'alert';
  children?: ComponentChildren;
}) {
  return (
    <div
      class={`fr-alert fr-alert--${props.kind}${props.small ? ' fr-alert--sm' : ''}${props.class ? ` ${props.class}` : ''}`}
      role={props.role}
    >
      {props.title && <h2 class="fr-alert__title">{props.title}</h2>}
      {props.children}
    </div>
  );
}
