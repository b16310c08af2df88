import { describe, expect, it } from 'vitest';
import { parseDpapiNgBlob } from '../../../main/core/dpapi-ng/blob.js';
import {
  decryptWithGroupKey,
  decryptWithRootKey,
  type KdsRootKey,
} from '../../../main/core/dpapi-ng/decrypt.js';
import { parseKeyIdentifier, targetSecurityDescriptor } from '../../../main/core/dpapi-ng/gkdi.js';
import { parseLapsPlaintext, splitLapsEncryptedValue } from '../../../main/core/dpapi-ng/laps.js';
import { NotAuthorizedToDecryptError } from '../../../main/core/errors/laps-error.js';
import { dateToFileTime } from '../../../main/core/laps/filetime.js';
import { groupKeyIndex, protectLapsSecret } from '../../../scripts/lab/dpapi-ng-protect.js';
import { groupKeyEnvelope } from '../../fixtures/gkdi-server/group-key.js';
import { dpapiNgKdfVector } from '../../vectors.js';
import { dsInternalsRootKey, dsVector, kdfVectorRootKey } from '../core/dpapi-ng/fixtures.js';

const SID = 'S-1-5-21-1111111111-2222222222-3333333333-1105';
const ROOT_KEYS: readonly [string, KdsRootKey][] = [
  ['DH 2048 (DSInternals root key)', dsInternalsRootKey(dsVector(0).kds_root_key)],
  ['ECDH P-256', kdfVectorRootKey(dpapiNgKdfVector('kdf_sha256_ecdh_p256.json'))],
  ['ECDH P-384', kdfVectorRootKey(dpapiNgKdfVector('kdf_sha384_ecdh_p384.json'))],
];

function envelope(rootKey: KdsRootKey, fileTime: bigint, withPrivateKey: boolean): Uint8Array {
  return groupKeyEnvelope({
    rootKey,
    targetSd: targetSecurityDescriptor(SID),
    ...groupKeyIndex(fileTime),
    domain: 'lab.test',
    forest: 'lab.test',
    withPrivateKey,
  });
}

