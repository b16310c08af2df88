import { describe, expect, it } from 'vitest';
import { MalformedDataError } from '../../../../main/core/errors/laps-error.js';
import { parseEncryptedBlobHeader } from '../../../../main/core/laps/encrypted-blob-header.js';
import { fileTimeToIso, parseFileTimeHex } from '../../../../main/core/laps/filetime.js';
import { parseLapsPasswordJson } from '../../../../main/core/laps/password-json.js';
import { dsInternalsLapsVectors } from '../../../vectors.js';

describe('encrypted LAPS blob header', () => {
  it('reads the update time Windows put in the header, matching the "t" inside the ciphertext', () => {
    for (const vector of dsInternalsLapsVectors()) {
      const value = Buffer.from(vector.msLAPS_EncryptedPassword_hex, 'hex');
      const header = parseEncryptedBlobHeader(value);
      const inner = parseLapsPasswordJson(vector.computed_by_independent_check.plaintext_text);
      expect(fileTimeToIso(header.updated)).toBe(fileTimeToIso(inner.updated));
      expect(header.blobSize).toBe(value.length - 16);
    }
  });

  it('reads the high dword first', () => {
    const value = Buffer.alloc(17);
    value.writeUInt32LE(0x01da934a, 0);
    value.writeUInt32LE(0x349b798e, 4);
    value.writeUInt32LE(1, 8);
    expect(parseEncryptedBlobHeader(value).updated).toEqual(parseFileTimeHex('1da934a349b798e'));
  });

  it('rejects a value shorter than the header', () => {
    expect(() => parseEncryptedBlobHeader(Buffer.alloc(15))).toThrow(MalformedDataError);
  });

  it('rejects a header whose size disagrees with the value', () => {
    const [vector] = dsInternalsLapsVectors();
    const value = Buffer.from(vector?.msLAPS_EncryptedPassword_hex ?? '', 'hex');
    expect(() => parseEncryptedBlobHeader(value.subarray(0, value.length - 1))).toThrow(
      MalformedDataError,
    );
  });
});
