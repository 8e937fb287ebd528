import type { ComponentChildren } from 'preact';
import {
  CHECKS,
  CONFIRM_REFUSAL_LABEL,
  type DecisionKind,
  parisTime,
} from '../../../domain/decision-rules.js';
import { formatDate } from '../../../domain/paris.js';
import { frenchDay } from '../../../domain/patron-lifecycle.js';
import type { DecisionPanelData } from '../../../usecases/patrons/decision-panel.js';
import { ASSETS } from '../../assets.js';
import {
  Checkbox,
  ErrorSummary,
  type FieldErrors,
  Form,
  type FormValues,
  RadioGroup,
  TextArea,
  TextInput,
} from '../components/forms.js';

export type { DecisionPanelData };

/** Form field values of the decision (radio values are French: they are what a person posts). */
export const DECISION_VALUES = { accept: 'accepter', refuse: 'refuser' } as const;

const decisionUrl = (patronId: string) => `/admin/usagers/${patronId}/decision`;
/**
 * The form's anchor: "Utiliser ce modèle" posts to the decision URL with it, so the page that
 * comes back opens on the form (with the new texts) rather than at its top.
 */
export const DECISION_FORM_ID = 'formulaire-decision';

const FIELD_LABELS: Record<string, string> = {
  decision: 'Décision',
  membre: 'Vérification ①',
  naissance: 'Vérification ②',
  confirmer_refus: 'Refus d’un adhérent',
  modele: 'Modèle de réponse',
  objet: 'Objet',
  message: 'Réponse à l’utilisateur',
};

/**
 * Check ① as first shown: ticked when the library's system says the card is an active member's
 * (staff can still untick it); once the form was posted, what was posted.
 */
function memberValue(d: NonNullable<DecisionPanelData['decide']>, values?: FormValues): string | undefined {
  if (values) return values.membre;
  return d.ils?.status === 'active' ? 'oui' : undefined;
}

/** What the library's system (ILS) said about the card, under check ①. */
export function ilsHint(ils: NonNullable<DecisionPanelData['decide']>['ils']): string | undefined {
  if (!ils) return undefined;
  const system = 'selon le système de la bibliothèque';
  switch (ils.status) {
    case 'active':
      return ils.until
        ? `Adhérent actif jusqu’au ${frenchDay(ils.until)} ${system}.`
        : `Adhérent actif ${system}.`;
    case 'inactive':
      return ils.until
        ? `Adhésion terminée le ${frenchDay(ils.until)} ${system}.`
        : `Adhérent bloqué ou inactif ${system}.`;
    case 'unknown':
      return `Carte inconnue ${system}.`;
    case 'no_card':
      return 'Pas de numéro de carte sur la fiche : le système de la bibliothèque n’a pas été interrogé.';
    case 'error':
      return ils.reason === 'timeout'
        ? 'Le système de la bibliothèque n’a pas répondu à temps (3 s) : vérifiez vous-même.'
        : ils.reason === 'login'
          ? 'Le système de la bibliothèque a refusé la connexion de Sésame (compte SIP2) : vérifiez vous-même.'
          : ils.reason === 'unreachable'
            ? 'Le système de la bibliothèque est injoignable : vérifiez vous-même.'
            : 'Le système de la bibliothèque a répondu de façon incompréhensible : vérifiez vous-même.';
  }
}

/** What the form shows: the posted values, completed with the chosen template's texts. */
export function panelValues(data: NonNullable<DecisionPanelData['decide']>, values?: FormValues): FormValues {
  const chosen = data.templates.find((t) => t.key === values?.modele) ?? data.templates[0]!;
  return {
    decision: values?.decision,
    membre: memberValue(data, values),
    naissance: values?.naissance,
    confirmer_refus: values?.confirmer_refus,
    modele: chosen.key,
    objet: values?.objet ?? chosen.subject,
    message: values?.message ?? chosen.body,
  };
}

/**
 * The two checks staff tick before a patron's access opens (card holder, birth date); `hint`
 * says when they are required, `children` adds boxes after them.
 */
