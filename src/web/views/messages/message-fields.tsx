import { MESSAGE_BODY_MAX, MESSAGE_SUBJECT_MAX } from '../../../domain/messages.js';
import { type FieldErrors, type FormValues, TextArea, TextInput } from '../components/forms.js';

export const MESSAGE_LABELS = { courriel: 'Votre adresse électronique', objet: 'Objet', message: 'Message' };

export const MESSAGE_HINT = `Texte simple, ${MESSAGE_BODY_MAX} caractères au plus. Les adresses web restent du texte.`;

/** Objet and message: what every message form asks, to the library or to support. */
export function MessageFields(props: { values?: FormValues; errors?: FieldErrors }) {
  return (
    <>
      <TextInput
        name="objet"
        label={MESSAGE_LABELS.objet}
        hint={`${MESSAGE_SUBJECT_MAX} caractères au plus.`}
        required
        values={props.values}
        errors={props.errors}
      />
      <TextArea
        name="message"
        label={MESSAGE_LABELS.message}
        hint={MESSAGE_HINT}
        rows={8}
        required
        values={props.values}
        errors={props.errors}
      />
    </>
  );
}
