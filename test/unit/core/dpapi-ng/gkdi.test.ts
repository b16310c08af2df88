import { describe, expect, it } from 'vitest';
import { parseDpapiNgBlob } from '../../../../main/core/dpapi-ng/blob.js';
import {
  guidToBytes,
  guidToString,
  parseDhParameters,
  parseGroupKeyEnvelope,
  parseKdfParameters,
  parseKeyIdentifier,
  sidToBytes,
} from '../../../../main/core/dpapi-ng/gkdi.js';
import { sp800108CounterHmac, utf16z } from '../../../../main/core/dpapi-ng/kdf.js';
import { MalformedDataError } from '../../../../main/core/errors/laps-error.js';
import { dpapiNgKdfVector, dpapiNgLapsVector } from '../../../vectors.js';
import { hex, toHex } from './fixtures.js';

describe('MS-GKDI structures', () => {
  it('parses the LAPS key identifier: DH public key, L=(361,16,3), domain and forest', () => {
    const blob = parseDpapiNgBlob(dpapiNgLapsVector().blob);
    const id = parseKeyIdentifier(blob.keyIdentifier);
    expect(id).toMatchObject({
      isPublicKey: true,
      l0: 361,
      l1: 16,
      l2: 3,
      rootKeyId: 'd778c271-9025-9a82-f6dc-b8960b8ad8c5',
    });
    expect(id.domain).toBe('domain.test');
    expect(id.forest).toBe('domain.test');
    expect(id.keyInfo.kind === 'dh' && id.keyInfo.keyLength).toBe(256);
    expect(blob.protectionSid).toMatch(/^S-1-5-21-\d+-\d+-\d+-512$/);
  });

  it('parses the group key envelope', () => {
    const envelope = parseGroupKeyEnvelope(dpapiNgLapsVector().groupKeyEnvelope);
    expect(envelope).toMatchObject({
      kdfAlgorithm: 'SP800_108_CTR_HMAC',
      kdfHash: 'SHA512',
      secretAgreementAlgorithm: 'DH',
      privateKeyLength: 512,
      publicKeyLength: 2048,
      domain: 'domain.test',
    });
    expect(parseDhParameters(envelope.secretAgreementParameters).keyLength).toBe(256);
  });

  it('reads the KDF hash from msKds-KDFParam', () => {
    expect(
      parseKdfParameters(hex(dpapiNgKdfVector('kdf_sha256_ecdh_p256.json').KdfParameters)),
    ).toBe('SHA256');
    expect(
      parseKdfParameters(hex(dpapiNgKdfVector('kdf_sha384_ecdh_p384.json').KdfParameters)),
    ).toBe('SHA384');
    const md5 = Buffer.concat([hex('000000000100000008000000' + '00000000'), utf16z('MD5')]);
    expect(() => parseKdfParameters(md5)).toThrow(MalformedDataError);
  });

  it('takes an absent msKds-KDFParam as SHA256, as Samba does for Windows', () => {
    // Samba lib/crypto/gkdi.c kdf_sp_800_108_from_params and python/samba/gkdi.py: SHA256.
    expect(parseKdfParameters(new Uint8Array(0))).toBe('SHA256');
    const sha256 = Buffer.concat([hex('00000000010000000e00000000000000'), utf16z('SHA256')]);
    expect(parseKdfParameters(sha256)).toBe('SHA256');
  });

  it('round-trips GUIDs in Windows byte order and encodes SIDs', () => {
    const guid = '8b0100a4-2606-a328-6070-c5cad7cf5c0b';
    expect(toHex(guidToBytes(guid))).toBe('a400018b0626 28a36070c5cad7cf5c0b'.replace(' ', ''));
    expect(guidToString(guidToBytes(guid))).toBe(guid);
    expect(toHex(sidToBytes('S-1-5-18'))).toBe('010100000000000512000000');
    expect(() => sidToBytes('S-1-x')).toThrow(MalformedDataError);
    expect(() => guidToBytes('not-a-guid')).toThrow(MalformedDataError);
  });
});

describe('SP800-108 counter-mode HMAC', () => {
  it('produces multi-block output whose prefix is not the shorter output (length is in the input)', () => {
    const key = new Uint8Array(32).fill(7);
    const long = sp800108CounterHmac('SHA256', key, utf16z('KDS service'), Uint8Array.of(1, 2), 64);
    const short = sp800108CounterHmac(
      'SHA256',
      key,
      utf16z('KDS service'),
      Uint8Array.of(1, 2),
      32,
    );
    expect(long.length).toBe(64);
    expect(toHex(long.subarray(0, 32))).not.toBe(toHex(short));
  });
});
