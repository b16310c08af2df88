import { describe, expect, it } from 'vitest';
import { parseDpapiNgBlob } from '../../../../main/core/dpapi-ng/blob.js';
import {
  decryptWithGroupKeyDetailed,
  decryptWithRootKeyDetailed,
} from '../../../../main/core/dpapi-ng/decrypt.js';
import {
  parseGroupKeyEnvelope,
  parseKeyIdentifier,
  targetSecurityDescriptor,
} from '../../../../main/core/dpapi-ng/gkdi.js';
import {
  parseLapsPlaintext,
  splitLapsEncryptedValue,
} from '../../../../main/core/dpapi-ng/laps.js';
import {
  DPAPI_NG_KDF_VECTORS,
  dpapiNgKdfVector,
  dpapiNgLapsVector,
  dsInternalsLapsVectorsFull,
} from '../../../vectors.js';
import { MalformedDataError } from '../../../../main/core/errors/laps-error.js';
import { groupKeyEnvelope } from '../../../fixtures/gkdi-server/group-key.js';
import { dsInternalsRootKey, hex, kdfVectorRootKey, toHex, dsVector } from './fixtures.js';

describe('DSInternals msLAPS-EncryptedPassword with the KDS root key', () => {
  for (const v of dsInternalsLapsVectorsFull()) {
    it(`${v.source_test} decrypts, every intermediate matching`, () => {
      const want = v.computed_by_independent_check;
      const { blob } = splitLapsEncryptedValue(hex(v.msLAPS_EncryptedPassword_hex));
      const parsed = parseDpapiNgBlob(blob);
      expect(toHex(targetSecurityDescriptor(parsed.protectionSid))).toBe(want.target_sd_hex);
      const result = decryptWithRootKeyDetailed(blob, dsInternalsRootKey(v.kds_root_key));
      expect([result.keyIdentifier.l0, result.keyIdentifier.l1, result.keyIdentifier.l2]).toEqual([
        want.l0,
        want.l1,
        want.l2,
      ]);
      expect(result.keyIdentifier.keyInfo.kind).toBe('dh');
      expect(toHex(result.l2Key)).toBe(want.l2_seed_key_hex);
      expect(toHex(result.kek)).toBe(want.kek_hex);
      expect(toHex(result.cek)).toBe(want.cek_hex);
      expect(toHex(result.plaintext)).toBe(want.plaintext_utf16le_hex);
      const payload = parseLapsPlaintext(result.plaintext);
      expect(payload.password).toBe(v.expected_password);
      expect(Buffer.from(result.plaintext).toString('utf16le')).toBe(want.plaintext_text);
    });
  }
});

describe("dpapi-ng's LAPS blob with its group key envelope", () => {
  it('walks down from the envelope and decrypts, every intermediate matching', () => {
    const { blob, groupKeyEnvelope, expected } = dpapiNgLapsVector();
    const envelope = parseGroupKeyEnvelope(groupKeyEnvelope);
    expect([envelope.l0, envelope.l1, envelope.l2, envelope.flags]).toEqual([361, 17, 8, 2]);
    const parsed = parseDpapiNgBlob(blob);
    const keyId = parseKeyIdentifier(parsed.keyIdentifier);
    expect([keyId.l0, keyId.l1, keyId.l2, keyId.isPublicKey]).toEqual([361, 16, 3, true]);
    expect(toHex(targetSecurityDescriptor(parsed.protectionSid))).toBe(expected.target_sd_hex);
    const result = decryptWithGroupKeyDetailed(blob, groupKeyEnvelope);
    expect(toHex(result.l2Key)).toBe(expected.l2_seed_key_hex);
    expect(toHex(result.kek)).toBe(expected.kek_hex);
    expect(toHex(result.cek)).toBe(expected.cek_hex);
    expect(toHex(result.plaintext)).toBe(expected.plaintext_utf16le_hex);
    expect(parseLapsPlaintext(result.plaintext)).toMatchObject({
      account: 'Administrator',
      password: 'Z}-FQ5ZjuB+4Yg',
    });
  });

  it('reports a public-key-only envelope as not authorized to decrypt', () => {
    const { blob, groupKeyEnvelope } = dpapiNgLapsVector();
    const publicOnly = new Uint8Array(groupKeyEnvelope);
    publicOnly[8] = (publicOnly[8] ?? 0) | 1;
    expect(() => decryptWithGroupKeyDetailed(blob, publicOnly)).toThrowError(
      expect.objectContaining({ name: 'NotAuthorizedToDecryptError' }) as Error,
    );
  });
});

