import { PageHeading } from '../components/admin-page.js';
import { Form, SubmitButton } from '../components/forms.js';
import { DataTable } from '../components/list.js';
import { LIBRARIES_URL } from './library-fields.js';

/** Shown on the page and offered as a file to download. */
export const EXAMPLE_CSV = [
  'code;nom;ville;courriel',
  '5210001;Médiathèque de Villefictive;Villefictive;mediatheque.villefictive@exemple.fr',
  '5210002;"Bibliothèque Jean-Exemple; annexe du Val";Val-sur-Exemple;bibliotheque.val@exemple.fr',
].join('\n');

export interface ImportState {
  fileError?: string;
  report?: { filename: string; errors: Array<{ line: number; message: string }> };
}

export function ImportLibrariesPage({ csrf, fileError, report }: ImportState & { csrf: string }) {
  return (
    <>
      <PageHeading
        trail={[{ href: LIBRARIES_URL, label: 'Bibliothèques du réseau' }]}
        title="Importer des bibliothèques"
        label="Importer un fichier CSV"
      />
      {report && (
        <div class="fr-alert fr-alert--error fr-mb-4w" role="alert" id="erreurs" tabIndex={-1}>
          <h2 class="fr-alert__title">
            Le fichier n’a pas été importé :{' '}
            {report.errors.length === 1
              ? 'une ligne est à corriger'
              : `${report.errors.length} lignes sont à corriger`}
          </h2>
          <p>
            Aucune bibliothèque n’a été créée ni modifiée. Corrigez les lignes ci-dessous dans votre fichier
            puis importez-le à nouveau.
          </p>
        </div>
      )}
      {report && (
        <DataTable caption={`Lignes à corriger dans « ${report.filename} »`} headers={['Ligne', 'Problème']}>
          {report.errors.map((e) => (
            <tr>
              <th scope="row">{e.line}</th>
              <td>{e.message}</td>
            </tr>
          ))}
        </DataTable>
      )}
      <div class="fr-grid-row fr-grid-row--gutters">
        <div class="fr-col-12 fr-col-lg-7">
          <p>
            Chaque ligne du fichier décrit une bibliothèque. Une bibliothèque dont le code existe déjà est
            mise à jour (nom, commune, courriel) ; les autres sont ajoutées. Aucune bibliothèque n’est
            supprimée ni désactivée par un import.
          </p>
          <p>
            Le fichier est importé en entier ou pas du tout : si une seule ligne comporte une erreur, rien
            n’est enregistré et la liste des lignes à corriger s’affiche.
          </p>
          {/* Form puts the token first: the route checks it before reading the file. */}
          <Form action={`${LIBRARIES_URL}/import`} csrf={csrf} enctype="multipart/form-data">
            <div class={`fr-upload-group${fileError ? ' fr-upload-group--error' : ''}`}>
              <label class="fr-label" for="champ-fichier">
                Fichier CSV
                <span class="fr-hint-text" id="champ-fichier-aide">
                  Taille maximale : 2 Mo. Format CSV encodé en UTF-8, séparateur « ; » ou « , ».
                </span>
              </label>
              <input
                class="fr-upload"
                type="file"
                id="champ-fichier"
                name="fichier"
                accept=".csv,text/csv"
                required
                aria-invalid={fileError ? 'true' : undefined}
                aria-describedby={`champ-fichier-aide${fileError ? ' champ-fichier-message' : ''}`}
              />
              <div class="fr-messages-group" id="champ-fichier-message" aria-live="polite">
                {fileError && <p class="fr-message fr-message--error">{fileError}</p>}
              </div>
            </div>
            <ul class="fr-btns-group fr-btns-group--inline-md fr-mt-3w">
              <li>
                <SubmitButton>Importer le fichier</SubmitButton>
              </li>
              <li>
                <a class="fr-btn fr-btn--secondary" href={LIBRARIES_URL}>
                  Annuler
                </a>
              </li>
            </ul>
          </Form>
        </div>
        <div class="fr-col-12 fr-col-lg-5">
          <h2 class="fr-h4">Format attendu</h2>
          <p>La première ligne donne le nom des colonnes, dans n’importe quel ordre :</p>
          <ul>
            <li>
              <code>code</code> : le code de la bibliothèque (lettres sans accent, chiffres, - et _) ;
            </li>
            <li>
              <code>nom</code> : son nom ;
            </li>
            <li>
              <code>ville</code> : sa commune ;
            </li>
            <li>
              <code>courriel</code> : l’adresse qui reçoit les demandes des usagers.
            </li>
          </ul>
          <p>
            Dans Excel, choisissez « Enregistrer sous » puis le type « CSV UTF-8 ». Un champ qui contient le
            séparateur s’écrit entre guillemets.
          </p>
          <figure class="fr-m-0">
            <figcaption>Exemple :</figcaption>
            <pre class="sesame-pre fr-p-2w fr-background-alt--grey">{EXAMPLE_CSV}</pre>
          </figure>
          <p>
            <a
              class="fr-link fr-icon-download-line fr-link--icon-left"
              href={`${LIBRARIES_URL}/import/modele.csv`}
              download
            >
              Télécharger ce modèle (CSV, 1 ko)
            </a>
          </p>
        </div>
      </div>
    </>
  );
}
