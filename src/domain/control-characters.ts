/**
 * C0 control characters and DEL, except tab, line feed and carriage return, which a text area
 * legitimately holds. PostgreSQL refuses NUL in text (the request failed with a 500), and the
 * others are never typed: they come from a paste out of a PDF or a word processor, or from a
 * probe, and would otherwise be stored and then reach exports, e-mails and headers.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;

/**
 * Half of a UTF-16 surrogate pair standing alone: no character at all, which PostgreSQL refuses
 * to store or compare as UTF-8 (a 500 found by the fuzzer in a JSON body). It becomes U+FFFD, the
 * replacement character, as a browser would show it.
 */
const LONE_SURROGATES = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function withoutControlCharacters(text: string): string {
  return text.replace(CONTROL_CHARACTERS, '').replace(LONE_SURROGATES, '\uFFFD');
}
