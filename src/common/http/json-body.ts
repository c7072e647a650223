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
/** In JSON text, U+0000 and a surrogate can only be written as escapes: `\u0000`, `\uD800`-`\uDFFF`. */
const UNSTORABLE_ESCAPE = /\\u(0000|d[89a-f])/i;
const ESCAPE_START = Buffer.from('\\u');

/**
 * body-parser's `verify` hook, on the raw bytes before they are parsed: refuses (400, as a parse failure) a body
 * whose strings hold text the service cannot store (`rejectUnstorableText`). A reviver on every parse made
 * JSON.parse call back for every value of every body; in JSON text such a character can only be an escape, so
 * only a body containing `\u0000` or `\uD8xx`-`\uDFxx` is parsed with the reviver to tell, and a UTF-8 body
 * without any `\u` is not looked at twice. Other charsets (UTF-16) are decoded strictly: a lone surrogate there
 * is the same refusal.
 */
export function verifyStorableText(
  _req: unknown,
  _res: unknown,
  body: Buffer,
  encoding: string | null,
): void {
  const utf8 = encoding === null || encoding === 'utf-8' || encoding === 'utf8';
  if (utf8 && body.indexOf(ESCAPE_START) === -1) return;
  const text = utf8 ? body.toString('utf8') : strictlyDecoded(body, encoding);
  if (!UNSTORABLE_ESCAPE.test(text)) return;
  try {
    JSON.parse(text, rejectUnstorableText);
  } catch (error) {
    const message = error instanceof Error ? error.message : '';
    // Anything else wrong with the text is body-parser's to report, as it parses next.
    if (Object.values(UNSTORABLE_TEXT).some((t) => t.detail === message)) {
      throw bodyError(400, 'entity.parse.failed', message);
    }
  }
}

function strictlyDecoded(body: Buffer, encoding: string): string {
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(encoding, { fatal: true });
  } catch {
    throw bodyError(415, 'charset.unsupported', `unsupported charset "${encoding}"`);
  }
  try {
    return decoder.decode(body);
  } catch {
    throw bodyError(400, 'entity.parse.failed', UNSTORABLE_TEXT.surrogate.detail);
  }
}

/** An error shaped like body-parser's own, which the exception filter translates (body-parser.translator.ts). */
function bodyError(status: number, type: string, message: string): Error {
  return Object.assign(new SyntaxError(message), { status, type });
}

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
