import { describe, expect, it } from 'vitest';
import { rootKeyFromJson, rootKeyToJson } from '../../../../main/core/dpapi-ng/root-key-json.js';
import { splitLapsValueOrBlob } from '../../../../main/core/dpapi-ng/laps.js';
import { MalformedDataError } from '../../../../main/core/errors/laps-error.js';
import { dsInternalsRootKey, dsVector, hex } from './fixtures.js';

const key = dsInternalsRootKey(dsVector(0).kds_root_key);

describe('root key JSON (msKds-ProvRootKey attribute names)', () => {
  it('round-trips, and takes the numbers as LDAP text too', () => {
    const json = rootKeyToJson(key);
    expect(rootKeyFromJson(JSON.parse(JSON.stringify(json)), 'k.json')).toEqual({
      ...key,
      id: key.id.toLowerCase(),
      rootKeyData: Buffer.from(key.rootKeyData),
      kdfParameters: Buffer.from(key.kdfParameters),
      secretAgreementParameters: Buffer.from(key.secretAgreementParameters),
    });
    const asText = { ...json, 'msKds-PrivateKeyLength': '256', 'msKds-Version': '1' };
    expect(rootKeyFromJson(asText, 'k.json').privateKeyLength).toBe(256);
  });

  it.each([
    ['not an object', []],
    ['a bad GUID', { ...rootKeyToJson(key), cn: 'nope' }],
    ['odd hex', { ...rootKeyToJson(key), 'msKds-RootKeyData': 'abc' }],
    ['empty root key data', { ...rootKeyToJson(key), 'msKds-RootKeyData': '' }],
    ['a huge key length', { ...rootKeyToJson(key), 'msKds-PrivateKeyLength': 1e9 }],
    ['a missing field', { cn: key.id }],
  ])('refuses %s as malformed, naming the file', (_, value) => {
    expect(() => rootKeyFromJson(value, 'k.json')).toThrow(MalformedDataError);
    expect(() => rootKeyFromJson(value, 'k.json')).toThrow(/^k\.json is not a KDS root key: .*\.$/);
  });
});

describe('splitLapsValueOrBlob', () => {
  it('takes the attribute value with its header, or the bare blob', () => {
    const value = hex(dsVector(0).msLAPS_EncryptedPassword_hex);
    const headed = splitLapsValueOrBlob(value);
    expect(headed.header?.blobSize).toBe(value.length - 16);
    const bare = splitLapsValueOrBlob(value.subarray(16));
    expect(bare.header).toBeNull();
    expect(Buffer.from(bare.blob).equals(Buffer.from(headed.blob))).toBe(true);
    expect(() => splitLapsValueOrBlob(Buffer.from('xyz'))).toThrow(MalformedDataError);
  });
});
