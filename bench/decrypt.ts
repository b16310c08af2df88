// Decrypt throughput on one core with a warm group-key cache, beside the bare secret agreement
// the decryption cannot avoid (the DH modular exponentiation or the EC multiplication) for the
// same group, the same private key and the same peer key, measured in the same run.
//
// The core side is the path `lapsctl get` and the console take, decryptLapsBlob with a
// CachedGroupKeySource that has already fetched the group key: the private envelope for the
// blob's (L0, L1, L2), derived from the vectors' KDS root keys as a DC derives it (the lab GKDI
// server's own function). Everything is synchronous on the main thread (a cache hit is answered
// synchronously too) but for the promise decryptLapsBlob returns, which each decrypt awaits:
// one core.
import { createDiffieHellman, createECDH } from 'node:crypto';
import type { KdsRootKey } from '../main/core/dpapi-ng/decrypt.js';
import { parseDpapiNgBlob } from '../main/core/dpapi-ng/blob.js';
import {
  l2FromEnvelope,
  parseGroupKeyEnvelope,
  parseKeyIdentifier,
  targetSecurityDescriptor,
} from '../main/core/dpapi-ng/gkdi.js';
import { kdsKdf, utf16z } from '../main/core/dpapi-ng/kdf.js';
import {
  decryptBlobWithKeys,
  decryptLapsBlob,
  splitLapsEncryptedValue,
} from '../main/core/dpapi-ng/laps.js';
import { CachedGroupKeySource } from '../main/core/dpapi-ng/key-source.js';
import { groupKeyEnvelope } from '../test/fixtures/gkdi-server/group-key.js';
import {
  dsInternalsRootKey,
  dsVector,
  hex,
  kdfVectorRootKey,
} from '../test/unit/core/dpapi-ng/fixtures.js';
import { dpapiNgKdfVector } from '../test/vectors.js';
import { figure, pairedRatio, summarize, type Figure } from './stats.js';
import { interleave, subject } from './timing.js';

/** The goal from the issue: decryption at most 30% slower than the bare secret agreement. */
const DECRYPT_GOAL = 1.3;
const PREWARM = 300;
const WARMUPS = 20;
const ROUNDS = 200;
/** Each sample times as many operations back to back as fill about this long (at least one), so
 * the clock's granularity and the async wrapper's cost vanish beside the work. */
const SAMPLE_MS = 2;

interface Case {
  readonly label: string;
  readonly kind: 'dh' | 'ecdh';
  /** Whether the 1.3x goal is asserted on this case (else the line is for information). */
  readonly goal: boolean;
  /** One decryption as the core does it, its group key source warm. */
  readonly decrypt: () => Promise<unknown>;
  /** Whether the core returned the right thing, checked after the clock stops. */
  readonly check: (output: unknown) => boolean;
  /** The bare secret agreement, its key objects made beforehand. */
  readonly bare: () => Buffer;
}

export function benchDecrypt(): Promise<Figure[]> {
  return run([
    lapsCase('DSInternals vector 1', 0),
    lapsCase('DSInternals vector 2', 1),
    lapsCase('DSInternals vector 1', 0, 'walk'),
    kdfCase('P-256', 'kdf_sha256_ecdh_p256.json'),
    kdfCase('P-384', 'kdf_sha384_ecdh_p384.json'),
  ]);
}

async function run(cases: readonly Case[]): Promise<Figure[]> {
  // Every case's code paths hot and optimized (DH and EC shapes alike) before any is timed: the
  // first case timed would otherwise pay for the JIT's tiering up, and the rest would not.
  for (let i = 0; i < PREWARM; i++) {
    for (const c of cases) {
      await c.decrypt();
      c.bare();
    }
  }
  const figures: Figure[] = [];
  for (const c of cases) {
    const batch = batchSize(c.bare);
    const [coreSamples, bareSamples] = await interleave(
      [
        subject(
          'decrypt',
          async () => {
            let ok = true;
            for (let i = 0; i < batch; i++) ok = c.check(await c.decrypt()) && ok;
            return ok;
          },
          (ok) => (ok ? undefined : 'wrong plaintext'),
        ),
        subject(
          'bare',
          () => {
            for (let i = 0; i < batch; i++) c.bare();
            return Promise.resolve();
          },
          () => undefined,
        ),
      ],
      WARMUPS,
      ROUNDS,
    );
    if (!coreSamples || !bareSamples) throw new Error('missing samples');
    const core = summarize(coreSamples.map((total) => total / batch));
    const bare = summarize(bareSamples.map((total) => total / batch));
    const perSecond = Math.round(1000 / core.median);
    const reference = c.kind === 'dh' ? 'DH modexp' : 'ECDH mul';
    // The goal is asserted on every case: warm means the cache holds the envelope, and the core
    // keeps per cached envelope its parsed form, each L2 key it derived (so the walk down from
    // (L0, 31, 31) is paid once per key, not per blob) and the group's private key set up in
    // OpenSSL (for ECDH, setPrivateKey's public-key multiplication is paid once too). What a warm
    // decrypt still pays beside the agreement is fixed work, ~20 us on this class of machine:
    // the AES key unwrap (~7: OpenSSL 3.0's key wrap runs AES in portable code, ~0.2 us for each
    // of its 24 block decryptions, and doing them by hand with ECB costs a call into Node per
    // block, slower still), GCM (~2.5), the KEK's hash and KDF (~3), parsing the blob and its key
    // identifier (~3.5), the cache lookup (synchronous on a hit, <1) and the decrypt's promise.
    // Beside P-256's ~0.1 ms multiplication that is ~1.2x; the goal is asserted there all the same.
    figures.push(
      figure(
        `decrypt ${c.label}, warm key (${perSecond}/s)`,
        core,
        reference,
        bare,
        c.goal ? DECRYPT_GOAL : undefined,
        // Judged on paired rounds: the two runs of a round are adjacent, so load from other
        // processes that lasts a while cancels out (the medians are printed as they are).
        pairedRatio(coreSamples, bareSamples),
      ),
    );
  }
  return figures;
}