describe("dpapi-ng's NCryptProtectSecret blobs (content inside the envelope) with their root keys", () => {
  const kinds: Record<string, string> = {
    'kdf_sha512_dh.json': 'dh',
    'kdf_sha512_nonce.json': 'nonce',
    'kdf_sha256_ecdh_p256.json': 'ecdh',
    'kdf_sha384_ecdh_p384.json': 'ecdh',
  };
  for (const name of DPAPI_NG_KDF_VECTORS) {
    it(`${name} decrypts to 0x00`, () => {
      const v = dpapiNgKdfVector(name);
      const result = decryptWithRootKeyDetailed(hex(v.Data), kdfVectorRootKey(v));
      expect(result.keyIdentifier.keyInfo.kind).toBe(kinds[name]);
      expect(toHex(result.plaintext)).toBe('00');
    });
  }
});

describe('a DH root key without msKds-SecretAgreementParam', () => {
  it('still decrypts (the group from the blob, computed without OpenSSL group checks)', () => {
    const v = dsVector(0);
    const { blob } = splitLapsEncryptedValue(hex(v.msLAPS_EncryptedPassword_hex));
    const key = {
      ...dsInternalsRootKey(v.kds_root_key),
      secretAgreementParameters: new Uint8Array(0),
    };
    const result = decryptWithRootKeyDetailed(blob, key);
    expect(toHex(result.kek)).toBe(v.computed_by_independent_check.kek_hex);
    expect(parseLapsPlaintext(result.plaintext).password).toBe(v.expected_password);
  });

  it("rejects a blob whose DH group is not the root key's", () => {
    const v = dsVector(0);
    const { blob } = splitLapsEncryptedValue(hex(v.msLAPS_EncryptedPassword_hex));
    const parsed = parseDpapiNgBlob(blob);
    const keyIdAt = parsed.keyIdentifier.byteOffset - blob.byteOffset;
    const changed = new Uint8Array(blob);
    const gAt = keyIdAt + 48 + 8 + 256 + 255; // KeyIdentifier header, DHPB header, p, last byte of g
    changed[gAt] = (changed[gAt] ?? 0) ^ 1;
    expect(() => decryptWithRootKeyDetailed(changed, dsInternalsRootKey(v.kds_root_key))).toThrow(
      /not the root key's/,
    );
  });
});

describe('a group key envelope used for many blobs (the warm path)', () => {
  it('gives the same keys from its memo, and still checks every blob against the group', () => {
    const v = dsVector(0);
    const rootKey = dsInternalsRootKey(v.kds_root_key);
    const { blob } = splitLapsEncryptedValue(hex(v.msLAPS_EncryptedPassword_hex));
    const parsed = parseDpapiNgBlob(blob);
    const id = parseKeyIdentifier(parsed.keyIdentifier);
    // The last key of the blob's L0, as the cache keeps it: the blob's key is walked down to.
    const envelope = groupKeyEnvelope({
      rootKey,
      targetSd: targetSecurityDescriptor(parsed.protectionSid),
      l0: id.l0,
      l1: 31,
      l2: 31,
      domain: id.domain,
      forest: id.forest,
      withPrivateKey: true,
    });
    const want = decryptWithRootKeyDetailed(blob, rootKey);
    // A blob of the same key whose DH public key is out of range (y = 0).
    if (id.keyInfo.kind !== 'dh') throw new Error('a DH vector was expected');
    const hostile = new Uint8Array(blob);
    const at = Buffer.from(hostile).indexOf(Buffer.from(id.keyInfo.y));
    hostile.fill(0, at, at + id.keyInfo.y.length);
    for (let round = 0; round < 3; round++) {
      const result = decryptWithGroupKeyDetailed(blob, envelope);
      expect(toHex(result.l2Key)).toBe(toHex(want.l2Key));
      expect(toHex(result.kek)).toBe(toHex(want.kek));
      expect(toHex(result.plaintext)).toBe(toHex(want.plaintext));
      expect(() => decryptWithGroupKeyDetailed(hostile, envelope)).toThrowError(MalformedDataError);
    }
  });
});
