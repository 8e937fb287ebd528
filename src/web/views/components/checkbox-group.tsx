import type { FieldErrors, FormValues } from './forms.js';

/** Checkboxes sharing one name: which are checked comes from the comma-joined kept value. */
export function CheckboxGroup(props: {
  name: string;
  legend: string;
  hint?: string;
  options: Array<{ value: string; label: string }>;
  values: FormValues;
  errors?: FieldErrors;
}) {
  const checked = new Set((props.values[props.name] ?? '').split(',').filter(Boolean));
  const error = props.errors?.[props.name];
  const id = `champ-${props.name}`;
  return (
    <fieldset
      class={`fr-fieldset${error ? ' fr-fieldset--error' : ''}`}
      id={id}
      aria-labelledby={`${id}-legende ${id}-message`}
      role={error ? 'group' : undefined}
    >
      <legend class="fr-fieldset__legend--regular fr-fieldset__legend" id={`${id}-legende`}>
        {props.legend}
        {props.hint && <span class="fr-hint-text">{props.hint}</span>}
      </legend>
      {props.options.map((o, i) => (
        <div class="fr-fieldset__element">
          <div class="fr-checkbox-group fr-checkbox-group--sm">
            <input
              type="checkbox"
              id={`${id}-${i}`}
              name={props.name}
              value={o.value}
              checked={checked.has(o.value)}
            />
            <label class="fr-label" for={`${id}-${i}`}>
              {o.label}
            </label>
          </div>
        </div>
      ))}
      <div class="fr-messages-group" id={`${id}-message`} aria-live="polite">
        {error && <p class="fr-message fr-message--error">{error}</p>}
      </div>
    </fieldset>
  );
}
