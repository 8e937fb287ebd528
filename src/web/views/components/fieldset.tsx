import { type ComponentChildren, toChildArray } from 'preact';

/**
 * A DSFR fieldset whose every child is one field (`fr-fieldset__element`): forms list their
 * fields without wrapping each one by hand.
 */
export function Fieldset(props: {
  legend: ComponentChildren;
  /** The fieldset's own id (an anchor for links and error summaries). */
  id?: string;
  /** Names the fieldset through its legend (aria-labelledby). */
  legendId?: string;
  class?: string;
  legendClass?: string;
  /** The children are already `fr-fieldset__element` blocks: shown as they are. */
  raw?: boolean;
  children: ComponentChildren;
}) {
  return (
    <fieldset
      class={`fr-fieldset${props.class ? ` ${props.class}` : ''}`}
      id={props.id}
      aria-labelledby={props.legendId}
    >
      <legend
        class={`fr-fieldset__legend${props.legendClass ? ` ${props.legendClass}` : ''}`}
        id={props.legendId}
      >
        {props.legend}
      </legend>
      {props.raw
        ? props.children
        : toChildArray(props.children).map((field) => <div class="fr-fieldset__element">{field}</div>)}
    </fieldset>
  );
}
