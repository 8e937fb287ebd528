import type { StoredTemplate } from '../../../db/repositories/response-templates.js';
import { BODY_MAX, SUBJECT_MAX } from '../../../domain/decision-rules.js';
import { formatDateTime } from '../../../domain/paris.js';
import { fillSavedReply, fillTemplate } from '../../../domain/response-templates.js';
import { PageHeading } from '../components/admin-page.js';
import {
  ErrorSummary,
  type FieldErrors,
  Form,
  type FormValues,
  TextArea,
  TextInput,
} from '../components/forms.js';
import {
  SAMPLE,
  SAMPLE_SIGNATURE,
  subjectLabel,
  TEMPLATES_URL,
  templateUrl,
  templateUse,
} from './template-words.js';

function Preview({
  subject,
  body,
  sampleText,
  subjectName,
}: {
  subject: string;
  body: string;
  sampleText: string;
  subjectName: string;
}) {
  const lines = body
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  return (
    <section class="fr-mt-6w" aria-labelledby="apercu-titre">
      <h2 id="apercu-titre">Aperçu</h2>
      <p class="fr-hint-text">{sampleText}</p>
      <div class="fr-p-3w fr-background-alt--grey">
        <p>
          <strong>{subjectName} : </strong>
          {subject}
        </p>
        {lines.map((l) => (
          <p class="fr-mb-1w">{l}</p>
        ))}
      </div>
    </section>
  );
}

/** One response template: its text, saved or previewed with a made-up patron. */
export function TemplatePage(props: {
  csrf: string;
  template: StoredTemplate;
  version: string;
  /** The end date of a subscription decided today (JJ/MM/AAAA), for the preview. */
  endDate: string;
  networkName: string;
  quotas: string;
  baseUrl: string;
  values?: FormValues;
  errors?: FieldErrors;
  notice?: string;
}) {
  const { csrf, template, endDate, errors, notice } = props;
  const key = template.key;
  const reply = template.kind === 'message';
  const values = props.values ?? { objet: template.subject, texte: template.body };
  const sample = {
    ...SAMPLE,
    activeUntil: endDate,
    networkName: props.networkName,
    quotas: props.quotas,
    baseUrl: props.baseUrl,
  };
  return (
    <>
      <PageHeading
        trail={[{ href: TEMPLATES_URL, label: 'Modèles de réponse' }]}
        title={`Modèle « ${template.label} »`}
        label={template.label}
      />
      <p>
        {templateUse(template)}.{' '}
        {template.customised && template.updatedAt
          ? `Texte modifié par ${template.updatedBy} le ${formatDateTime(template.updatedAt)}.`
          : 'Texte d’origine.'}
      </p>
      {notice && (
        <div class="fr-alert fr-alert--warning fr-mb-4w" role="alert">
          <p>{notice}</p>
        </div>
      )}
      <ErrorSummary errors={errors} labels={{ objet: subjectLabel(template), texte: 'Texte' }} />
      <Form action={templateUrl(key)} csrf={csrf}>
        <input type="hidden" name="version" value={props.version} />
        <TextInput
          name="objet"
          label={subjectLabel(template)}
          values={values}
          errors={errors}
          maxLength={SUBJECT_MAX}
          required
        />
        <TextArea
          name="texte"
          label="Texte"
          hint={
            reply ? (
              <>
                Balises remplacées : [reseau] (nom du réseau) et [bibliotheque] (signature de qui répond). Le
                texte préremplit la réponse, modifiable avant l’envoi. {BODY_MAX.toLocaleString('fr-FR')}{' '}
                caractères au plus.
              </>
            ) : (
              <>
                Balises remplacées pour chaque usager : [prenom], [nom_destinataire], [actif-jusquau] (date de
                fin d’abonnement), [identifiant] et [reseau] (nom du réseau). Chaque ligne devient un
                paragraphe du courriel. {BODY_MAX.toLocaleString('fr-FR')} caractères au plus.
              </>
            )
          }
          rows={20}
          values={values}
          errors={errors}
          required
        />
        <ul class="fr-btns-group fr-btns-group--inline-md">
          <li>
            <button type="submit" name="action" value="enregistrer" class="fr-btn">
              Enregistrer le modèle
            </button>
          </li>
          <li>
            <button type="submit" name="action" value="apercu" class="fr-btn fr-btn--secondary">
              Prévisualiser sans enregistrer
            </button>
          </li>
        </ul>
      </Form>
      {template.customised && (
        <Form action={`${templateUrl(key)}/retablir`} csrf={csrf} class="fr-mt-2w">
          <button type="submit" class="fr-btn fr-btn--tertiary">
            Rétablir le texte d’origine
          </button>
        </Form>
      )}
      {reply ? (
        <Preview
          subject={values.objet ?? ''}
          body={fillSavedReply(values.texte ?? '', {
            networkName: props.networkName,
            signature: SAMPLE_SIGNATURE,
          })}
          sampleText={`Avec la signature d’exemple « ${SAMPLE_SIGNATURE} ».`}
          subjectName="Titre"
        />
      ) : (
        <Preview
          subject={fillTemplate(values.objet ?? '', sample)}
          body={fillTemplate(values.texte ?? '', sample)}
          sampleText={`Avec des données d’exemple : ${SAMPLE.firstName} ${SAMPLE.lastName}, identifiant ${SAMPLE.identifier}, abonnement jusqu’au ${endDate}.`}
          subjectName="Objet"
        />
      )}
    </>
  );
}
