// Mutation fuzzing of the DPAPI-NG parsers and decryptors: whatever the bytes, the only failure
// is MalformedDataError (a GCM tag failure included), never a crash, a hang or a huge allocation.
import { describe, expect, it } from 'vitest';
import { decryptWithGroupKey, decryptWithRootKey } from '../../../../main/core/dpapi-ng/decrypt.js';
import { splitLapsEncryptedValue } from '../../../../main/core/dpapi-ng/laps.js';
import {
  MalformedDataError,
  NotAuthorizedToDecryptError,
} from '../../../../main/core/errors/laps-error.js';
import { dpapiNgKdfVector, dpapiNgLapsVector } from '../../../vectors.js';
import { dsInternalsRootKey, hex, kdfVectorRootKey, dsVector } from './fixtures.js';

/** mulberry32: a tiny seeded PRNG so a failure reproduces from its seed and iteration. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Offsets of every DER length octet in a well-formed encoding (walked once, from the original). */
function derLengthOffsets(
  data: Uint8Array,
  start = 0,
  end = data.length,
  out: number[] = [],
): number[] {
  let pos = start;
  while (pos + 2 <= end) {
    const tag = data[pos] ?? 0;
    out.push(pos + 1);
    let length = data[pos + 1] ?? 0;
    let header = 2;
    if (length >= 0x80) {
      const count = length & 0x7f;
      length = 0;
      for (let i = 0; i < count; i++) length = length * 256 + (data[pos + 2 + i] ?? 0);
      for (let i = 0; i < count; i++) out.push(pos + 2 + i);
      header += count;
    }
    if ((tag & 0x20) !== 0)
      derLengthOffsets(data, pos + header, Math.min(end, pos + header + length), out);
    pos += header + length;
  }
  return out;
}

function mutate(
  data: Uint8Array,
  lengthOffsets: readonly number[],
  random: () => number,
): Uint8Array {
  const pick = (n: number): number => Math.floor(random() * n);
  const copy = (): Uint8Array => new Uint8Array(data);
  const mutations = 1 + pick(3);
  let out = data;
  for (let m = 0; m < mutations; m++) {
    const at = pick(Math.max(out.length, 1));
    switch (pick(6)) {
      case 0: {
        out = out === data ? copy() : out;
        out[at] = (out[at] ?? 0) ^ (1 << pick(8));
        break;
      }
      case 1: {
        out = out === data ? copy() : out;
        out[at] = pick(256);
        break;
      }
      case 2: {
        const inserted = new Uint8Array(out.length + 1);
        inserted.set(out.subarray(0, at));
        inserted[at] = pick(256);
        inserted.set(out.subarray(at), at + 1);
        out = inserted;
        break;
      }
      case 3: {
        const deleted = new Uint8Array(Math.max(out.length - 1, 0));
        deleted.set(out.subarray(0, at));
        deleted.set(out.subarray(at + 1), at);
        out = deleted;
        break;
      }
      case 4: {
        out = out.slice(0, at);
        break;
      }
      default: {
        // A length field bumped: DER length octets, or a little-endian u32 size in the GKDI structures.
        out = out === data ? copy() : out;
        const target =
          random() < 0.7 && lengthOffsets.length > 0
            ? (lengthOffsets[pick(lengthOffsets.length)] ?? at)
            : at;
        if (target < out.length) {
          const bumps = [1, -1, 2, 0x7f, 0x80, 0xff];
          out[target] = ((out[target] ?? 0) + (bumps[pick(bumps.length)] ?? 1)) & 0xff;
        }
      }
    }
  }
  return out;
}

interface Target {
  readonly name: string;
  readonly data: Uint8Array;
  readonly run: (mutated: Uint8Array) => unknown;
  readonly allowNotAuthorized?: boolean;
}

const laps = dpapiNgLapsVector();
const ds = dsVector(1);
const dsValue = hex(ds.msLAPS_EncryptedPassword_hex);
const dsKey = dsInternalsRootKey(ds.kds_root_key);
const kdfTarget = (name: Parameters<typeof dpapiNgKdfVector>[0]): Target => {
  const v = dpapiNgKdfVector(name);
  const key = kdfVectorRootKey(v);
  return { name, data: hex(v.Data), run: (m) => decryptWithRootKey(m, key) };
};

const TARGETS: readonly Target[] = [
  {
    name: 'LAPS blob (group key path)',
    data: laps.blob,
    run: (m) => decryptWithGroupKey(m, laps.groupKeyEnvelope),
  },
  {
    name: 'group key envelope',
    data: laps.groupKeyEnvelope,
    run: (m) => decryptWithGroupKey(laps.blob, m),
    allowNotAuthorized: true,
  },
  {
    name: 'DSInternals attribute value (header + root key path)',
    data: dsValue,
    run: (m) => decryptWithRootKey(splitLapsEncryptedValue(m).blob, dsKey),
  },
  kdfTarget('kdf_sha512_nonce.json'),
  kdfTarget('kdf_sha256_ecdh_p256.json'),
  kdfTarget('kdf_sha384_ecdh_p384.json'),
];

// A DH root key without msKds-SecretAgreementParam takes the blob's group and the BigInt path
// (no OpenSSL group check): fewer mutations, as each surviving one costs a 2048-bit exponentiation.
const NO_PARAMETERS_MUTATIONS = 2_000;
const dsKeyWithoutParameters = { ...dsKey, secretAgreementParameters: new Uint8Array(0) };

const TOTAL_MUTATIONS = 100_002;
const PER_TARGET = Math.ceil(TOTAL_MUTATIONS / TARGETS.length);

describe('fuzzing the vectors', () => {
  for (const [index, target] of TARGETS.entries()) {
    it(
      `${target.name}: ${PER_TARGET} seeded mutations only ever throw MalformedDataError`,
      { timeout: 60_000 },
      () => {
        const seed = 0x1a95 + index;
        const random = prng(seed);
        const offsets = derLengthOffsets(target.data);
        let threw = 0;
        for (let i = 0; i < PER_TARGET; i++) {
          const mutated = mutate(target.data, offsets, random);
          try {
            target.run(mutated);
          } catch (error) {
            threw++;
            const allowed =
              error instanceof MalformedDataError ||
              (target.allowNotAuthorized === true && error instanceof NotAuthorizedToDecryptError);
            if (!allowed) {
              throw new Error(`seed ${seed} iteration ${i}: ${String(error)}`, { cause: error });
            }
          }
        }
        // Nearly every mutation breaks something; a few (say, a domain name byte) change nothing.
        expect(threw).toBeGreaterThan(PER_TARGET * 0.5);
      },
    );
  }

  it(
    `DSInternals blob with a parameterless root key: ${NO_PARAMETERS_MUTATIONS} mutations`,
    { timeout: 60_000 },
    () => {
      const seed = 0x2b07;
      const random = prng(seed);
      const data = splitLapsEncryptedValue(dsValue).blob;
      const offsets = derLengthOffsets(data);
      for (let i = 0; i < NO_PARAMETERS_MUTATIONS; i++) {
        try {
          decryptWithRootKey(mutate(data, offsets, random), dsKeyWithoutParameters);
        } catch (error) {
          if (!(error instanceof MalformedDataError)) {
            throw new Error(`seed ${seed} iteration ${i}: ${String(error)}`, { cause: error });
          }
        }
      }
    },
  );
});