function VerificationChecks(props: {
  hint: string;
  birthDate: string;
  d: NonNullable<DecisionPanelData['decide']>;
  values?: FormValues;
  errors?: FieldErrors;
  children?: ComponentChildren;
}) {
  const { d, values, errors } = props;
  const entered = { values, errors };
  return (
    <fieldset class="fr-fieldset" id="verifications" aria-labelledby="verifications-legende">
      <legend class="fr-fieldset__legend--regular fr-fieldset__legend" id="verifications-legende">
        Vérifications
        <span class="fr-hint-text">{props.hint}</span>
      </legend>
      <div class="fr-fieldset__element">
        <Checkbox name="membre" label={`① ${CHECKS.membre}`} hint={ilsHint(d.ils)} {...entered} />
      </div>
      <div class="fr-fieldset__element">
        <Checkbox
          name="naissance"
          label={`② ${CHECKS.naissance}`}
          hint={
            d.birthDate
              ? `${props.birthDate} : ${frenchDay(d.birthDate)}${d.age !== null ? ` (${d.age} ans)` : ''}.`
              : undefined
          }
          {...entered}
        />
      </div>
      {props.children}
    </fieldset>
  );
}

/** The e-mail the patron receives: subject and text, prefilled and editable. */
function MailFields(props: { rows: number; values?: FormValues; errors?: FieldErrors }) {
  const entered = { values: props.values, errors: props.errors };
  return (
    <>
      <TextInput name="objet" label="Objet" {...entered} maxLength={200} required />
      <TextArea
        name="message"
        label="Réponse à l’utilisateur"
        hint="Préremplie avec les informations de l’usager ; vous pouvez la modifier. C’est exactement ce texte que l’usager recevra."
        rows={props.rows}
        {...entered}
        required
      />
    </>
  );
}

/** Said when a network administrator acts for the patron's library. */
function OnBehalf({ children }: { children: ComponentChildren }) {
  return (
    <div class="fr-callout fr-mb-3w">
      <p class="fr-callout__text">{children}</p>
    </div>
  );
}

function UndoBlock({ data, csrf }: { data: DecisionPanelData; csrf: string }) {
  const u = data.undo!;
  const what = u.renewal
    ? u.decision === 'accepted'
      ? 'réinscription acceptée'
      : 'réinscription refusée'
    : u.decision === 'accepted'
      ? 'accepté'
      : 'refusé';
  return (
    <section class="fr-mt-6w" id="decision" aria-labelledby="decision-titre">
      <h2 id="decision-titre">Décision</h2>
      <div class="fr-alert fr-alert--info fr-mb-3w">
        <h3 class="fr-alert__title">
          Décision enregistrée : {what} par {u.byLabel}
          {u.onBehalf ? ` pour ${data.libraryName}` : ''} à {parisTime(u.decidedAt)}.
        </h3>
        <p>
          {u.mailAt
            ? `Le courriel partira à ${parisTime(u.mailAt)}.`
            : 'Aucun courriel ne sera envoyé : l’usager n’a pas d’adresse électronique.'}{' '}
          Jusque-là, vous pouvez annuler la décision : la demande redeviendra « à valider » et l’usager ne
          recevra rien.
        </p>
      </div>
      <Form action={`/admin/usagers/${data.patronId}/annuler`} csrf={csrf}>
        <input type="hidden" name="decision_du" value={u.decidedAt.toISOString()} />
        <button type="submit" class="fr-btn fr-btn--secondary fr-icon-arrow-go-back-line fr-btn--icon-left">
          Annuler la décision
        </button>
      </Form>
    </section>
  );
}

