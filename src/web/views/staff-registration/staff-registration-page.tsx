import type { Library } from '../../../db/repositories/libraries.js';
import type { DuplicateMatch } from '../../../db/repositories/patron-records.js';
import type { StaffActor } from '../../../domain/actor.js';
import { CARD_NUMBER_MAX } from '../../../domain/patron-identity.js';
import { REGISTRATION_LABELS } from '../../../domain/registration-form.js';
import type { IlsFilledField, RegistrationIlsLookup } from '../../../usecases/patrons/registration-ils.js';
import { PageHeading } from '../components/admin-page.js';
import {
  Checkbox,
  ErrorSummary,
  type FieldErrors,
  Form,
  type FormValues,
  SubmitButton,
  TextInput,
} from '../components/forms.js';
import { QUEUE_TITLE, QUEUE_URL } from '../patron-queue/queue-criteria.js';
import { ilsHint } from '../patrons/decision-panel.js';
import { LibrarySelect } from '../registration/library-select.js';
import { RegistrationFields } from '../registration/registration-fields.js';
import { DuplicateList } from './duplicate-list.js';

export const STAFF_REGISTRATION_URL = '/admin/usagers/nouveau';
const TITLE = 'Inscription usager ressources numériques';
/** The box staff tick to create an account that looks like an existing one. */
export const CONFIRM_FIELD = 'confirmer_doublon';
/** The ids of the look-alikes shown, so that the box confirms those and no others. */
export const SEEN_FIELD = 'doublons';

const LABELS: Record<string, string> = {
  ...REGISTRATION_LABELS,
  libraryId: 'Bibliothèque',
  cardNumber: 'Numéro de carte',
  [CONFIRM_FIELD]: 'Doublon possible',
};

/** The value of the lookup button (`action`): the form comes back filled from the library's system. */
export const ILS_LOOKUP_ACTION = 'sigb';

export interface StaffRegistrationState {
  values?: FormValues;
  errors?: FieldErrors;
  status?: number;
  duplicates?: { matches: DuplicateMatch[]; blocking: boolean };
  /** What "Rechercher dans le système de la bibliothèque" found, or why it found nothing. */
  ilsLookup?: RegistrationIlsLookup;
}

const FILLED_LABELS: Record<IlsFilledField, string> = {
  lastName: 'nom',
  firstName: 'prénom',
  birthDate: 'date de naissance',
  email: 'adresse électronique',
};

const TYPE_IT = 'Saisissez les informations de l’usager vous-même.';

/** The lookup's outcome as the form shows it: an error next to its field, or what was filled. */
export function ilsLookupFeedback(lookup: RegistrationIlsLookup | undefined): {
  errors?: FieldErrors;
  info?: string[];
} {
  if (!lookup) return {};
  switch (lookup.kind) {
    case 'problem': {
      const message =
        lookup.problem === 'no_library'
          ? 'Choisissez d’abord la bibliothèque de l’usager : la recherche interroge le système de cette bibliothèque.'
          : lookup.problem === 'no_card'
            ? 'Saisissez le numéro de carte de l’usager pour le rechercher dans le système de la bibliothèque.'
            : lookup.problem === 'no_ils'
              ? `Le système de cette bibliothèque n’est pas relié à Sésame. ${TYPE_IT}`
              : (lookup.message ?? '');
      return { errors: { [lookup.field]: message } };
    }
    case 'not_found':
      return {
        errors: {
          cardNumber:
            lookup.check.status === 'unknown'
              ? `Carte inconnue selon le système de la bibliothèque : vérifiez le numéro, ou ${TYPE_IT.charAt(0).toLowerCase()}${TYPE_IT.slice(1)}`
              : `${ilsHint(lookup.check)} ${TYPE_IT}`,
        },
      };
    case 'found': {
      const info = [`Carte trouvée. ${ilsHint(lookup.check) ?? ''}`.trim()];
      if (lookup.filled.length)
        info.push(`Rempli d’après le système : ${lookup.filled.map((f) => FILLED_LABELS[f]).join(', ')}.`);
      for (const d of lookup.differing)
        info.push(
          `Gardé tel que saisi ; le système indique pour ${FILLED_LABELS[d.field]} : « ${d.value} ».`,
        );
      if (!lookup.filled.length && !lookup.differing.length)
        info.push('Ce que vous avez saisi correspond au système de la bibliothèque.');
      return { info };
    }
  }
}

export function staffRegistrationTitle(state: StaffRegistrationState): string {
  const errors = state.errors ?? ilsLookupFeedback(state.ilsLookup).errors;
  return errors ? `Erreur — ${TITLE}` : state.duplicates ? `Doublon possible — ${TITLE}` : TITLE;
}

