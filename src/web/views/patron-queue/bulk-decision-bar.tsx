import type { StaffActor } from '../../../domain/actor.js';
import { CHECKS, CONFIRM_REFUSAL_LABEL, templatesFor } from '../../../domain/decision-rules.js';
import { DEFAULT_TEMPLATES } from '../../../domain/response-templates.js';

/**
 * The bulk decision controls shown under the queue's table (inside the list's form, whose
 * checkboxes are named `ids`). Owned by the decisions feature; the list page renders it.
 * Plain controls with fixed ids prefixed "groupe-" so they never clash with the list's own.
 */
export function BulkDecisionBar({ actor }: { actor: StaffActor }) {
  const refusals = templatesFor('registration', 'refuse');
  return (
    <fieldset class="fr-fieldset fr-mt-4w" id="decision-groupee" aria-labelledby="decision-groupee-legende">
      <legend class="fr-fieldset__legend" id="decision-groupee-legende">
        Décision groupée pour la sélection
        <span class="fr-hint-text">
          Cochez les demandes dans la liste, puis choisissez. Chaque usager reçoit le message du modèle
          complété à son nom ; une demande déjà traitée par quelqu’un d’autre est laissée de côté. Chaque
          décision reste annulable quelques minutes depuis la fiche de l’usager.
          {actor.role === 'network_admin' &&
            ' Vous décidez à la place des bibliothèques : chaque décision sera enregistrée pour la bibliothèque de l’usager.'}
        </span>
      </legend>
      <div class="fr-fieldset__element">
        <fieldset class="fr-fieldset" aria-labelledby="groupe-decision-legende">
          <legend class="fr-fieldset__legend--regular fr-fieldset__legend" id="groupe-decision-legende">
            Décision
          </legend>
          {CHOICES.map((c) => (
            <div class="fr-fieldset__element fr-fieldset__element--inline">
              <div class="fr-radio-group">
                <input type="radio" id={`groupe-decision-${c.value}`} name="decision" value={c.value} />
                <label class="fr-label" for={`groupe-decision-${c.value}`}>
                  {c.label}
                  {c.hint && <span class="fr-hint-text">{c.hint}</span>}
                </label>
              </div>
            </div>
          ))}
        </fieldset>
      </div>
      <div class="fr-fieldset__element">
        <fieldset class="fr-fieldset" aria-labelledby="groupe-verifications-legende">
          <legend class="fr-fieldset__legend--regular fr-fieldset__legend" id="groupe-verifications-legende">
            Vérifications
            <span class="fr-hint-text">Obligatoires pour accepter.</span>
          </legend>
          {(['membre', 'naissance'] as const).map((check, i) => (
            <div class="fr-fieldset__element">
              <div class="fr-checkbox-group">
                <input type="checkbox" id={`groupe-${check}`} name={check} value="oui" />
                <label class="fr-label" for={`groupe-${check}`}>
                  {i === 0 ? '①' : '②'} {CHECKS[check]}, pour toutes les demandes sélectionnées
                </label>
              </div>
            </div>
          ))}
          <div class="fr-fieldset__element">
            <div class="fr-checkbox-group">
              <input type="checkbox" id="groupe-confirmer-refus" name="confirmer_refus" value="oui" />
              <label class="fr-label" for="groupe-confirmer-refus">
                {CONFIRM_REFUSAL_LABEL}
                <span class="fr-hint-text">
                  Pour refuser des demandes cochées ① : une bibliothèque ne peut en aucun cas refuser une
                  inscription à partir du moment où le demandeur s’est précédemment inscrit à la bibliothèque.
                </span>
              </label>
            </div>
          </div>
        </fieldset>
      </div>
      <div class="fr-fieldset__element">
        <div class="fr-select-group">
          <label class="fr-label" for="groupe-modele">
            Motif du refus
            <span class="fr-hint-text" id="groupe-modele-aide">
              Pour un refus seulement. Les demandes de réinscription reçoivent le modèle « Réinscription
              refusée » (ou « Réinscription acceptée »).
            </span>
          </label>
          <select class="fr-select" id="groupe-modele" name="modele" aria-describedby="groupe-modele-aide">
            <option value="" selected>
              Choisissez le motif
            </option>
            {refusals.map((key) => (
              <option value={key}>{DEFAULT_TEMPLATES[key].label}</option>
            ))}
          </select>
        </div>
      </div>
      <div class="fr-fieldset__element">
        <button type="submit" class="fr-btn">
          Appliquer la décision à la sélection
        </button>
      </div>
    </fieldset>
  );
}

/** The bulk bar's decisions (radio values are French: they are what a person posts). */
const CHOICES: Array<{ value: string; label: string; hint?: string }> = [
  { value: 'accepter', label: 'Accepter' },
  { value: 'refuser', label: 'Refuser' },
  {
    value: 'renouveler',
    label: 'Renouveler les droits',
    hint: 'Usagers actifs ou expirés : une période de plus, à partir de la date de fin si l’abonnement court encore, d’aujourd’hui sinon. Sans vérifications ni motif.',
  },
];

/** Where the list's form posts its selection. */
export const BULK_DECISION_ACTION = '/admin/usagers/decisions';

/** The "decision" value asking to renew the selected patrons' rights (staff tools). */
export const BULK_RENEW_VALUE = 'renouveler';