export function DecisionPanel(props: {
  data: DecisionPanelData;
  csrf: string;
  values?: FormValues;
  errors?: FieldErrors;
}) {
  const { data, csrf, errors } = props;
  if (data.undo) return <UndoBlock data={data} csrf={csrf} />;
  const d = data.decide;
  if (!d) return null;
  if (d.mode === 'activation') return <ActivationForm {...props} decide={d} />;
  const values = panelValues(d, props.values);
  const modeleError = errors?.modele;
  const groups: Array<[DecisionKind, string]> = [
    ['accept', 'Acceptation'],
    ['refuse', 'Refus'],
  ];
  const entered = { values, errors };
  return (
    <section class="fr-mt-6w" id="decision" aria-labelledby="decision-titre">
      <h2 id="decision-titre">Que décidez-vous ?</h2>
      {d.situation === 'renewal' && (
        <p>
          Demande de <strong>réinscription</strong> : accepter prolonge l’abonnement d’une période ; refuser
          le laisse courir jusqu’à sa date de fin.
        </p>
      )}
      {data.onBehalf && (
        <OnBehalf>
          Vous décidez à la place de la bibliothèque : la décision sera enregistrée « par {data.actorName}{' '}
          pour {data.libraryName} » dans l’historique et sur la fiche.
        </OnBehalf>
      )}
      <ErrorSummary errors={errors} labels={FIELD_LABELS} />
      <Form action={decisionUrl(data.patronId)} csrf={csrf} id={DECISION_FORM_ID}>
        <input type="hidden" name="fin_prevue" value={d.expectedEnd} />
        <input type="hidden" name="modele_affiche" value={values.modele} />
        <RadioGroup
          name="decision"
          label="Décision"
          options={[
            { value: DECISION_VALUES.accept, label: 'Accepter' },
            { value: DECISION_VALUES.refuse, label: 'Refuser' },
          ]}
          inline
          {...entered}
          required
        />
        <VerificationChecks
          hint="Les deux cases sont obligatoires pour accepter la demande (elles ne sont pas demandées pour un refus)."
          birthDate="Date déclarée"
          d={d}
          {...entered}
        >
          {(errors?.confirmer_refus || values.confirmer_refus) && (
            <div class="fr-fieldset__element">
              <Checkbox name="confirmer_refus" label={CONFIRM_REFUSAL_LABEL} {...entered} />
            </div>
          )}
        </VerificationChecks>
        <div class={`fr-select-group${modeleError ? ' fr-select-group--error' : ''}`}>
          <label class="fr-label" for="champ-modele">
            Modèle de réponse
            <span class="fr-hint-text" id="champ-modele-aide">
              Choisissez le modèle puis « Utiliser ce modèle » : l’objet et le message ci-dessous sont
              remplacés par ceux du modèle, complétés pour cet usager. Un modèle de refus ne peut pas être
              envoyé avec « Accepter », ni le modèle d’acceptation avec « Refuser ».
            </span>
          </label>
          <select
            class={`fr-select${modeleError ? ' fr-select--error' : ''}`}
            id="champ-modele"
            name="modele"
            aria-invalid={modeleError ? 'true' : undefined}
            aria-describedby={`champ-modele-aide${modeleError ? ' champ-modele-message' : ''}`}
          >
            {groups.map(([decision, label]) => (
              <optgroup label={label}>
                {d.templates
                  .filter((t) => t.decision === decision)
                  .map((t) => (
                    <option
                      value={t.key}
                      selected={t.key === values.modele}
                      data-decision={DECISION_VALUES[t.decision]}
                      data-objet={t.subject}
                      data-message={t.body}
                    >
                      {t.label}
                    </option>
                  ))}
              </optgroup>
            ))}
          </select>
          <div class="fr-messages-group" id="champ-modele-message" aria-live="polite">
            {modeleError && <p class="fr-message fr-message--error">{modeleError}</p>}
          </div>
        </div>
        <p>
          <button
            type="submit"
            name="action"
            value="modele"
            formAction={`${decisionUrl(data.patronId)}#${DECISION_FORM_ID}`}
            class="fr-btn fr-btn--secondary fr-btn--sm"
            id="utiliser-modele"
          >
            Utiliser ce modèle
          </button>
        </p>
        <MailFields rows={20} {...entered} />
        {d.undoMinutes > 0 && (
          <p class="fr-text--sm">
            Le courriel part {d.undoMinutes} minute{d.undoMinutes > 1 ? 's' : ''} après la validation : d’ici
            là, vous pourrez annuler la décision.
          </p>
        )}
        <button type="submit" name="action" value="decider" class="fr-btn">
          Valider la décision
        </button>
      </Form>
      <script src={ASSETS.decisionJs} defer />
    </section>
  );
}

