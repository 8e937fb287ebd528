import type { ComponentChildren } from 'preact';
import type { Faq } from '../../markdown.js';
import type { Crumb } from '../components/admin-page.js';
import { HOME_CRUMB, PageFrame } from '../components/page.js';

/** A FAQ: themes, each question with its anchor, and a search that works without JavaScript. */
export function FaqPage(props: {
  title: string;
  url: string;
  faq: Faq;
  q: string;
  trail?: Crumb[];
  children?: ComponentChildren;
}) {
  const { faq, q } = props;
  const count = faq.themes.reduce((n, t) => n + t.questions.length, 0);
  return (
    <PageFrame
      title={props.title}
      breadcrumb={[HOME_CRUMB, ...(props.trail ?? []), { label: props.title }]}
      cols="fr-col-md-9"
    >
      <form method="get" action={props.url} role="search" class="fr-mb-4w">
        <div class="fr-search-bar">
          <label class="fr-label" for="faq-q">
            Rechercher dans les questions
          </label>
          <input class="fr-input" type="search" id="faq-q" name="q" value={q} maxLength={100} />
          <button type="submit" class="fr-btn" title="Rechercher">
            Rechercher
          </button>
        </div>
      </form>
      {q && (
        <p role="status">
          {count === 0
            ? `Aucune question ne contient « ${q} ».`
            : `${count} question${count > 1 ? 's' : ''} pour « ${q} ».`}{' '}
          <a href={props.url}>Voir toutes les questions</a>
        </p>
      )}
      {faq.intro && <div class="sesame-markdown" dangerouslySetInnerHTML={{ __html: faq.intro }} />}
      {faq.themes.map((theme) => (
        <section class="fr-mb-4w">
          <h2>{theme.title}</h2>
          {theme.intro && <div class="sesame-markdown" dangerouslySetInnerHTML={{ __html: theme.intro }} />}
          {theme.questions.map((item) => (
            <div class="fr-mb-3w">
              <h3 id={item.id}>
                <a href={`#${item.id}`}>{item.question}</a>
              </h3>
              <div class="sesame-markdown" dangerouslySetInnerHTML={{ __html: item.html }} />
            </div>
          ))}
        </section>
      ))}
      {props.children}
    </PageFrame>
  );
}
