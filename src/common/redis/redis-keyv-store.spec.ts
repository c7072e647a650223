import { textSerialization } from './redis-keyv-store';

describe('textSerialization', () => {
  const { serialize, deserialize } = textSerialization;

  it('stores a string as tagged text and reads it back unchanged, with or without an expiry', () => {
    const body = '{"categories":[{"name":"찌개: 김치","items":[]}]}';
    expect(serialize({ value: body, expires: 1767225600000 })).toBe(`t1767225600000:${body}`);
    expect(deserialize(serialize({ value: body, expires: 1767225600000 }))).toEqual({
      value: body,
      expires: 1767225600000,
    });
    expect(deserialize(serialize({ value: 'gen-token', expires: undefined }))).toEqual({
      value: 'gen-token',
      expires: undefined,
    });
    expect(deserialize(serialize({ value: '' }))).toEqual({ value: '', expires: undefined });
  });

  it("keeps Keyv's JSON envelope for other values and reads entries written in it", () => {
    expect(deserialize(serialize({ value: { a: 1 }, expires: 5 }))).toEqual({ value: { a: 1 }, expires: 5 });
    expect(deserialize('{"value":"written by Keyv","expires":7}')).toEqual({
      value: 'written by Keyv',
      expires: 7,
    });
  });
});