/**
 * "Enregistrer" for a patron the library registered itself (MDO seed, step 2): the same
 * acceptance as "Que décidez-vous ?" (same route, same two checks, same e-mail and undo), with
 * only what this situation needs. The message stays editable, folded away.
 */
function ActivationForm(props: {
  data: DecisionPanelData;
  decide: NonNullable<DecisionPanelData['decide']>;
  csrf: string;
  values?: FormValues;
  errors?: FieldErrors;
}) {
  const { data, decide: d, csrf, errors } = props;
  const accept =
    d.templates.find((t) => t.key === 'accept') ?? d.templates.find((t) => t.decision === 'accept');
  if (!accept) return null;
  const values: FormValues = {
    membre: memberValue(d, props.values),
    naissance: props.values?.naissance,
    objet: props.values?.objet ?? accept.subject,
    message: props.values?.message ?? accept.body,
  };
  const messageOpen = Boolean(errors?.objet || errors?.message);
  const from =
    d.membershipAnchor === 'registration'
      ? `à partir de la date d’inscription (${formatDate(d.registeredAt)})`
      : 'à partir de l’activation';
  const entered = { values, errors };
  return (
    <section class="fr-mt-6w" id="decision" aria-labelledby="decision-titre">
      <h2 id="decision-titre">Activer l’abonnement</h2>
      <p>
        Après avoir vérifié les informations des trois rubriques <a href="#informations">Informations</a>,{' '}
        <a href="#statut">Statut</a> et <a href="#ressources">Ressources</a>, cochez les deux vérifications
        puis « Enregistrer » : l’usager passe à l’état actif jusqu’au{' '}
        <strong>{frenchDay(d.expectedEnd)}</strong> ({d.membershipDays} jours {from}) et reçoit un courriel.
      </p>
      {data.onBehalf && (
        <OnBehalf>
          Vous activez l’abonnement à la place de la bibliothèque : ce sera enregistré « par {data.actorName}{' '}
          pour {data.libraryName} » dans l’historique et sur la fiche.
        </OnBehalf>
      )}
      <ErrorSummary errors={errors} labels={FIELD_LABELS} />
      <Form action={decisionUrl(data.patronId)} csrf={csrf} id={DECISION_FORM_ID}>
        <input type="hidden" name="decision" value={DECISION_VALUES.accept} />
        <input type="hidden" name="modele" value={accept.key} />
        <input type="hidden" name="modele_affiche" value={accept.key} />
        <input type="hidden" name="fin_prevue" value={d.expectedEnd} />
        <VerificationChecks
          hint="Les deux cases sont obligatoires pour activer l’abonnement."
          birthDate="Date enregistrée"
          d={d}
          {...entered}
        />
        <details class="fr-mb-3w" open={messageOpen}>
          <summary>Voir ou modifier le courriel envoyé à l’usager</summary>
          <div class="fr-mt-2w">
            <MailFields rows={16} {...entered} />
          </div>
        </details>
        {d.undoMinutes > 0 && (
          <p class="fr-text--sm">
            Le courriel part {d.undoMinutes} minute{d.undoMinutes > 1 ? 's' : ''} après l’enregistrement :
            d’ici là, vous pourrez annuler.
          </p>
        )}
        <button type="submit" name="action" value="decider" class="fr-btn">
          Enregistrer
        </button>
      </Form>
      <p class="fr-text--sm fr-mt-2w">
        Inscription faite par erreur ? Supprimez l’usager depuis <a href="#actions">Actions sur le compte</a>.
      </p>
    </section>
  );
}
