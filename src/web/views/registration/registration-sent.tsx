import { Notice } from '../components/notice.js';
import { PageFrame } from '../components/page.js';
import type { PageContext } from '../layout.js';
import { REGISTRATION_CRUMBS } from './registration-form-page.js';

export interface RegistrationSentData {
  /** The address typed in the form, when this browser sent it (never taken from the URL). */
  email: string | null;
  confirmationDays: number;
}

/** "Vérifiez votre messagerie": where the e-mail went, what to do, and how to get it again. */
export function RegistrationSentPage({ ctx, data }: { ctx: PageContext; data: RegistrationSentData }) {
  return (
    <PageFrame title="Vérifiez votre messagerie" breadcrumb={REGISTRATION_CRUMBS} centred>
      <Notice kind="success" class="fr-mb-4w" role="status">
        <p>
          Votre demande a bien été reçue. Un courriel vient d’être envoyé
          {data.email ? (
            <>
              {' '}
              à <strong class="sesame-break">{data.email}</strong>
            </>
          ) : (
            ' à l’adresse indiquée'
          )}{' '}
          : suivez le lien qu’il contient pour confirmer votre inscription dans les {data.confirmationDays}{' '}
          jours.
        </p>
      </Notice>
      <p>
        Vous ne trouvez pas le courriel ? Regardez dans les courriers indésirables. Sans confirmation dans le
        délai, la demande est supprimée et il faut vous inscrire à nouveau.
      </p>
      {data.email ? (
        <form method="post" action="/inscription/renvoyer" class="fr-mb-4w">
          <input type="hidden" name="_csrf" value={ctx.csrf} />
          <button type="submit" class="fr-btn fr-btn--secondary fr-icon-mail-line fr-btn--icon-left">
            Renvoyer le courriel
          </button>
        </form>
      ) : null}
      <p>
        Une erreur dans l’adresse ? <a href="/inscription">Refaites votre demande</a> avec la bonne adresse.
      </p>
      <p>
        Après confirmation, votre bibliothèque vérifie votre adhésion et votre date de naissance, puis valide
        votre inscription.
      </p>
    </PageFrame>
  );
}
