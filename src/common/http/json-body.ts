/** JSON bodies above this are refused with 413 PAYLOAD_TOO_LARGE (API.md: 100 KB = 102,400 bytes). */
export const JSON_BODY_LIMIT = 100 * 1024;

export const NUL_IN_BODY = 'a string in the body contains the NUL character (\\u0000)';

/**
 * JSON.parse reviver: no text the service stores or looks up may hold U+0000, which PostgreSQL cannot store in
 * text. Refused while parsing, so it is one 400 for every endpoint instead of a database error in each.
 */
export function rejectNulCharacters(_key: string, value: unknown): unknown {
  if (typeof value === 'string' && value.includes('\u0000')) throw new SyntaxError(NUL_IN_BODY);
  return value;
}
