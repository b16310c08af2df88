import { describe, expect, it } from 'vitest';
import { MalformedDataError } from '../../../../main/core/errors/laps-error.js';
import { fileTimeToIso } from '../../../../main/core/laps/filetime.js';
import { parseLapsPasswordJson } from '../../../../main/core/laps/password-json.js';
import { dsInternalsLapsVectors } from '../../../vectors.js';

const T = '1da934a349b798e';

describe('msLAPS-Password JSON', () => {
  it('reads the account, password and update time', () => {
    const payload = parseLapsPasswordJson(`{"n":"Administrator","t":"${T}","p":"S3cret-LAPS-pw!"}`);
    expect(payload.account).toBe('Administrator');
    expect(payload.password).toBe('S3cret-LAPS-pw!');
    expect(fileTimeToIso(payload.updated)).toBe('2024-04-20T17:43:08.031Z');
  });

  it('reads the plaintext Windows wrote inside real encrypted vectors', () => {
    for (const vector of dsInternalsLapsVectors()) {
      expect(
        parseLapsPasswordJson(vector.computed_by_independent_check.plaintext_text).password,
      ).toBe(vector.expected_password);
    }
  });

  it.each([
    ['a double quote', String.raw`a\"b`, 'a"b'],
    ['a backslash', String.raw`a\\b`, 'a\\b'],
    ['a slash', String.raw`a\/b`, 'a/b'],
    ['braces and brackets', '{[a]}', '{[a]}'],
    ['control escapes', String.raw`\b\f\n\r\t`, '\b\f\n\r\t'],
    ['a \\u escape for é', String.raw`caf\u00e9`, 'café'],
    ['raw UTF-8', 'café日本€ß', 'café日本€ß'],
    ['a surrogate pair escape (emoji)', String.raw`\ud83d\udd11`, '🔑'],
    ['a raw emoji', '🔑x', '🔑x'],
    ['single quotes', "it's", "it's"],
  ])('decodes %s', (_label, encoded, decoded) => {
    expect(
      parseLapsPasswordJson(`{"n":"Administrator","t":"${T}","p":"${encoded}"}`).password,
    ).toBe(decoded);
  });

  it('decodes an escaped account name', () => {
    expect(parseLapsPasswordJson(`{"n":"Administr\\u00e1dor","t":"${T}","p":"x"}`).account).toBe(
      'Administrádor',
    );
  });

  it('ignores a trailing NUL terminator', () => {
    expect(parseLapsPasswordJson(`{"n":"a","t":"${T}","p":"x"}\0`).password).toBe('x');
  });

  it('keeps fields in any order and ignores unknown ones', () => {
    expect(parseLapsPasswordJson(`{"p":"x","extra":1,"t":"${T}","n":"a"}`).account).toBe('a');
  });

  it.each([
    ['not JSON', 'Administrator:pw'],
    ['an array', '["a"]'],
    ['null', 'null'],
    ['a string', '"x"'],
    ['a missing password', `{"n":"a","t":"${T}"}`],
    ['a numeric password', `{"n":"a","t":"${T}","p":5}`],
    ['a bad time', '{"n":"a","t":"zz","p":"x"}'],
    ['truncated JSON', `{"n":"a","t":"${T}","p":"x`],
    ['a bad escape', `{"n":"a","t":"${T}","p":"\\q"}`],
  ])('rejects %s as malformed data', (_label, text) => {
    expect(() => parseLapsPasswordJson(text)).toThrow(MalformedDataError);
  });

  it('rejects a value far too long to be a password without parsing it', () => {
    expect(() =>
      parseLapsPasswordJson(`{"n":"a","t":"${T}","p":"${'x'.repeat(100_000)}"}`),
    ).toThrow(MalformedDataError);
  });
});
