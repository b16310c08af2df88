import { createHash, timingSafeEqual } from 'node:crypto';
import type { RpcSecurityProvider } from '../../../../main/core/rpc/security.js';

/** A stand-in security provider: XOR "sealing" and a SHA-256 "signature", symmetric both ways. */
export function fakeSecurity(): RpcSecurityProvider {
  const xor = (bytes: Uint8Array): Buffer => Buffer.from(bytes.map((b) => b ^ 0x5a));
  const sign = (bytes: Uint8Array): Buffer =>
    createHash('sha256').update(bytes).digest().subarray(0, 16);
  return {
    authType: 10,
    signatureSize: 16,
    initialToken: () => Buffer.from('hello'),
    nextToken: () => undefined,
    seal: (plaintext, toSign) => ({ sealed: xor(plaintext), signature: sign(toSign) }),
    unseal: (sealed, signature, toSign) => {
      const plaintext = xor(sealed);
      if (!timingSafeEqual(sign(toSign(plaintext)), signature)) throw new Error('bad signature');
      return plaintext;
    },
  };
}
