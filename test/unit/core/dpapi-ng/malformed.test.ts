import { describe, expect, it } from 'vitest';
import { MalformedDataError } from '../../../../main/core/errors/laps-error.js';
import { parseDpapiNgBlob } from '../../../../main/core/dpapi-ng/blob.js';
import { decryptWithGroupKey, decryptWithRootKey } from '../../../../main/core/dpapi-ng/decrypt.js';
import { DerReader, decodeOid, encodeOid, expectOid } from '../../../../main/core/dpapi-ng/der.js';
import { parseGroupKeyEnvelope, parseKeyIdentifier } from '../../../../main/core/dpapi-ng/gkdi.js';
import { splitLapsEncryptedValue } from '../../../../main/core/dpapi-ng/laps.js';
import { dpapiNgKdfVector, dpapiNgLapsVector } from '../../../vectors.js';
import { dsInternalsRootKey, hex, kdfVectorRootKey, dsVector } from './fixtures.js';

function expectMalformed(run: () => unknown): void {
  expect(run).toThrow(MalformedDataError);
}

const laps = dpapiNgLapsVector();
const ds = dsVector(0);
const dsBlob = splitLapsEncryptedValue(hex(ds.msLAPS_EncryptedPassword_hex)).blob;
const dsKey = dsInternalsRootKey(ds.kds_root_key);
const ecdh = dpapiNgKdfVector('kdf_sha256_ecdh_p256.json');
const ecdhBlob = hex(ecdh.Data);
const ecdhKey = kdfVectorRootKey(ecdh);

describe('truncation at every byte boundary', () => {
  it('of the LAPS blob (group key path)', () => {
    for (let n = 0; n < laps.blob.length; n++)
      expectMalformed(() => decryptWithGroupKey(laps.blob.subarray(0, n), laps.groupKeyEnvelope));
  });
  it('of the group key envelope', () => {
    for (let n = 0; n < laps.groupKeyEnvelope.length; n++) {
      expectMalformed(() => decryptWithGroupKey(laps.blob, laps.groupKeyEnvelope.subarray(0, n)));
    }
  });
  it('of the DSInternals blob (root key path)', () => {
    for (let n = 0; n < dsBlob.length; n++)
      expectMalformed(() => decryptWithRootKey(dsBlob.subarray(0, n), dsKey));
  });
  it('of the ECDH P-256 blob (content inside the envelope)', () => {
    for (let n = 0; n < ecdhBlob.length; n++)
      expectMalformed(() => decryptWithRootKey(ecdhBlob.subarray(0, n), ecdhKey));
  });
  it('of the attribute value before its header is stripped', () => {
    const value = hex(ds.msLAPS_EncryptedPassword_hex);
    for (let n = 0; n < value.length; n++)
      expectMalformed(() => splitLapsEncryptedValue(value.subarray(0, n)));
  });
});

describe('bad structure', () => {
  const mutate = (data: Uint8Array, at: number, value: number): Uint8Array => {
    const copy = new Uint8Array(data);
    copy[at] = value;
    return copy;
  };

  it('rejects a wrong outer tag and a wrong content type', () => {
    expectMalformed(() => parseDpapiNgBlob(mutate(laps.blob, 0, 0x31)));
    expectMalformed(() => parseDpapiNgBlob(mutate(laps.blob, 14, 0x02))); // ...7.3 -> 7.2
  });

  it('rejects oversized, indefinite and overlong length fields', () => {
    expectMalformed(() => parseDpapiNgBlob(mutate(laps.blob, 1, 0x84))); // 4-byte length from content bytes
    expectMalformed(() => parseDpapiNgBlob(mutate(laps.blob, 1, 0x80))); // indefinite
    expectMalformed(() => parseDpapiNgBlob(mutate(laps.blob, 1, 0x89))); // 9-byte length
    expectMalformed(() => parseDpapiNgBlob(Uint8Array.of(0x30, 0x84, 0xff, 0xff, 0xff, 0xff, 0)));
    expectMalformed(() => parseDpapiNgBlob(Uint8Array.of(0x30, 0x81, 0x01, 0x00))); // not minimal
    expectMalformed(() => parseDpapiNgBlob(new Uint8Array(0)));
  });

  it('rejects a high-tag-number form and malformed OIDs', () => {
    expectMalformed(() => new DerReader(Uint8Array.of(0x1f, 0x81, 0x01, 0)).read(0x1f, 'x'));
    expectMalformed(() => decodeOid(Uint8Array.of(0x2a, 0x86), 'oid'));
    expectMalformed(() => decodeOid(Uint8Array.of(0x80, 0x01), 'oid'));
    expectMalformed(() => decodeOid(new Uint8Array(0), 'oid'));
    expect(
      decodeOid(Uint8Array.of(0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x03), 'oid'),
    ).toBe('1.2.840.113549.1.7.3');
  });

  it('compares OIDs as their DER bytes, and still reports invalid ones as such', () => {
    for (const oid of ['1.2.840.113549.1.7.3', '1.3.6.1.4.1.311.74.1.1', '2.16.840.1.101.3.4.1.46'])
      expect(decodeOid(encodeOid(oid), 'oid')).toBe(oid);
    const data = encodeOid('1.2.840.113549.1.7.1');
    expect(() => expectOid(data, data, 'oid', 'wrong')).not.toThrow();
    expect(() => expectOid(encodeOid('1.2.840.113549.1.7.3'), data, 'oid', 'wrong')).toThrow(
      /wrong/,
    );
    expect(() => expectOid(Uint8Array.of(0x80, 0x01), data, 'oid', 'wrong')).toThrow(
      /not a valid OID/,
    );
  });

  it('rejects wrong magic, version and out-of-range sizes in the key identifier and envelope', () => {
    const keyId = parseDpapiNgBlob(laps.blob).keyIdentifier;
    expectMalformed(() => parseKeyIdentifier(mutate(keyId, 4, 0x41))); // magic
    expectMalformed(() => parseKeyIdentifier(mutate(keyId, 0, 2))); // version
    expectMalformed(() => parseKeyIdentifier(mutate(keyId, 43, 0x7f))); // cbKeyInfo huge
    expectMalformed(() => parseKeyIdentifier(mutate(keyId, 20, 32))); // L2 = 32
    expectMalformed(() => parseGroupKeyEnvelope(mutate(laps.groupKeyEnvelope, 5, 0)));
  });

  it('rejects a flipped GCM tag, ciphertext byte and wrapped key', () => {
    const flip = (at: number): Uint8Array => mutate(laps.blob, at, (laps.blob[at] ?? 0) ^ 1);
    expectMalformed(() => decryptWithGroupKey(flip(laps.blob.length - 1), laps.groupKeyEnvelope));
    expectMalformed(() => decryptWithGroupKey(flip(laps.blob.length - 30), laps.groupKeyEnvelope));
    const parsed = parseDpapiNgBlob(laps.blob);
    const keyAt = parsed.encryptedKey.byteOffset - laps.blob.byteOffset;
    expectMalformed(() => decryptWithGroupKey(flip(keyAt + 3), laps.groupKeyEnvelope));
  });

  it("rejects a root key that is not the blob's", () => {
    expectMalformed(() =>
      decryptWithRootKey(dsBlob, { ...dsKey, id: '00000000-0000-0000-0000-000000000000' }),
    );
    expectMalformed(() =>
      decryptWithRootKey(dsBlob, { ...dsKey, rootKeyData: new Uint8Array(64) }),
    );
  });
});
