import type { ComponentChildren } from 'preact';
import { Fieldset } from '../components/fieldset.js';
import { type FieldErrors, FormWithErrors, TextInput } from '../components/forms.js';
import { HOME_CRUMB, PageFrame } from '../components/page.js';
import { ACCOUNT_URLS } from '../patrons/account-sections.js';

/** Field names of the "Mon compte" forms, as the error summary names them. */
export const ACCOUNT_LABELS = {
  currentPassword: 'Mot de passe actuel',
  password: 'Nouveau mot de passe',
  confirmation: 'Confirmation du nouveau mot de passe',
  email: 'Nouvelle adresse électronique',
};

/** A page under "Mon compte": breadcrumb from the home page, title, content. */
export function AccountFrame(props: { title: string; crumb: string; children: ComponentChildren }) {
  return (
    <PageFrame
      title={props.title}
      breadcrumb={[HOME_CRUMB, { href: ACCOUNT_URLS.home, label: 'Mon compte' }, { label: props.crumb }]}
    >
      {props.children}
    </PageFrame>
  );
}

export function BackToAccount() {
  return (
    <p class="fr-mt-4w">
      <a class="fr-link fr-icon-arrow-left-line fr-link--icon-left" href={ACCOUNT_URLS.home}>
        Retour à Mon compte
      </a>
    </p>
  );
}

/** A page reached from an e-mail link or after leaving: centred, no breadcrumb. */
export function CentredPage(props: { title: string; children: ComponentChildren }) {
  return (
    <PageFrame title={props.title} centred>
      {props.children}
    </PageFrame>
  );
}

/** A "Mon compte" form: the error summary naming ACCOUNT_LABELS, one fieldset, its button. */
export function AccountForm(props: {
  action: string;
  csrf: string;
  errors?: FieldErrors;
  legend: string;
  submit: string;
  children: ComponentChildren;
}) {
  return (
    <FormWithErrors
      action={props.action}
      csrf={props.csrf}
      errors={props.errors}
      labels={ACCOUNT_LABELS}
      submit={props.submit}
    >
      <Fieldset legend={props.legend}>{props.children}</Fieldset>
    </FormWithErrors>
  );
}

/** The current password, asked before a change to the account. */
export function CurrentPasswordInput(props: { errors?: FieldErrors; hint?: string }) {
  return (
    <TextInput
      name="currentPassword"
      type="password"
      label={ACCOUNT_LABELS.currentPassword}
      hint={props.hint}
      autocomplete="current-password"
      errors={props.errors}
      required
    />
  );
}
