import type { OpeningQuestion } from '../../../usecases/resources/opening-confirmation.js';
import { Form, SubmitButton } from '../components/forms.js';
import { Breadcrumb } from '../layout.js';

/**
 * "Ouvrir ce film ?": the quota is spent only by this page's button (a POST with its CSRF
 * token), never by a link another site can make a browser follow.
 */
export function OpeningConfirmationPage(props: {
  question: OpeningQuestion;
  fromOutside: boolean;
  csrf: string;
  action: string;
  catalogUrl: string;
}) {
  const { question, fromOutside } = props;
  return (
    <div class="fr-grid-row">
      <div class="fr-col-12 fr-col-md-8">
        <Breadcrumb
          items={[
            { href: '/', label: 'Accueil' },
            { href: props.catalogUrl, label: 'Ressources' },
            { label: 'Confirmer l’ouverture' },
          ]}
        />
        <h1>Confirmer l’ouverture</h1>
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
        <div class="fr-alert fr-alert--info fr-mb-4w">
          <p data-confirmation="forfait">{question.message}</p>
        </div>
        <Form action={props.action} csrf={props.csrf}>
          <input type="hidden" name="document" value={question.document} />
          <ul class="fr-btns-group fr-btns-group--inline-md">
            <li>
              <SubmitButton>Ouvrir</SubmitButton>
            </li>
            <li>
              <a class="fr-btn fr-btn--secondary" href={props.catalogUrl}>
                Retour au catalogue
              </a>
            </li>
          </ul>
        </Form>
      </div>
    </div>
  );
}