describe('DPAPI-NG protect (the lab seed, as a Windows device)', () => {
  it('computes the key interval from a FILETIME (10 h periods)', () => {
    expect(groupKeyIndex(0n)).toEqual({ l0: 0, l1: 0, l2: 0 });
    const index = 362n * 1024n + 11n * 32n + 18n;
    expect(groupKeyIndex(index * 360_000_000_000n + 5n)).toEqual({ l0: 362, l1: 11, l2: 18 });
  });

  it.each(ROOT_KEYS)(
    '%s: core decrypts what it protects, header and descriptor intact',
    (_, rootKey) => {
      const updated = dateToFileTime(new Date('2026-10-02T08:15:30.123Z'));
      const secret = { account: 'Administrádor', password: 'p"a\\s{s}😀€', updated };
      const value = protectLapsSecret(envelope(rootKey, updated, false), SID, secret);

      const { header, blob } = splitLapsEncryptedValue(value);
      expect(header.updated).toEqual({ kind: 'time', date: new Date('2026-10-02T08:15:30.123Z') });
      expect(header.blobSize).toBe(blob.length);
      expect(value.readUInt32LE(12)).toBe(0);
      const parsed = parseDpapiNgBlob(blob);
      expect(parsed.protectionSid).toBe(SID);
      const keyIdentifier = parseKeyIdentifier(parsed.keyIdentifier);
      expect(keyIdentifier).toMatchObject({
        isPublicKey: true,
        rootKeyId: rootKey.id,
        domain: 'lab.test',
      });
      expect(keyIdentifier).toMatchObject(groupKeyIndex(updated));

      // A member's envelope for the same interval, and one for a later interval of the same L0.
      const later = updated + 40n * 360_000_000_000n;
      expect(groupKeyIndex(later).l0).toBe(groupKeyIndex(updated).l0);
      for (const key of [envelope(rootKey, updated, true), envelope(rootKey, later, true)]) {
        const payload = parseLapsPlaintext(decryptWithGroupKey(blob, key));
        expect(payload).toEqual({
          account: secret.account,
          password: secret.password,
          updated: { kind: 'time', date: new Date('2026-10-02T08:15:30.123Z') },
        });
      }
      expect(parseLapsPlaintext(decryptWithRootKey(blob, rootKey)).password).toBe(secret.password);
      // Plaintext: UTF-16LE JSON and one NUL.
      const text = Buffer.from(decryptWithRootKey(blob, rootKey)).toString('utf16le');
      expect(text.endsWith('}\0')).toBe(true);
      expect(JSON.parse(text.slice(0, -1))).toEqual({
        n: secret.account,
        t: updated.toString(16),
        p: secret.password,
      });
      expect(() => decryptWithGroupKey(blob, envelope(rootKey, updated, false))).toThrow(
        NotAuthorizedToDecryptError,
      );
    },
  );

  it('writes a Windows-made blob byte for byte, apart from its random parts', () => {
    // DSInternals' vector: a Windows device's blob for contoso.com under this root key.
    const vector = dsVector(0);
    const windows = splitLapsEncryptedValue(
      Buffer.from(vector.msLAPS_EncryptedPassword_hex, 'hex'),
    );
    const windowsBlob = parseDpapiNgBlob(windows.blob);
    const windowsKey = parseKeyIdentifier(windowsBlob.keyIdentifier);
    const rootKey = dsInternalsRootKey(vector.kds_root_key);
    const publicEnvelope = groupKeyEnvelope({
      rootKey,
      targetSd: targetSecurityDescriptor(windowsBlob.protectionSid),
      l0: windowsKey.l0,
      l1: windowsKey.l1,
      l2: windowsKey.l2,
      domain: windowsKey.domain,
      forest: windowsKey.forest,
      withPrivateKey: false,
    });
    const ours = splitLapsEncryptedValue(
      protectLapsSecret(publicEnvelope, windowsBlob.protectionSid, {
        account: 'Administrator',
        password: 'x',
        updated: 134000000000000000n,
      }),
    );
    // Blank what is random (ephemeral public key y, wrapped key, nonce) and drop the content.
    const skeleton = (data: Uint8Array): Buffer => {
      const blob = parseDpapiNgBlob(data);
      const out = Buffer.from(data.subarray(0, data.length - blob.encryptedContent.length));
      const info = parseKeyIdentifier(blob.keyIdentifier).keyInfo;
      const blank = (part: Uint8Array): void => {
        out.fill(
          0,
          part.byteOffset - data.byteOffset,
          part.byteOffset - data.byteOffset + part.length,
        );
      };
      if (info.kind !== 'dh') throw new Error('not a DH key');
      [info.y, blob.encryptedKey, blob.nonce].forEach(blank);
      return out;
    };
    expect(skeleton(windows.blob).length).toBe(1105); // the whole DER ContentInfo
    expect(skeleton(ours.blob).toString('hex')).toBe(skeleton(windows.blob).toString('hex'));
  });

  it('uses a fresh ephemeral key, CEK and nonce per blob', () => {
    const rootKey = ROOT_KEYS[0]?.[1];
    if (!rootKey) throw new Error('no root key');
    const updated = dateToFileTime(new Date('2026-11-01T00:00:00Z'));
    const pub = envelope(rootKey, updated, false);
    const secret = { account: 'Administrator', password: 'same', updated };
    const [a, b] = [protectLapsSecret(pub, SID, secret), protectLapsSecret(pub, SID, secret)].map(
      (v) => parseDpapiNgBlob(splitLapsEncryptedValue(v).blob),
    );
    expect(Buffer.from(a?.keyIdentifier ?? []).equals(Buffer.from(b?.keyIdentifier ?? []))).toBe(
      false,
    );
    expect(Buffer.from(a?.nonce ?? []).equals(Buffer.from(b?.nonce ?? []))).toBe(false);
  });

  it('refuses a private envelope (a device never holds one)', () => {
    const rootKey = ROOT_KEYS[0]?.[1];
    if (!rootKey) throw new Error('no root key');
    const updated = dateToFileTime(new Date('2026-11-01T00:00:00Z'));
    expect(() =>
      protectLapsSecret(envelope(rootKey, updated, true), SID, {
        account: 'a',
        password: 'b',
        updated,
      }),
    ).toThrow(/public-only/);
  });
});
