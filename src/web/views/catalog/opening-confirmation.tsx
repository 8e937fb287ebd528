import type { OpeningQuestion } from '../../../usecases/resources/opening-confirmation.js';
import { Form, FormActions } from '../components/forms.js';
import { Notice } from '../components/notice.js';
import { HOME_CRUMB, PageFrame } from '../components/page.js';
import { CATALOG_URL, openHref } from './urls.js';

export const OPENING_CONFIRMATION_TITLE = 'Confirmer l’ouverture';

/**
 * "Ouvrir ce film ?": the quota is spent only by this page's button (a POST with its CSRF
 * token), never by a link another site can make a browser follow.
 */
export function OpeningConfirmationPage(props: {
  question: OpeningQuestion;
  fromOutside: boolean;
  csrf: string;
}) {
  const { question, fromOutside } = props;
  return (
    <PageFrame
      title={OPENING_CONFIRMATION_TITLE}
      breadcrumb={[
        HOME_CRUMB,
        { href: CATALOG_URL, label: 'Ressources' },
        { label: OPENING_CONFIRMATION_TITLE },
      ]}
      cols="fr-col-md-8"
    >
      <p class="fr-text--lead">
        {question.documentTitle ? (
          <>
            « {question.documentTitle} » dans {question.resourceName}
          </>
        ) : (
          <>
            Document {question.document} dans {question.resourceName}
          </>
        )}
      </p>
      {fromOutside && (
        <p>
          Vous arrivez d’un autre site : Sésame vous demande votre accord avant de décompter ce document de
          votre forfait.
        </p>
      )}
      <Notice kind="info" class="fr-mb-4w">
        <p data-confirmation="forfait">{question.message}</p>
      </Notice>
      <Form action={openHref(question.resourceId)} csrf={props.csrf}>
        <input type="hidden" name="document" value={question.document} />
        <FormActions submit="Ouvrir" cancelHref={CATALOG_URL} cancelLabel="Retour au catalogue" />
      </Form>
    </PageFrame>
  );
}
