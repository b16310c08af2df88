// The one way tests read Windows-made test data: ../shared/vectors beside the repository.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const VECTORS = fileURLToPath(new URL('../../shared/vectors/', import.meta.url));

export function readVectorJson<T>(relativePath: string): T {
  return JSON.parse(readFileSync(VECTORS + relativePath, 'utf8')) as T;
}

export interface DsInternalsLapsVector {
  readonly source_test: string;
  readonly msLAPS_EncryptedPassword_hex: string;
  readonly expected_password: string;
  readonly computed_by_independent_check: { readonly plaintext_text: string };
}

export function dsInternalsLapsVectors(): readonly DsInternalsLapsVector[] {
  return readVectorJson<DsInternalsLapsVector[]>('dsinternals/laps_vectors.json');
}

export function readVectorBytes(relativePath: string): Uint8Array {
  return new Uint8Array(readFileSync(VECTORS + relativePath));
}

export interface DsInternalsKdsRootKey {
  readonly id: string;
  readonly 'msKds-RootKeyData_hex': string;
  readonly kdf: string;
  readonly secret_agreement: string;
  readonly private_key_length_bits: number;
  readonly public_key_length_bits: number;
}

export interface DsInternalsIntermediates {
  readonly target_sd_hex: string;
  readonly l0: number;
  readonly l1: number;
  readonly l2: number;
  readonly l2_seed_key_hex: string;
  readonly kek_hex: string;
  readonly cek_hex: string;
  readonly plaintext_utf16le_hex: string;
  readonly plaintext_text: string;
}

/** The DSInternals vectors with their root keys and intermediates. */
export interface DsInternalsLapsVectorFull extends DsInternalsLapsVector {
  readonly kds_root_key: DsInternalsKdsRootKey;
  readonly computed_by_independent_check: DsInternalsIntermediates;
}

export function dsInternalsLapsVectorsFull(): readonly DsInternalsLapsVectorFull[] {
  return readVectorJson<DsInternalsLapsVectorFull[]>('dsinternals/laps_vectors.json');
}

export interface DpapiNgLapsVector {
  readonly blob: Uint8Array;
  readonly groupKeyEnvelope: Uint8Array;
  readonly expected: {
    readonly target_sd_hex: string;
    readonly l2_seed_key_hex: string;
    readonly kek_hex: string;
    readonly cek_hex: string;
    readonly plaintext_text: string;
    readonly plaintext_utf16le_hex: string;
  };
}

/** jborean93/dpapi-ng's LAPS blob (no header), its GetKey envelope and expected intermediates. */
export function dpapiNgLapsVector(): DpapiNgLapsVector {
  return {
    blob: readVectorBytes('dpapi-ng/dpapi_ng_blob'),
    groupKeyEnvelope: readVectorBytes('dpapi-ng/group_key_envelope'),
    expected: readVectorJson('dpapi-ng/expected_gke_laps.json'),
  };
}

export interface DpapiNgKdfVector {
  readonly Version: string;
  readonly RootKeyId: string;
  readonly KdfAlgorithm: string;
  readonly KdfParameters: string;
  readonly SecretAgreementAlgorithm: string;
  readonly SecretAgreementParameters: string;
  readonly PrivateKeyLength: string;
  readonly PublicKeyLength: string;
  readonly RootKeyData: string;
  readonly Data: string;
}

export const DPAPI_NG_KDF_VECTORS = [
  'kdf_sha512_dh.json',
  'kdf_sha512_nonce.json',
  'kdf_sha256_ecdh_p256.json',
  'kdf_sha384_ecdh_p384.json',
] as const;

export function dpapiNgKdfVector(name: (typeof DPAPI_NG_KDF_VECTORS)[number]): DpapiNgKdfVector {
  return readVectorJson<DpapiNgKdfVector>(`dpapi-ng/${name}`);
}
