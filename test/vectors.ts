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
