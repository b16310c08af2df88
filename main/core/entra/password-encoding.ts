import { MalformedDataError } from '../errors/laps-error.js';

export type PasswordEncoding = 'utf-16le' | 'utf-8';

export interface DecodedPassword {
  readonly password: string;
  readonly encoding: PasswordEncoding;
}

/**
 * Decodes Graph's passwordBase64. Microsoft's docs and the community disagree on whether the
 * bytes are UTF-16LE (as Windows LAPS stores them) or UTF-8, so the bytes decide: LAPS
 * passwords are printable, so UTF-16LE text of them has a NUL in every odd byte, which UTF-8
 * text never has (a NUL is no password character). Anything else is read as UTF-8, and bytes
 * that are neither are malformed rather than shown as replacement characters.
 */
export function decodePasswordBase64(passwordBase64: string): DecodedPassword {
  const bytes = Buffer.from(passwordBase64, 'base64');
  if (bytes.length === 0) throw new MalformedDataError('Graph returned an empty password.');
  if (looksUtf16le(bytes)) return { password: bytes.toString('utf16le'), encoding: 'utf-16le' };
  let password: string;
  try {
    password = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (error) {
    throw new MalformedDataError(
      'Graph returned a password that is neither UTF-16LE nor UTF-8 text.',
      { cause: error },
    );
  }
  if (password.includes('\0'))
    throw new MalformedDataError('Graph returned a password with a NUL character in it.');
  return { password, encoding: 'utf-8' };
}

/**
 * Even length, and every code unit a non-NUL BMP character whose high byte is 0 for most of
 * them: an ASCII password gives all-zero odd bytes. Passphrases with non-Latin letters have
 * non-zero high bytes, so "most" is at least half the units; no UTF-8 text of printable
 * characters has half its odd bytes NUL.
 */
function looksUtf16le(bytes: Buffer): boolean {
  if (bytes.length % 2 !== 0) return false;
  let zeroHighBytes = 0;
  for (let i = 0; i < bytes.length; i += 2) {
    const unit = bytes.readUInt16LE(i);
    if (unit === 0) return false;
    if (bytes[i + 1] === 0) zeroHighBytes++;
  }
  return zeroHighBytes * 2 >= bytes.length / 2;
}
