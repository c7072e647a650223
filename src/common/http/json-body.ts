/** JSON bodies above this are refused with 413 PAYLOAD_TOO_LARGE (API.md: 100 KB = 102,400 bytes). */
export const JSON_BODY_LIMIT = 100 * 1024;

/** Why a body's text cannot be stored, by the message the reviver throws: the error filter answers 400 with it. */
export const UNSTORABLE_TEXT: Record<string, { detail: string; message: string }> = {
  nul: {
    detail: 'a string in the body contains the NUL character (\\u0000)',
    message: 'must not contain the NUL character (\\u0000)',
  },
  surrogate: {
    detail: 'a string in the body is not well-formed Unicode (a lone surrogate such as \\ud800)',
    message: 'must be well-formed Unicode (no lone surrogate)',
  },
};

const LONE_SURROGATE = /\p{Cs}/u;

/**
 * JSON.parse reviver: no text the service stores or looks up may hold U+0000, which PostgreSQL cannot store in
 * text, or a lone UTF-16 surrogate, which has no UTF-8 form (it would be stored as U+FFFD, silently changed).
 * Refused while parsing, so it is one 400 for every endpoint instead of a database error or a mangled name.
 */
export function rejectUnstorableText(_key: string, value: unknown): unknown {
  if (typeof value === 'string') {
    if (value.includes('\u0000')) throw new SyntaxError(UNSTORABLE_TEXT.nul.detail);
    if (LONE_SURROGATE.test(value)) throw new SyntaxError(UNSTORABLE_TEXT.surrogate.detail);
  }
  return value;
}
