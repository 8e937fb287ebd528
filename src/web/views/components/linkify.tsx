import type { ComponentChildren } from 'preact';

const URL_PATTERN = /(https?:\/\/[^\s<>"'`]+)/g;
/** Punctuation that ends a sentence rather than the address it follows. */
const TRAILING_PUNCTUATION = /[.,;:!?)\]»]+$/;

/**
 * Turns the web addresses of a plain-text e-mail into links. The text stays text: each piece
 * goes through JSX (escaped), and only http(s) addresses ever become an href.
 */
export function linkify(text: string): ComponentChildren[] {
  const out: ComponentChildren[] = [];
  text.split(URL_PATTERN).forEach((part, i) => {
    // split() with a capturing group puts the matches at the odd positions.
    if (i % 2 === 0) {
      if (part) out.push(part);
      return;
    }
    const trailing = TRAILING_PUNCTUATION.exec(part)?.[0] ?? '';
    const url = part.slice(0, part.length - trailing.length);
    if (/^https?:\/\/./.test(url)) out.push(<a href={url}>{url}</a>);
    else out.push(url);
    if (trailing) out.push(trailing);
  });
  return out;
}