function batchSize(op: () => unknown): number {
  for (let i = 0; i < 10; i++) op();
  const started = performance.now();
  for (let i = 0; i < 10; i++) op();
  const one = (performance.now() - started) / 10;
  return Math.max(1, Math.round(SAMPLE_MS / one));
}

/**
 * The core's group-key cache in front of a key service that always answers with `envelope`;
 * warm once the prewarm has asked it (no further fetch is made).
 */
function warmSource(envelope: Uint8Array): CachedGroupKeySource {
  return new CachedGroupKeySource(() => Promise.resolve(envelope));
}

/**
 * The group key envelope a GetKey for the blob's own key identifier returns to a decryptor; or,
 * with 'walk', the last key of the blob's L0, (L0, 31, 31): the cache keeps the newest envelope
 * per L0 and derives older keys from it, here the longest such walk down the seed tree.
 */
function warmEnvelope(
  blob: Uint8Array,
  rootKey: KdsRootKey,
  from: 'exact' | 'walk' = 'exact',
): Uint8Array {
  const parsed = parseDpapiNgBlob(blob);
  const id = parseKeyIdentifier(parsed.keyIdentifier);
  return groupKeyEnvelope({
    rootKey,
    targetSd: targetSecurityDescriptor(parsed.protectionSid),
    l0: id.l0,
    l1: from === 'walk' ? 31 : id.l1,
    l2: from === 'walk' ? 31 : id.l2,
    domain: id.domain,
    forest: id.forest,
    withPrivateKey: true,
  });
}

/**
 * The group's private key as the decryption derives it (MS-GKDI 3.1.4.1.2), so that the bare
 * operation computes exactly the shared secret the decryption computes.
 */
function groupPrivateKey(blob: Uint8Array, envelope: Uint8Array): Buffer {
  const id = parseKeyIdentifier(parseDpapiNgBlob(blob).keyIdentifier);
  const parsed = parseGroupKeyEnvelope(envelope);
  const l2Key = l2FromEnvelope(parsed, id.l0, id.l1, id.l2);
  return Buffer.from(
    kdsKdf(
      parsed.kdfHash,
      l2Key,
      utf16z(parsed.secretAgreementAlgorithm),
      Math.ceil(parsed.privateKeyLength / 8),
    ),
  );
}

function bareAgreement(blob: Uint8Array, envelope: Uint8Array): () => Buffer {
  const info = parseKeyIdentifier(parseDpapiNgBlob(blob).keyIdentifier).keyInfo;
  const privateKey = groupPrivateKey(blob, envelope);
  if (info.kind === 'dh') {
    const dh = createDiffieHellman(Buffer.from(info.p), Buffer.from(info.g));
    dh.setPrivateKey(privateKey);
    const y = Buffer.from(info.y);
    return () => dh.computeSecret(y);
  }
  if (info.kind === 'ecdh') {
    const curves = { 'P-256': 'prime256v1', 'P-384': 'secp384r1', 'P-521': 'secp521r1' } as const;
    const ecdh = createECDH(curves[info.curve]);
    ecdh.setPrivateKey(privateKey);
    const point = Buffer.concat([Buffer.of(4), info.x, info.y]);
    return () => ecdh.computeSecret(point);
  }
  throw new Error('a nonce blob has no secret agreement to compare with');
}

function lapsCase(label: string, index: number, from: 'exact' | 'walk' = 'exact'): Case {
  const vector = dsVector(index);
  const { blob } = splitLapsEncryptedValue(hex(vector.msLAPS_EncryptedPassword_hex));
  const envelope = warmEnvelope(blob, dsInternalsRootKey(vector.kds_root_key), from);
  const keys = warmSource(envelope);
  return {
    label: from === 'walk' ? `${label} (DH), key walked from L0's last` : `${label} (DH-2048)`,
    kind: 'dh',
    goal: true,
    decrypt: () => decryptLapsBlob(blob, keys),
    check: (payload) =>
      typeof payload === 'object' &&
      payload !== null &&
      'password' in payload &&
      payload.password === vector.expected_password,
    bare: bareAgreement(blob, envelope),
  };
}

function kdfCase(
  curve: string,
  name: 'kdf_sha256_ecdh_p256.json' | 'kdf_sha384_ecdh_p384.json',
): Case {
  const vector = dpapiNgKdfVector(name);
  const blob = hex(vector.Data);
  const envelope = warmEnvelope(blob, kdfVectorRootKey(vector));
  const keys = warmSource(envelope);
  return {
    label: `dpapi-ng ${curve} blob`,
    kind: 'ecdh',
    goal: true,
    decrypt: () => decryptBlobWithKeys(blob, keys),
    check: (plaintext) =>
      plaintext instanceof Uint8Array && plaintext.length === 1 && plaintext[0] === 0,
    bare: bareAgreement(blob, envelope),
  };
}

// `tsx bench/decrypt.ts` runs this part alone (no lab needed).
if (import.meta.url === `file://${process.argv[1] ?? ''}`) {
  const figures = await benchDecrypt();
  for (const line of figures) console.log(line.text);
  const missed = figures.flatMap((f) => (f.missed ? [f.missed] : []));
  for (const goal of missed) console.error(`bench: goal missed: ${goal}`);
  process.exitCode = missed.length > 0 ? 1 : 0;
}
