import { Marked, type Token, type Tokens, type TokensList } from 'marked';
import sanitizeHtml from 'sanitize-html';

/**
 * The one way Markdown written by administrators reaches a page: parsed by `marked`, raw HTML
 * shown as text, then cleaned by `sanitize-html` keeping only headings, paragraphs, lists, links
 * (http, https, mailto or relative), emphasis, code, quotes and tables.
 */

const escapeHtml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const marked = new Marked({
  gfm: true,
  renderer: {
    // Raw HTML typed in the text is never markup: it is shown as typed.
    html(token: Tokens.HTML | Tokens.Tag) {
      return escapeHtml(token.text);
    },
  },
});

const SANITIZE: sanitizeHtml.IOptions = {
  allowedTags: [
    'h2',
    'h3',
    'h4',
    'h5',
    'h6',
    'p',
    'br',
    'ul',
    'ol',
    'li',
    'a',
    'em',
    'strong',
    'del',
    'code',
    'pre',
    'blockquote',
    'table',
    'thead',
    'tbody',
    'tr',
    'th',
    'td',
  ],
  allowedAttributes: { a: ['href'], h2: ['id'], h3: ['id'], ol: ['start'] },
  // The page has its own h1: a "#" heading of the text becomes a section heading.
  transformTags: { h1: 'h2' },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesAppliedToAttributes: ['href'],
  allowProtocolRelative: false,
  disallowedTagsMode: 'discard',
};

/** Cleans the HTML, then puts each table in the DSFR wrapper that scrolls on a narrow screen. */
export function sanitize(html: string): string {
  return sanitizeHtml(html, SANITIZE)
    .replace(
      /<table>/g,
      '<div class="fr-table"><div class="fr-table__wrapper"><div class="fr-table__container" tabindex="0"><div class="fr-table__content"><table>',
    )
    .replace(/<\/table>/g, '</table></div></div></div></div>');
}

/** Markdown to safe HTML. */
export function renderMarkdown(markdown: string): string {
  return sanitize(marked.parse(markdown, { async: false }));
}

function renderTokens(tokens: Token[]): string {
  const list = Object.assign([...tokens], { links: {} }) as TokensList;
  return sanitize(marked.parser(list));
}

/** Lower case, without accents: what the FAQ search and the anchors compare. */
export function fold(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

function slug(text: string): string {
  return (
    fold(text)
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 80) || 'question'
  );
}

export interface FaqQuestion {
  /** Stable anchor: the question's words, so a link to an answer survives other edits. */
  id: string;
  question: string;
  /** The answer as safe HTML. */
  html: string;
}

export interface FaqTheme {
  title: string;
  /** Safe HTML of the text between the theme heading and its first question. */
  intro: string;
  questions: FaqQuestion[];
}

export interface Faq {
  /** Safe HTML before the first theme. */
  intro: string;
  themes: FaqTheme[];
}

/**
 * A FAQ written in Markdown: `##` headings are themes, `###` headings are questions, the text up
 * to the next heading is the answer. With `q`, only the questions whose question or answer holds
 * every word of q (case and accents ignored) are kept, and the themes left empty are dropped.
 */
export function parseFaq(markdown: string, q = ''): Faq {
  const tokens = marked.lexer(markdown);
  const words = fold(q).split(/\s+/).filter(Boolean);
  const used = new Set<string>();
  const anchor = (text: string) => {
    const base = slug(text);
    let id = base;
    for (let n = 2; used.has(id); n++) id = `${base}-${n}`;
    used.add(id);
    return id;
  };
  const intro: Token[] = [];
  const themes: Array<{ title: string; intro: Token[]; questions: Array<{ q: string; body: Token[] }> }> = [];
  for (const token of tokens) {
    if (token.type === 'heading' && (token as Tokens.Heading).depth <= 2) {
      themes.push({ title: (token as Tokens.Heading).text, intro: [], questions: [] });
      continue;
    }
    if (token.type === 'heading' && (token as Tokens.Heading).depth === 3) {
      if (!themes.length) themes.push({ title: 'Questions', intro: [], questions: [] });
      themes[themes.length - 1]?.questions.push({ q: (token as Tokens.Heading).text, body: [] });
      continue;
    }
    const theme = themes[themes.length - 1];
    const question = theme?.questions[theme.questions.length - 1];
    (question ? question.body : theme ? theme.intro : intro).push(token);
  }
  const plain = (text: string) => text.replace(/[*_`]/g, '');
  const out: Faq = { intro: words.length ? '' : renderTokens(intro), themes: [] };
  for (const theme of themes) {
    const questions: FaqQuestion[] = [];
    for (const item of theme.questions) {
      const id = anchor(item.q);
      const haystack = fold(`${item.q}\n${item.body.map((t) => t.raw).join('\n')}`);
      if (words.length && !words.every((w) => haystack.includes(w))) continue;
      questions.push({ id, question: plain(item.q), html: renderTokens(item.body) });
    }
    if (words.length && !questions.length) continue;
    out.themes.push({
      title: plain(theme.title),
      intro: words.length ? '' : renderTokens(theme.intro),
      questions,
    });
  }
  return out;
}
