import { describe, expect, it } from 'vitest';
import { decodePasswordBase64 } from '../../../../main/core/entra/password-encoding.js';
import { MalformedDataError } from '../../../../main/core/errors/laps-error.js';

const b64 = (text: string, encoding: BufferEncoding) =>
  Buffer.from(text, encoding).toString('base64');

describe('decodePasswordBase64', () => {
  it('reads UTF-16LE bytes, as Windows LAPS stores them', () => {
    expect(decodePasswordBase64(b64('Zx9!kQ2#vB7m', 'utf16le'))).toEqual({
      password: 'Zx9!kQ2#vB7m',
      encoding: 'utf-16le',
    });
  });

  it('reads UTF-8 bytes, as some tenants return them', () => {
    expect(decodePasswordBase64(b64('Zx9!kQ2#vB7m', 'utf8'))).toEqual({
      password: 'Zx9!kQ2#vB7m',
      encoding: 'utf-8',
    });
  });

  it('reads an even-length UTF-8 password as UTF-8: no NUL high bytes', () => {
    // "AB" in UTF-8 is 41 42: even length, yet read as UTF-16LE it would be one CJK letter.
    expect(decodePasswordBase64(b64('AB', 'utf8'))).toEqual({ password: 'AB', encoding: 'utf-8' });
  });

  it('reads a UTF-16LE passphrase with non-Latin letters', () => {
    const passphrase = 'Grüße-straße-Ärger';
    expect(decodePasswordBase64(b64(passphrase, 'utf16le')).password).toBe(passphrase);
  });

  it('reads a UTF-8 passphrase with non-Latin letters', () => {
    const passphrase = 'Grüße-straße-Ärger';
    expect(decodePasswordBase64(b64(passphrase, 'utf8'))).toEqual({
      password: passphrase,
      encoding: 'utf-8',
    });
  });

  it('rejects bytes that are neither UTF-16LE nor UTF-8 text', () => {
    expect(() => decodePasswordBase64(Buffer.from([0xff, 0xfe, 0xc3]).toString('base64'))).toThrow(
      MalformedDataError,
    );
  });

  it('rejects an empty password', () => {
    expect(() => decodePasswordBase64('')).toThrow(MalformedDataError);
  });
});
