import type { ComponentChildren } from 'preact';
import { HOME_CRUMB, PageFrame } from '../components/page.js';

/** A page of text under headings (help, legal notices): each section a heading and its paragraphs. */
export function TextPage({
  title,
  sections,
  children,
}: {
  title: string;
  sections: Array<[string, string[]]>;
  children?: ComponentChildren;
}) {
  return (
    <PageFrame title={title} breadcrumb={[HOME_CRUMB, { label: title }]} cols="fr-col-md-9">
      {sections.map(([heading, texts]) => (
        <section class="fr-mb-4w">
          <h2>{heading}</h2>
          {texts.map((t) => (
            <p>{t}</p>
          ))}
        </section>
      ))}
      {children}
    </PageFrame>
  );
}
