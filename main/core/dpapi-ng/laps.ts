import { MalformedDataError } from '../errors/laps-error.js';
import {
  parseEncryptedBlobHeader,
  ENCRYPTED_HEADER_BYTES,
  type EncryptedBlobHeader,
} from '../laps/encrypted-blob-header.js';
import { parseLapsPasswordJson, type LapsPasswordPayload } from '../laps/password-json.js';

/**
 * Windows LAPS around DPAPI-NG (MS-ADA2 msLAPS-EncryptedPassword): the 16-byte header before the
 * blob and the UTF-16LE JSON inside it.
 */
export function splitLapsEncryptedValue(value: Uint8Array): {
  header: EncryptedBlobHeader;
  blob: Uint8Array;
} {
  const header = parseEncryptedBlobHeader(value);
  return { header, blob: value.subarray(ENCRYPTED_HEADER_BYTES) };
}

export function parseLapsPlaintext(plaintext: Uint8Array): LapsPasswordPayload {
  if (plaintext.length % 2 !== 0) {
    throw new MalformedDataError(
      'The decrypted LAPS password is not UTF-16 text: the value is corrupt.',
    );
  }
  return parseLapsPasswordJson(Buffer.from(plaintext).toString('utf16le'));
}
