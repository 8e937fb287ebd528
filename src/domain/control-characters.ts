/**
 * C0 control characters and DEL, except tab, line feed and carriage return, which a text area
 * legitimately holds. PostgreSQL refuses NUL in text (the request failed with a 500), and the
 * others are never typed: they come from a paste out of a PDF or a word processor, or from a
 * probe, and would otherwise be stored and then reach exports, e-mails and headers.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;

export function withoutControlCharacters(text: string): string {
  return text.replace(CONTROL_CHARACTERS, '');
}
