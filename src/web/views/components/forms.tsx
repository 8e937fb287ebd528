import type { ComponentChildren } from 'preact';
import { ASSETS } from '../../assets.js';

/**
 * DSFR form components reused by every form. Each shows its error under the field (linked by
 * aria-describedby) and keeps the typed value; passwords are never echoed back.
 */

export type FieldErrors = Record<string, string | undefined>;
export type FormValues = Record<string, string | undefined>;

interface FieldProps {
  name: string;
  label: string;
  hint?: ComponentChildren;
  values?: FormValues;
  errors?: FieldErrors;
  required?: boolean;
}

const id = (name: string) => `champ-${name}`;
const messageId = (name: string) => `champ-${name}-message`;
const hintId = (name: string) => `champ-${name}-aide`;

function describedBy(name: string, hasHint: boolean, error: string | undefined): string | undefined {
  const ids = [hasHint ? hintId(name) : '', error ? messageId(name) : ''].filter(Boolean);
  return ids.length ? ids.join(' ') : undefined;
}

function FieldMessage({ name, error }: { name: string; error?: string }) {
  return (
    <div class="fr-messages-group" id={messageId(name)} aria-live="polite">
      {error && <p class="fr-message fr-message--error">{error}</p>}
    </div>
  );
}

function Label({ name, label, hint, required }: Pick<FieldProps, 'name' | 'label' | 'hint' | 'required'>) {
  return (
    <label class="fr-label" for={id(name)}>
      {label}
      {required && <span aria-hidden="true"> *</span>}
      {hint && (
        <span class="fr-hint-text" id={hintId(name)}>
          {hint}
        </span>
      )}
    </label>
  );
}

/** The wrapper of one field: its label and hint, the control, then its error message. */
function FieldGroup(props: {
  kind: 'input' | 'select';
  field: FieldProps;
  error?: string;
  children: ComponentChildren;
  /** What follows the error message inside the group (a field's script). */
  after?: ComponentChildren;
}) {
  const { kind, field, error } = props;
  return (
    <div class={`fr-${kind}-group${error ? ` fr-${kind}-group--error` : ''}`}>
      <Label {...field} />
      {props.children}
      <FieldMessage name={field.name} error={error} />
      {props.after}
    </div>
  );
}

/** The attributes that tie a control to its label, hint and error (split to keep their order). */
const controlHead = (kind: 'input' | 'select', name: string, error?: string) => ({
  class: `fr-${kind}${error ? ` fr-${kind}--error` : ''}`,
  id: id(name),
  name,
});
const controlTail = (field: FieldProps, error?: string) => ({
  required: field.required,
  'aria-invalid': error ? ('true' as const) : undefined,
  'aria-describedby': describedBy(field.name, Boolean(field.hint), error),
});

export function TextInput(
  props: FieldProps & {
    type?: 'text' | 'email' | 'password' | 'number' | 'tel' | 'search' | 'url';
    autocomplete?: string;
    inputMode?: 'numeric' | 'email' | 'text';
    spellcheck?: boolean;
    maxLength?: number;
    min?: number;
    max?: number;
  },
) {
  const { name, errors, values } = props;
  const error = errors?.[name];
  const isPassword = props.type === 'password';
  return (
    <FieldGroup kind="input" field={props} error={error}>
      <input
        {...controlHead('input', name, error)}
        type={props.type ?? 'text'}
        value={isPassword ? undefined : (values?.[name] ?? '')}
        autocomplete={props.autocomplete}
        inputMode={props.inputMode}
        spellcheck={props.spellcheck}
        maxLength={props.maxLength}
        min={props.min}
        max={props.max}
        {...controlTail(props, error)}
      />
    </FieldGroup>
  );
}

/** A date typed as JJ/MM/AAAA: a plain text field, so it works everywhere without JavaScript. */
export function DateInput(props: FieldProps & { autocomplete?: string }) {
  return (
    <TextInput
      {...props}
      hint={props.hint ?? 'Format attendu : JJ/MM/AAAA, par exemple 14/07/1990.'}
      inputMode="numeric"
      maxLength={10}
    />
  );
}

export function TextArea(props: FieldProps & { rows?: number }) {
  const { name, errors, values } = props;
  const error = errors?.[name];
  return (
    <FieldGroup kind="input" field={props} error={error}>
      <textarea {...controlHead('input', name, error)} rows={props.rows ?? 6} {...controlTail(props, error)}>
        {values?.[name] ?? ''}
      </textarea>
    </FieldGroup>
  );
}

type Option = { value: string; label: string };

/**
 * A native select; `groups` lists its options under headings (optgroups) instead of `options`;
 * `combobox` lets combobox.js turn it into a searchable list when JavaScript runs.
 */
export function Select(
  props: FieldProps & {
    options?: Option[];
    groups?: Array<{ label: string; options: Option[] }>;
    placeholder?: string;
    combobox?: boolean;
  },
) {
  const { name, errors, values } = props;
  const error = errors?.[name];
  const current = values?.[name] ?? '';
  const option = (o: Option) => (
    <option value={o.value} selected={o.value === current}>
      {o.label}
    </option>
  );
  return (
    <FieldGroup
      kind="select"
      field={props}
      error={error}
      after={props.combobox && <script src={ASSETS.comboboxJs} defer />}
    >
      <select
        {...controlHead('select', name, error)}
        {...controlTail(props, error)}
        data-combobox={props.combobox || undefined}
      >
        {props.placeholder !== undefined && (
          <option value="" selected={current === ''}>
            {props.placeholder}
          </option>
        )}
        {props.options?.map(option)}
        {props.groups?.map((g) => (
          <optgroup label={g.label}>{g.options.map(option)}</optgroup>
        ))}
      </select>
    </FieldGroup>
  );
}

