import { MalformedDataError } from '../errors/laps-error.js';
import { parseFileTimeHex, type FileTimeValue } from './filetime.js';

/**
 * The clear-text Windows LAPS password as Windows writes it to msLAPS-Password (and, once
 * decrypted, the plaintext of msLAPS-EncryptedPassword): `{"n":account,"t":FILETIME hex,"p":password}`.
 */
export interface LapsPasswordPayload {
  readonly account: string;
  readonly password: string;
  readonly updated: FileTimeValue;
}

// A password of a few hundred characters is generous; a megabyte string is not a password.
const MAX_PAYLOAD_CHARS = 64 * 1024;

export function parseLapsPasswordJson(text: string): LapsPasswordPayload {
  if (text.length > MAX_PAYLOAD_CHARS) {
    throw new MalformedDataError(
      'The LAPS password value is far too long to be a password: the attribute is corrupt.',
    );
  }
  // Windows terminates the string it writes in some paths; a trailing NUL is not part of the JSON.
  const json = text.replace(/\0+$/, '');
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (error) {
    throw new MalformedDataError(
      'The LAPS password attribute is not valid JSON: the value is corrupt; have the device rotate its password.',
      { cause: error },
    );
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new MalformedDataError(
      'The LAPS password attribute is not a JSON object: the value is corrupt; have the device rotate its password.',
    );
  }
  const { n, t, p } = parsed as Record<string, unknown>;
  if (typeof n !== 'string' || typeof t !== 'string' || typeof p !== 'string') {
    throw new MalformedDataError(
      'The LAPS password attribute lacks its "n", "t" or "p" field: the value is corrupt; have the device rotate its password.',
    );
  }
  return { account: n, password: p, updated: parseFileTimeHex(t) };
}
