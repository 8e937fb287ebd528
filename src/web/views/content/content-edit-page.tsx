import { CONTENT_MAX } from '../../../domain/content-pages.js';
import { formatDateTime } from '../../../domain/paris.js';
import type { ContentEditor } from '../../../usecases/content/load-content.js';
import type { ContentConflict } from '../../../usecases/content/save-content.js';
import { PageHeading } from '../components/admin-page.js';
import { ErrorSummary, type FieldErrors, Form, type FormValues, TextArea } from '../components/forms.js';
import { DsfrTable } from '../components/table.js';
import { CONTENT_ADMIN_URL, contentEditUrl } from './content-words.js';

function LineList({ title, lines }: { title: string; lines: string[] }) {
  if (lines.length === 0) return null;
  return (
    <>
      <p class="fr-mb-1w">{title}</p>
      <ul class="sesame-break">
        {lines.slice(0, 50).map((l) => (
          <li>
            <code>{l}</code>
          </li>
        ))}
        {lines.length > 50 && <li>… et {lines.length - 50} autres lignes</li>}
      </ul>
    </>
  );
}

/** A colleague saved meanwhile: what they changed, and how to start again from their text. */
function ConflictNotice({ conflict, url }: { conflict: ContentConflict; url: string }) {
  return (
    <div class="fr-alert fr-alert--warning fr-mb-4w" role="alert" id="conflit">
      <h2 class="fr-alert__title">Page modifiée entre-temps</h2>
      <p>{conflict.message}</p>
      <LineList title="Lignes ajoutées par votre collègue :" lines={conflict.added} />
      <LineList title="Lignes retirées par votre collègue :" lines={conflict.removed} />
      {conflict.added.length === 0 && conflict.removed.length === 0 && (
        <p>Seuls des espaces ou des lignes vides ont changé.</p>
      )}
      <p class="fr-mt-2w">
        <a class="fr-link" href={url}>
          Recharger la version actuelle (votre texte sera perdu)
        </a>
      </p>
    </div>
  );
}

/** One help page: its Markdown, a preview (sanitised HTML given by the route) and its versions. */
export function ContentEditPage(
  props: ContentEditor & {
    csrf: string;
    values?: FormValues;
    errors?: FieldErrors;
    preview?: string;
    conflict?: ContentConflict;
  },
) {
  const { page, versions, csrf, errors, conflict } = props;
  const values = props.values ?? { texte: page.body };
  const url = contentEditUrl(page.key);
  return (
    <>
      <PageHeading trail={[{ href: CONTENT_ADMIN_URL, label: 'Pages d’aide' }]} title={page.title} />
      <p>
        Lue à l’adresse <a href={page.url}>{page.url}</a> (
        {page.staffOnly ? 'bibliothèques seulement' : 'public'}).{' '}
        {page.updatedAt
          ? `Modifiée par ${page.updatedBy} le ${formatDateTime(page.updatedAt)}.`
          : 'Texte d’origine.'}
      </p>
      <ErrorSummary errors={errors} labels={{ texte: 'Texte' }} />
      {conflict && <ConflictNotice conflict={conflict} url={url} />}
      <Form action={url} csrf={csrf}>
        <input type="hidden" name="version" value={values.version ?? props.version} />
        <TextArea
          name="texte"
          label="Texte (Markdown)"
          hint={`## pour un titre de section (un thème dans une FAQ), ### pour une question, *italique*, **gras**, - pour une liste, [texte](adresse) pour un lien. Le HTML n’est pas interprété. ${CONTENT_MAX.toLocaleString('fr-FR')} caractères au plus.`}
          rows={24}
          values={values}
          errors={errors}
          required
        />
        <ul class="fr-btns-group fr-btns-group--inline-md">
          <li>
            <button type="submit" name="action" value="enregistrer" class="fr-btn">
              Enregistrer
            </button>
          </li>
          <li>
            <button type="submit" name="action" value="apercu" class="fr-btn fr-btn--secondary">
              Aperçu
            </button>
          </li>
        </ul>
      </Form>
      {props.preview !== undefined && (
        <section class="fr-mt-6w" aria-labelledby="apercu-titre">
          <h2 id="apercu-titre">Aperçu (non enregistré)</h2>
          <div
            class="fr-p-3w fr-background-alt--grey sesame-markdown"
            dangerouslySetInnerHTML={{ __html: props.preview }}
          />
        </section>
      )}
      <section class="fr-mt-6w" aria-labelledby="versions-titre">
        <h2 id="versions-titre">Versions enregistrées</h2>
        {versions.length === 0 ? (
          <p>Aucune : la page montre son texte d’origine.</p>
        ) : (
          <DsfrTable>
            <table>
              <caption>Versions de la page, la plus récente d’abord</caption>
              <thead>
                <tr>
                  <th scope="col">Date</th>
                  <th scope="col">Auteur</th>
                  <th scope="col">Action</th>
                </tr>
              </thead>
              <tbody>
                {versions.map((v, i) => (
                  <tr>
                    <td>{formatDateTime(v.createdAt)}</td>
                    <td>{v.createdBy}</td>
                    <td>
                      {i === 0 ? (
                        'Version actuelle'
                      ) : (
                        <Form action={`${url}/retablir`} csrf={csrf}>
                          <input type="hidden" name="version" value={String(v.id)} />
                          <button
                            type="submit"
                            class="fr-btn fr-btn--tertiary fr-btn--sm"
                            aria-label={`Rétablir la version du ${formatDateTime(v.createdAt)}`}
                          >
                            Rétablir cette version
                          </button>
                        </Form>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </DsfrTable>
        )}
      </section>
    </>
  );
}