export function RadioGroup(
  props: FieldProps & { options: Array<{ value: string; label: string }>; inline?: boolean },
) {
  const { name, errors, values } = props;
  const error = errors?.[name];
  const legendId = `${id(name)}-legende`;
  return (
    <fieldset
      class={`fr-fieldset${error ? ' fr-fieldset--error' : ''}`}
      id={id(name)}
      aria-labelledby={`${legendId} ${messageId(name)}`}
      role={error ? 'group' : undefined}
    >
      <legend class="fr-fieldset__legend--regular fr-fieldset__legend" id={legendId}>
        {props.label}
        {props.required && <span aria-hidden="true"> *</span>}
        {props.hint && <span class="fr-hint-text">{props.hint}</span>}
      </legend>
      {props.options.map((o, i) => (
        <div class={`fr-fieldset__element${props.inline ? ' fr-fieldset__element--inline' : ''}`}>
          <div class="fr-radio-group">
            <input
              type="radio"
              id={`${id(name)}-${i}`}
              name={name}
              value={o.value}
              checked={values?.[name] === o.value}
              required={props.required}
            />
            <label class="fr-label" for={`${id(name)}-${i}`}>
              {o.label}
            </label>
          </div>
        </div>
      ))}
      <FieldMessage name={name} error={error} />
    </fieldset>
  );
}

export function Checkbox(props: FieldProps & { value?: string }) {
  const { name, errors, values } = props;
  const error = errors?.[name];
  const value = props.value ?? 'oui';
  return (
    <div class={`fr-checkbox-group${error ? ' fr-checkbox-group--error' : ''}`}>
      <input
        type="checkbox"
        id={id(name)}
        name={name}
        value={value}
        checked={values?.[name] === value}
        aria-describedby={describedBy(name, Boolean(props.hint), error)}
      />
      <label class="fr-label" for={id(name)}>
        {props.label}
        {props.hint && (
          <span class="fr-hint-text" id={hintId(name)}>
            {props.hint}
          </span>
        )}
      </label>
      <FieldMessage name={name} error={error} />
    </div>
  );
}

/** Listed at the top of a form after a failed submission; each entry links to its field. */
export function ErrorSummary({ errors, labels }: { errors?: FieldErrors; labels?: Record<string, string> }) {
  const entries = Object.entries(errors ?? {}).filter((e): e is [string, string] => Boolean(e[1]));
  if (entries.length === 0) return null;
  return (
    // autofocus: after a refused submission, keyboard and screen-reader users start at the list of
    // errors (RGAA 11.10) instead of the top of the body, with or without JavaScript.
    <div class="fr-alert fr-alert--error fr-mb-4w" role="alert" id="erreurs" tabIndex={-1} autofocus>
      <h2 class="fr-alert__title">
        {entries.length === 1
          ? 'Le formulaire contient une erreur'
          : `Le formulaire contient ${entries.length} erreurs`}
      </h2>
      <ul>
        {entries.map(([name, message]) => (
          <li>
            <a href={`#${id(name)}`}>{labels?.[name] ? `${labels[name]} : ${message}` : message}</a>
          </li>
        ))}
      </ul>
    </div>
  );
}

/**
 * A form as it shows after a failed submission too: the list of errors first, then the form
 * (its fields are the children) and its submit button when `submit` is given.
 */
export function FormWithErrors(props: {
  action: string;
  csrf: string;
  errors?: FieldErrors;
  labels?: Record<string, string>;
  submit?: ComponentChildren;
  children: ComponentChildren;
}) {
  return (
    <>
      <ErrorSummary errors={props.errors} labels={props.labels} />
      <Form action={props.action} csrf={props.csrf}>
        {props.children}
        {props.submit && <SubmitButton>{props.submit}</SubmitButton>}
      </Form>
    </>
  );
}

/** A POST form carrying the CSRF token. */
export function Form(props: {
  action: string;
  csrf: string;
  children: ComponentChildren;
  id?: string;
  enctype?: string;
  class?: string;
}) {
  return (
    <form
      method="post"
      action={props.action}
      id={props.id}
      enctype={props.enctype}
      class={props.class}
      noValidate
    >
      <input type="hidden" name="_csrf" value={props.csrf} />
      {props.children}
    </form>
  );
}

export function SubmitButton({ children, secondary }: { children: ComponentChildren; secondary?: boolean }) {
  return (
    <button type="submit" class={`fr-btn${secondary ? ' fr-btn--secondary' : ''}`}>
      {children}
    </button>
  );
}

/** The submit button of a form and the way out ("Annuler") back to where the person came from. */
export function FormActions({
  submit,
  cancelHref,
  cancelLabel = 'Annuler',
}: {
  submit: ComponentChildren;
  cancelHref: string;
  cancelLabel?: string;
}) {
  return (
    <ul class="fr-btns-group fr-btns-group--inline-md">
      <li>
        <SubmitButton>{submit}</SubmitButton>
      </li>
      <li>
        <a class="fr-btn fr-btn--secondary" href={cancelHref}>
          {cancelLabel}
        </a>
      </li>
    </ul>
  );
}
