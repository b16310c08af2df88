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
  // The HMAC input laid out once, with only the counter rewritten per block, and handed to
  // OpenSSL in one update: a warm decrypt runs it for its KEK, a walk down the seed tree up to
  // 63 times, and each update is a call into C++.
  const message = Buffer.alloc(4 + label.length + 1 + context.length + 4);
  message.set(label, 4);
  message.set(context, 4 + label.length + 1);
  message.writeUInt32BE(length * 8, message.length - 4);
  const algorithm = NODE_HASH[hash];
  let out: Buffer | undefined;
  let filled = 0;
  for (let i = 1; filled < length; i++) {
    message.writeUInt32BE(i, 0);
    const block = createHmac(algorithm, key).update(message).digest();
    // One block of exactly the length asked for (the 32-byte KEK from SHA-256) is the answer.
    if (i === 1 && block.length === length) return block;
    out ??= Buffer.alloc(length);
    filled += block.copy(out, filled);
  }
  return out ?? Buffer.alloc(0);
}

export function kdsKdf(
  hash: KdfHash,
  key: Uint8Array,
  context: Uint8Array,
  length: number,
): Uint8Array {
  return sp800108CounterHmac(hash, key, KDS_SERVICE_LABEL, context, length);
}
