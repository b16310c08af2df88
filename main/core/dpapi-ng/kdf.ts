import { createHmac } from 'node:crypto';

/** The hash algorithms MS-GKDI's KDF parameters name (MS-GKDI 2.2.1). */
export type KdfHash = 'SHA1' | 'SHA256' | 'SHA384' | 'SHA512';

const NODE_HASH: Record<KdfHash, string> = {
  SHA1: 'sha1',
  SHA256: 'sha256',
  SHA384: 'sha384',
  SHA512: 'sha512',
};

export function utf16z(text: string): Uint8Array {
  return Buffer.from(`${text}\0`, 'utf16le');
}

/** "KDS service\0" in UTF-16LE: the label of every MS-GKDI KDF call (MS-GKDI 3.1.4.1.2). */
export const KDS_SERVICE_LABEL = utf16z('KDS service');

/**
 * SP800-108 KDF in counter mode with HMAC (NIST SP 800-108 5.1), as MS-GKDI uses it:
 * block i = HMAC_K(BE32(i) || label || 0x00 || context || BE32(8 * length)).
 */
export function sp800108CounterHmac(
  hash: KdfHash,
  key: Uint8Array,
  label: Uint8Array,
  context: Uint8Array,
  length: number,
): Uint8Array {
  const out = Buffer.alloc(length);
  const suffix = Buffer.alloc(4);
  suffix.writeUInt32BE(length * 8);
  const counter = Buffer.alloc(4);
  let filled = 0;
  for (let i = 1; filled < length; i++) {
    counter.writeUInt32BE(i);
    const block = createHmac(NODE_HASH[hash], key)
      .update(counter)
      .update(label)
      .update(Buffer.of(0))
      .update(context)
      .update(suffix)
      .digest();
    filled += block.copy(out, filled);
  }
  return out;
}

export function kdsKdf(
  hash: KdfHash,
  key: Uint8Array,
  context: Uint8Array,
  length: number,
): Uint8Array {
  return sp800108CounterHmac(hash, key, KDS_SERVICE_LABEL, context, length);
}