/** The library part of the form: fixed for staff of one library, a choice among theirs otherwise. */
function LibraryField(props: {
  libraries: Library[];
  values?: FormValues;
  errors?: FieldErrors;
  /** Some of these libraries have an ILS Sésame may ask: the lookup button is shown. */
  ils: boolean;
  ilsInfo?: string[];
}) {
  const only = props.libraries.length === 1 ? props.libraries[0]! : null;
  return (
    <>
      <div class="fr-fieldset__element">
        {only ? (
          <div class="fr-input-group">
            <p class="fr-label fr-mb-1w" id="bibliotheque-fixe">
              {LABELS.libraryId}
            </p>
            <p class="fr-text--bold fr-mb-0" aria-describedby="bibliotheque-fixe">
              {only.name} ({only.town})
            </p>
            <input type="hidden" name="libraryId" value={only.id} />
          </div>
        ) : (
          <LibrarySelect
            libraries={props.libraries}
            values={props.values}
            errors={props.errors}
            hint="La bibliothèque où l’usager est adhérent, parmi celles que vous gérez. Tapez les premières lettres de la commune pour la trouver."
          />
        )}
      </div>
      <div class="fr-fieldset__element">
        <TextInput
          name="cardNumber"
          label="Numéro de carte"
          hint={
            props.ils
              ? 'Facultatif : le numéro de sa carte d’adhérent de la bibliothèque. « Rechercher dans le système de la bibliothèque » remplit les champs vides avec ce que ce système connaît de l’usager.'
              : 'Facultatif : le numéro de sa carte d’adhérent de la bibliothèque.'
          }
          maxLength={CARD_NUMBER_MAX}
          spellcheck={false}
          autocomplete="off"
          values={props.values}
          errors={props.errors}
        />
        {props.ilsInfo && (
          <div class="fr-messages-group fr-mb-2w" id="champ-cardNumber-sigb" aria-live="polite">
            {props.ilsInfo.map((line) => (
              <p class="fr-message fr-message--info">{line}</p>
            ))}
          </div>
        )}
        {props.ils && (
          <button
            type="submit"
            name="action"
            value={ILS_LOOKUP_ACTION}
            formNoValidate
            class="fr-btn fr-btn--secondary fr-btn--sm fr-mb-2w"
          >
            Rechercher dans le système de la bibliothèque
          </button>
        )}
      </div>
    </>
  );
}

/**
 * "/admin/usagers/nouveau": staff register a member of their library; the look-alike accounts
 * found at the previous submission, and the box to create the account anyway, when there are.
 */
export function StaffRegistrationPage(props: {
  actor: StaffActor;
  libraries: Library[];
  /** The password rule, as a sentence. */
  passwordRule: string;
  linkDays: number;
  state: StaffRegistrationState;
  /** The actor's libraries whose ILS Sésame may ask. */
  ilsLibraryIds: string[];
  csrf: string;
}) {
  const { libraries, passwordRule: rule } = props;
  const feedback = ilsLookupFeedback(props.state.ilsLookup);
  const state = { ...props.state, errors: props.state.errors ?? feedback.errors };
  const dup = state.duplicates;
  return (
    <div class="fr-grid-row fr-grid-row--center">
      <div class="fr-col-12 fr-col-lg-10">
        <PageHeading trail={[{ href: QUEUE_URL, label: QUEUE_TITLE }]} title={TITLE} />
        <p>
          Inscrivez un adhérent de votre bibliothèque. Il recevra par courriel un lien pour choisir lui-même
          son mot de passe (valable {props.linkDays} jours) : personne d’autre ne le connaîtra. Règle du mot
          de passe : {rule.charAt(0).toLowerCase()}
          {rule.slice(1)}
        </p>
        <p>
          L’inscription reste « à valider » jusqu’à ce que vous l’enregistriez depuis la fiche de l’usager,
          après avoir vérifié ses informations.
        </p>
        <p class="fr-text--sm">Les champs avec un astérisque sont obligatoires.</p>
        <ErrorSummary errors={state.errors} labels={LABELS} />
        {dup && <DuplicateList matches={dup.matches} actor={props.actor} blocking={dup.blocking} />}
        <Form action={STAFF_REGISTRATION_URL} csrf={props.csrf}>
          <RegistrationFields
            libraries={libraries}
            values={state.values}
            errors={state.errors}
            passwordRule={rule}
            withPassword={false}
            staff
            libraryField={
              <LibraryField
                libraries={libraries}
                values={state.values}
                errors={state.errors}
                ils={props.ilsLibraryIds.length > 0}
                ilsInfo={feedback.info}
              />
            }
          />
          {dup && !dup.blocking && (
            <div class="fr-mb-3w">
              <input type="hidden" name={SEEN_FIELD} value={dup.matches.map((m) => m.id).join(',')} />
              <Checkbox
                name={CONFIRM_FIELD}
                label="Je confirme qu’il s’agit d’une autre personne / je veux créer ce compte quand même"
                hint="Sans cette confirmation, aucun compte n’est créé."
                values={state.values}
                errors={state.errors}
              />
            </div>
          )}
          <SubmitButton>Inscrire l’usager</SubmitButton>
        </Form>
      </div>
    </div>
  );
}
