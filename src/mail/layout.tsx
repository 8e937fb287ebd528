import { renderToString } from 'preact-render-to-string';
import type { MailMessage } from '../db/repositories/outbox.js';

/**
 * One layout for every e-mail: the same content gives the HTML part and the plain-text part,
 * so the two never disagree.
 */
export interface MailContent {
  template: string;
  to: string;
  subject: string;
  networkName: string;
  greeting: string;
  paragraphs: string[];
  action?: { label: string; url: string };
  /** Shown under the button, e.g. how long the link stays valid. */
  afterAction?: string[];
}

/**
 * Stands for the network's own signature line (setting "mailFooter") in a rendered e-mail:
 * enqueueMail puts the line in force when the e-mail is queued, so no mail function needs the
 * settings. Empty setting: the network's name.
 */
export const MAIL_FOOTER_TOKEN = '\u2063[signature-reseau]\u2063';

export function renderMail(c: MailContent): MailMessage {
  return { to: c.to, subject: c.subject, template: c.template, text: renderText(c), html: renderHtml(c) };
}

/** "[ce lien](https://…)" in a paragraph: the words become a link (http and https only). */
const LINK = /\[([^[\]\n]{1,200})\]\((https?:\/\/[^\s()<>"]{1,2000})\)/g;

type Part = string | { text: string; url: string };

export function linkParts(paragraph: string): Part[] {
  const parts: Part[] = [];
  let last = 0;
  for (const m of paragraph.matchAll(LINK)) {
    if (m.index > last) parts.push(paragraph.slice(last, m.index));
    parts.push({ text: m[1]!, url: m[2]! });
    last = m.index + m[0].length;
  }
  if (last < paragraph.length) parts.push(paragraph.slice(last));
  return parts;
}

/** The plain-text part: "utilisez ce lien (https://…)". */
function plainParagraph(p: string): string {
  return linkParts(p)
    .map((part) => (typeof part === 'string' ? part : `${part.text} (${part.url})`))
    .join('');
}

function HtmlParagraph({ text }: { text: string }) {
  return (
    <>
      {linkParts(text).map((part) =>
        typeof part === 'string' ? (
          part
        ) : (
          <a href={part.url} style="color:#000091">
            {part.text}
          </a>
        ),
      )}
    </>
  );
}

function renderText(c: MailContent): string {
  const lines = [c.greeting, '', ...c.paragraphs.flatMap((p) => [plainParagraph(p), ''])];
  if (c.action) lines.push(`${c.action.label} :`, c.action.url, '');
  if (c.afterAction) lines.push(...c.afterAction.flatMap((p) => [p, '']));
  lines.push('--', MAIL_FOOTER_TOKEN, 'Ce message est envoyé automatiquement, merci de ne pas y répondre.');
  return lines.join('\n');
}

function renderHtml(c: MailContent): string {
  const body = (
    <html lang="fr">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{c.subject}</title>
      </head>
      <body style="margin:0;padding:0;background:#f6f6f6;font-family:Marianne,Arial,sans-serif;color:#161616">
        <table role="presentation" width="100%" cellPadding="0" cellSpacing="0" style="background:#f6f6f6">
          <tr>
            <td align="center" style="padding:24px 12px">
              <table
                role="presentation"
                width="100%"
                cellPadding="0"
                cellSpacing="0"
                style="max-width:600px;background:#ffffff;border-top:4px solid #000091"
              >
                <tr>
                  <td style="padding:24px 32px 8px;font-size:14px;font-weight:bold;color:#000091">
                    {c.networkName}
                  </td>
                </tr>
                <tr>
                  <td style="padding:8px 32px 24px;font-size:16px;line-height:24px">
                    <p style="margin:0 0 16px">{c.greeting}</p>
                    {c.paragraphs.map((p) => (
                      <p style="margin:0 0 16px">
                        <HtmlParagraph text={p} />
                      </p>
                    ))}
                    {c.action && (
                      <p style="margin:24px 0">
                        <a
                          href={c.action.url}
                          style="display:inline-block;background:#000091;color:#ffffff;padding:12px 24px;text-decoration:none;font-weight:bold"
                        >
                          {c.action.label}
                        </a>
                      </p>
                    )}
                    {c.action && (
                      <p style="margin:0 0 16px;font-size:14px;color:#3a3a3a">
                        Si le bouton ne fonctionne pas, copiez ce lien dans votre navigateur :{' '}
                        <a href={c.action.url} style="color:#000091;word-break:break-all">
                          {c.action.url}
                        </a>
                      </p>
                    )}
                    {c.afterAction?.map((p) => (
                      <p style="margin:0 0 16px;font-size:14px;color:#3a3a3a">{p}</p>
                    ))}
                  </td>
                </tr>
                <tr>
                  <td style="padding:16px 32px;border-top:1px solid #dddddd;font-size:12px;color:#666666">
                    {MAIL_FOOTER_TOKEN}
                    <br />
                    Ce message est envoyé automatiquement, merci de ne pas y répondre.
                  </td>
                </tr>
              </table>
            </td>
          </tr>
        </table>
      </body>
    </html>
  );
  return `<!doctype html>${renderToString(body)}`;
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };

/** Puts the network's signature line where renderMail left its token. */
export function withMailFooter(message: MailMessage, footer: string): MailMessage {
  if (!message.text.includes(MAIL_FOOTER_TOKEN) && !message.html.includes(MAIL_FOOTER_TOKEN)) return message;
  const html = footer.replace(/[&<>"]/g, (ch) => HTML_ESCAPES[ch]!);
  return {
    ...message,
    text: message.text.replaceAll(MAIL_FOOTER_TOKEN, footer),
    html: message.html.replaceAll(MAIL_FOOTER_TOKEN, html),
  };
}
