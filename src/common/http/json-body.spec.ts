import { UNSTORABLE_TEXT, verifyStorableText } from './json-body';

const check = (text: string, encoding: string | null = 'utf-8', bytes = Buffer.from(text, 'utf8')) => {
  try {
    verifyStorableText(undefined, undefined, bytes, encoding);
    return 'ok';
  } catch (error) {
    const e = error as { status: number; type: string; message: string };
    return { status: e.status, type: e.type, message: e.message };
  }
};

describe('verifyStorableText', () => {
  const nul = { status: 400, type: 'entity.parse.failed', message: UNSTORABLE_TEXT.nul.detail };
  const surrogate = { status: 400, type: 'entity.parse.failed', message: UNSTORABLE_TEXT.surrogate.detail };

  it('lets through text the service can store, escaped or not', () => {
    expect(check('{"name":"김치찌개","note":"덜 맵게"}')).toBe('ok');
    expect(check('{"name":"\\uAC00 \\u00e9 \\ud83d\\ude00"}')).toBe('ok');
    // A backslash followed by the letters u0000: six characters, no NUL.
    expect(check('{"name":"\\\\u0000"}')).toBe('ok');
  });

  it('refuses U+0000 and lone surrogates as the parse failure the filter answers with 400', () => {
    expect(check('{"name":"a\\u0000b"}')).toEqual(nul);
    expect(check('{"items":[{"note":"x\\u0000"}]}')).toEqual(nul);
    expect(check('{"name":"\\ud800"}')).toEqual(surrogate);
    expect(check('{"name":"\\uDFFFx"}')).toEqual(surrogate);
  });

  it("leaves text that is not JSON to body-parser's own error", () => {
    expect(check('{"name":"\\u0000')).toBe('ok');
  });

  it('decodes other charsets strictly: a lone surrogate in UTF-16 is refused, an unknown charset is 415', () => {
    expect(check('', 'utf-16le', Buffer.from('{"name":"가"}', 'utf16le'))).toBe('ok');
    const lone = Buffer.concat([
      Buffer.from('{"name":"', 'utf16le'),
      Buffer.from([0x00, 0xd8]),
      Buffer.from('"}', 'utf16le'),
    ]);
    expect(check('', 'utf-16le', lone)).toEqual(surrogate);
    expect(check('', 'utf-32', Buffer.from('{}'))).toEqual({
      status: 415,
      type: 'charset.unsupported',
      message: 'unsupported charset "utf-32"',
    });
  });
});
