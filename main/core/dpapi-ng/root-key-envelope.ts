import type { KdsRootKey } from './decrypt.js';
import { guidToBytes, l1FromRootKey, parseKdfParameters } from './gkdi.js';
import { utf16z } from './kdf.js';

/**
 * The private group key envelope (MS-GKDI 2.2.4) a DC would send for (l0, l1, 31), derived here
 * from the root key itself: it holds L1(l1), from which every key of group l1 and of every older
 * group of the same L0 derives. With it the root-key path reuses the group-key path and its cache.
 */
export function envelopeFromRootKey(
  rootKey: KdsRootKey,
  targetSd: Uint8Array,
  l0: number,
  l1: number,
  names: { readonly domain: string; readonly forest: string },
): Uint8Array {
  const hash = parseKdfParameters(rootKey.kdfParameters);
  const l1Key = l1FromRootKey(hash, rootKey.id, rootKey.rootKeyData, targetSd, l0, l1);
  return encodeGroupKeyEnvelope({
    rootKey,
    flags: 0,
    l0,
    l1,
    l2: 31,
    l1Key,
    l2Key: new Uint8Array(0),
    ...names,
  });
}

/** The fields of a group key envelope beyond what its root key gives. */
export interface GroupKeyEnvelopeFields {
  readonly rootKey: KdsRootKey;
  /** MS-GKDI 2.2.4 dwFlags: bit 0 public key only, bit 1 the key may encrypt new data. */
  readonly flags: number;
  readonly l0: number;
  readonly l1: number;
  readonly l2: number;
  /** Empty where the envelope carries none. */
  readonly l1Key: Uint8Array;
  /** The L2 seed key, or the public key blob of a public-only envelope; empty where none. */
  readonly l2Key: Uint8Array;
  readonly domain: string;
  readonly forest: string;
}

/** MS-GKDI 2.2.4 Group Key Envelope, the inverse of parseGroupKeyEnvelope. */
export function encodeGroupKeyEnvelope(fields: GroupKeyEnvelopeFields): Uint8Array {
  const { rootKey } = fields;
  const kdfAlgorithm = utf16z(rootKey.kdfAlgorithm);
  const secretAlgorithm = utf16z(rootKey.secretAgreementAlgorithm);
  const domain = utf16z(fields.domain);
  const forest = utf16z(fields.forest);
  const head = Buffer.alloc(80);
  head.writeUInt32LE(1, 0);
  head.write('KDSK', 4, 'latin1');
  head.writeUInt32LE(fields.flags, 8);
  head.writeInt32LE(fields.l0, 12);
  head.writeInt32LE(fields.l1, 16);
  head.writeInt32LE(fields.l2, 20);
  Buffer.from(guidToBytes(rootKey.id)).copy(head, 24);
  [
    kdfAlgorithm.length,
    rootKey.kdfParameters.length,
    secretAlgorithm.length,
    rootKey.secretAgreementParameters.length,
    rootKey.privateKeyLength,
    rootKey.publicKeyLength,
    fields.l1Key.length,
    fields.l2Key.length,
    domain.length,
    forest.length,
  ].forEach((size, i) => head.writeUInt32LE(size, 40 + 4 * i));
  return Buffer.concat([
    head,
    kdfAlgorithm,
    rootKey.kdfParameters,
    secretAlgorithm,
    rootKey.secretAgreementParameters,
    domain,
    forest,
    fields.l1Key,
    fields.l2Key,
  ]);
}
