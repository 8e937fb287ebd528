import { tags } from './html.js';

/** The stored-XSS payloads of the outside probe, in one text (and a formula first, for exports). */
export const PAYLOADS = [
  '=HYPERLINK("http://evil.example/","Cliquez")',
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  "'><svg onload=alert(1)>",
  '</title><svg onload=alert(1)>',
  '</textarea><script>alert(1)</script>',
  'javascript:alert(1)',
];
export const XSS = PAYLOADS.join(' ');

/**
 * What a payload would have become had it reached the page unescaped: an event-handler
 * attribute, a script holding it, a javascript: link. Empty: the page is clean.
 */
export function injected(html: string): string[] {
  const found: string[] = [];
  const all = tags(html);
  for (const t of all) {
    for (const [name, value] of Object.entries(t.attrs)) {
      if (name.startsWith('on')) found.push(`<${t.name} ${name}=…>`);
      if (['href', 'src', 'action', 'formaction'].includes(name) && /^\s*javascript:/i.test(value))
        found.push(`<${t.name} ${name}="${value.slice(0, 40)}">`);
    }
    if (t.name === 'script' && /alert\(1\)/.test(html.slice(t.at, html.indexOf('</script>', t.at))))
      found.push('<script>alert(1)');
    if (t.name === 'img' && t.attrs.src === 'x') found.push('<img src=x>');
  }
  return found;
}

/** The payload shown as text (escaped by the page or the e-mail): proof it reached the output. */
export const shownAsText = (html: string) => /&lt;script(&gt;|>)alert\(1\)/.test(html);
