import type { KdsRootKey } from './decrypt.js';
import {
  deriveL0,
  guidToBytes,
  parseKdfParameters,
  seedContext,
  SEED_KEY_BYTES,
  walkL1,
} from './gkdi.js';
import { kdsKdf, utf16z } from './kdf.js';

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
  const id = rootKey.id;
  const l0Key = deriveL0(hash, id, rootKey.rootKeyData, l0);
  // L1(31) is the only node that mixes in the SD (MS-GKDI 3.1.4.1.2).
  const l1Top = kdsKdf(hash, l0Key, seedContext(id, l0, 31, -1, targetSd), SEED_KEY_BYTES);
  const l1Key = walkL1(hash, id, l0, l1Top, 31, l1);
  const kdfAlgorithm = utf16z(rootKey.kdfAlgorithm);
  const secretAlgorithm = utf16z(rootKey.secretAgreementAlgorithm);
  const domain = utf16z(names.domain);
  const forest = utf16z(names.forest);
  const head = Buffer.alloc(80);
  head.writeUInt32LE(1, 0);
  head.write('KDSK', 4, 'latin1');
  head.writeUInt32LE(0, 8); // flags: a private key
  head.writeInt32LE(l0, 12);
  head.writeInt32LE(l1, 16);
  head.writeInt32LE(31, 20);
  Buffer.from(guidToBytes(id)).copy(head, 24);
  [
    kdfAlgorithm.length,
    rootKey.kdfParameters.length,
    secretAlgorithm.length,
    rootKey.secretAgreementParameters.length,
    rootKey.privateKeyLength,
    rootKey.publicKeyLength,
    l1Key.length,
    0, // no L2 key at L2 index 31
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
    l1Key,
  ]);
}
