import type { ComponentChildren } from 'preact';
import type { Crumb } from '../components/admin-page.js';
import { HOME_CRUMB, PageFrame } from '../components/page.js';

/** A help or legal page written in Markdown; `html` is already sanitised (src/web/markdown.ts). */
export function MarkdownPage(props: {
  title: string;
  html: string;
  trail?: Crumb[];
  children?: ComponentChildren;
}) {
  return (
    <PageFrame
      title={props.title}
      breadcrumb={[HOME_CRUMB, ...(props.trail ?? []), { label: props.title }]}
      cols="fr-col-md-9"
    >
      <div class="sesame-markdown fr-mb-4w" dangerouslySetInnerHTML={{ __html: props.html }} />
      {props.children}
    </PageFrame>
  );
}
