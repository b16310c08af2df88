// Shared conversions from the vector files to the module's inputs.
import type { KdsRootKey } from '../../../../main/core/dpapi-ng/decrypt.js';
import {
  dpapiNgKdfVector,
  dsInternalsLapsVectorsFull,
  type DpapiNgKdfVector,
  type DsInternalsKdsRootKey,
  type DsInternalsLapsVectorFull,
} from '../../../vectors.js';

export const hex = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'hex'));
export const toHex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

// DSInternals' KdsRootKey(Guid, byte[]) defaults: SP800-108 with SHA512, DH 512/2048 bits.
const SHA512_KDF_PARAMETERS = hex('00000000010000000e000000000000005300480041003500310032000000');

// Windows' default msKds-SecretAgreementParam: the RFC 5114 2.3 2048-bit group, the one the DSInternals
// blobs carry and kdf_sha512_dh.json's root key holds.
const DEFAULT_DH_PARAMETERS = hex(dpapiNgKdfVector('kdf_sha512_dh.json').SecretAgreementParameters);

export function dsInternalsRootKey(key: DsInternalsKdsRootKey): KdsRootKey {
  return {
    id: key.id,
    version: 1,
    rootKeyData: hex(key['msKds-RootKeyData_hex']),
    kdfAlgorithm: 'SP800_108_CTR_HMAC',
    kdfParameters: SHA512_KDF_PARAMETERS,
    secretAgreementAlgorithm: key.secret_agreement,
    secretAgreementParameters: DEFAULT_DH_PARAMETERS,
    privateKeyLength: key.private_key_length_bits,
    publicKeyLength: key.public_key_length_bits,
  };
}

export function kdfVectorRootKey(v: DpapiNgKdfVector): KdsRootKey {
  return {
    id: v.RootKeyId,
    version: Number(v.Version),
    rootKeyData: hex(v.RootKeyData),
    kdfAlgorithm: v.KdfAlgorithm,
    kdfParameters: hex(v.KdfParameters),
    secretAgreementAlgorithm: v.SecretAgreementAlgorithm,
    secretAgreementParameters: hex(v.SecretAgreementParameters),
    privateKeyLength: Number(v.PrivateKeyLength),
    publicKeyLength: Number(v.PublicKeyLength),
  };
}

export function dsVector(index: number): DsInternalsLapsVectorFull {
  const vector = dsInternalsLapsVectorsFull()[index];
  if (vector === undefined) throw new Error(`no DSInternals vector ${index}`);
  return vector;
}
