import { createDecipheriv, createDiffieHellman, createECDH, createHash } from 'node:crypto';
import { MalformedDataError, NotAuthorizedToDecryptError } from '../errors/laps-error.js';
import { parseDpapiNgBlob, type DpapiNgBlob } from './blob.js';
import { malformed } from './der.js';
import {
  l2FromEnvelope,
  l2FromRootKey,
  parseGroupKeyEnvelope,
  parseKdfParameters,
  parseKeyIdentifier,
  parseDhParameters,
  parseSecretAgreementAlgorithm,
  targetSecurityDescriptor,
  type KeyIdentifier,
  type KeyInfo,
  type SecretAgreementAlgorithm,
} from './gkdi.js';
import { kdsKdf, utf16z, type KdfHash } from './kdf.js';

/**
 * A KDS root key as its msKds-ProvRootKey attribute values hold it (MS-ADTS 3.1.1.11 / MS-GKDI 3.1.4.1.2).
 */
export interface KdsRootKey {
  /** cn: the root key GUID. */
  readonly id: string;
  readonly version: number;
  readonly rootKeyData: Uint8Array;
  /** msKds-KDFAlgorithmID, "SP800_108_CTR_HMAC". */
  readonly kdfAlgorithm: string;
  /** msKds-KDFParam (empty means SHA256, as Samba reads it). */
  readonly kdfParameters: Uint8Array;
  /** msKds-SecretAgreementAlgorithmID: "DH", "ECDH_P256", "ECDH_P384", "ECDH_P521". */
  readonly secretAgreementAlgorithm: string;
  readonly secretAgreementParameters: Uint8Array;
  /** In bits. */
  readonly privateKeyLength: number;
  readonly publicKeyLength: number;
}

/** Every intermediate of one decryption, for tests and diagnostics. */
export interface DpapiNgDecryption {
  readonly blob: DpapiNgBlob;
  readonly keyIdentifier: KeyIdentifier;
  readonly l2Key: Uint8Array;
  readonly kek: Uint8Array;
  readonly cek: Uint8Array;
  readonly plaintext: Uint8Array;
}

const OTHER_INFO = Buffer.concat([
  utf16z('SHA512'),
  utf16z('KDS public key'),
  utf16z('KDS service'),
]);
const KDS_PUBLIC_KEY = utf16z('KDS public key');

const EC_CURVES = {
  ECDH_P256: { node: 'prime256v1', info: 'ecdh', hash: 'sha256', keyLength: 32, curve: 'P-256' },
  ECDH_P384: { node: 'secp384r1', info: 'ecdh', hash: 'sha384', keyLength: 48, curve: 'P-384' },
  ECDH_P521: { node: 'secp521r1', info: 'ecdh', hash: 'sha512', keyLength: 66, curve: 'P-521' },
} as const;

/**
 * The key-encryption key for a blob from its L2 seed key (MS-GKDI 3.1.4.1.2 and 3.1.4.1.3;
 * NIST SP 800-56A 5.8.1 for the public-key path).
 */
export function deriveKek(
  hash: KdfHash,
  l2Key: Uint8Array,
  keyIdentifier: KeyIdentifier,
  group: KeyGroup,
): Uint8Array {
  const info = keyIdentifier.keyInfo;
  if (info.kind === 'nonce') return kdsKdf(hash, l2Key, info.raw, 32);
  const { secretAgreement, privateKeyBits } = group;
  if (!Number.isInteger(privateKeyBits) || privateKeyBits <= 0 || privateKeyBits > 8192) {
    throw malformed(`the private key length ${privateKeyBits} is out of range`);
  }
  const trustedGroup = info.kind === 'dh' && checkDhGroup(info, group);
  const privateKey = Buffer.from(
    kdsKdf(hash, l2Key, utf16z(secretAgreement), Math.ceil(privateKeyBits / 8)),
  );
  let shared: Buffer;
  let secretHash: string;
  try {
    if (info.kind === 'dh') {
      if (secretAgreement !== 'DH')
        throw malformed('the blob holds a DH key but the root key is not DH');
      shared = leftPad(dhSharedSecret(info, privateKey, trustedGroup), info.keyLength);
      secretHash = 'sha256';
    } else {
      if (secretAgreement === 'DH')
        throw malformed('the blob holds an EC key but the root key is DH');
      const curve = EC_CURVES[secretAgreement];
      if (curve.curve !== info.curve)
        throw malformed(`the blob holds a ${info.curve} key, the root key is ${curve.curve}`);
      const ecdh = createECDH(curve.node);
      ecdh.setPrivateKey(privateKey);
      shared = leftPad(
        ecdh.computeSecret(Buffer.concat([Buffer.of(4), info.x, info.y])),
        curve.keyLength,
      );
      secretHash = curve.hash;
    }
  } catch (error) {
    if (error instanceof MalformedDataError) throw error;
    throw malformed('the public key in the blob is not usable');
  }
  const counter = Buffer.of(0, 0, 0, 1);
  const secret = createHash(secretHash).update(counter).update(shared).update(OTHER_INFO).digest();
  return kdsKdf(hash, secret, KDS_PUBLIC_KEY, 32);
}

/** What the root key (or the group key envelope) says about its secret agreement. */
export interface KeyGroup {
  readonly secretAgreement: SecretAgreementAlgorithm;
  /** In bits. */
  readonly privateKeyBits: number;
  readonly publicKeyBits: number;
  /** msKds-SecretAgreementParam; for DH, the group the blob's p and g must match (may be empty). */
  readonly secretAgreementParameters: Uint8Array;
}

/**
 * The DH public key in a blob must be in the root key's group: p and g from the key, 1 < y < p - 1.
 * Returns whether the group is the root key's own (false when the root key holds no parameters).
 */
function checkDhGroup(info: Extract<KeyInfo, { kind: 'dh' }>, group: KeyGroup): boolean {
  if (info.keyLength * 8 !== group.publicKeyBits)
    throw malformed('the DH key length does not match the root key');
  if (group.secretAgreementParameters.length > 0) {
    const params = parseDhParameters(group.secretAgreementParameters);
    if (!Buffer.from(params.p).equals(info.p) || !Buffer.from(params.g).equals(info.g)) {
      throw malformed("the DH group in the blob is not the root key's");
    }
  }
  const p = BigInt(`0x${Buffer.from(info.p).toString('hex')}`);
  const g = BigInt(`0x${Buffer.from(info.g).toString('hex')}`);
  const y = BigInt(`0x${Buffer.from(info.y).toString('hex')}`);
  if ((p & 1n) === 0n || p >> BigInt(info.keyLength * 8 - 1) !== 1n)
    throw malformed('the DH prime is not a full-length odd number');
  if (g <= 1n || g >= p - 1n || y <= 1n || y >= p - 1n)
    throw malformed('the DH public key is out of range');
  return group.secretAgreementParameters.length > 0;
}

/**
 * y^x mod p. OpenSSL (createDiffieHellman) validates the group first, which takes ~100 ms for a
 * hostile generator, so only a group the root key vouches for goes there; any other is computed
 * with BigInt (a few ms for 2048 bits, bounded by the 8192-bit key length limit).
 */
function dhSharedSecret(
  info: Extract<KeyInfo, { kind: 'dh' }>,
  privateKey: Buffer,
  trustedGroup: boolean,
): Buffer {
  if (trustedGroup) {
    const dh = createDiffieHellman(Buffer.from(info.p), Buffer.from(info.g));
    dh.setPrivateKey(privateKey);
    return dh.computeSecret(Buffer.from(info.y));
  }
  const big = (bytes: Uint8Array): bigint => BigInt(`0x${Buffer.from(bytes).toString('hex')}`);
  const p = big(info.p);
  let base = big(info.y) % p;
  let exponent = big(privateKey);
  let result = 1n;
  while (exponent > 0n) {
    if ((exponent & 1n) === 1n) result = (result * base) % p;
    base = (base * base) % p;
    exponent >>= 1n;
  }
  return Buffer.from(result.toString(16).padStart(info.keyLength * 2, '0'), 'hex');
}

function leftPad(value: Buffer, length: number): Buffer {
  if (value.length >= length) return value;
  return Buffer.concat([Buffer.alloc(length - value.length), value]);
}

/** AES-256 key unwrap (RFC 3394) of the content-encryption key. */
export function unwrapKey(kek: Uint8Array, wrapped: Uint8Array): Uint8Array {
  try {
    const decipher = createDecipheriv(
      'id-aes256-wrap',
      kek,
      Buffer.from('a6a6a6a6a6a6a6a6', 'hex'),
    );
    const cek = Buffer.concat([decipher.update(wrapped), decipher.final()]);
    if (cek.length !== 32) throw new Error('not a 256-bit key');
    return cek;
  } catch {
    throw malformed('the content key does not unwrap: the blob is corrupt or for another key');
  }
}

/** AES-256-GCM decryption with the tag checked (NIST SP 800-38D; RFC 5084). */
export function decryptContent(cek: Uint8Array, blob: DpapiNgBlob): Uint8Array {
  const cut = blob.encryptedContent.length - blob.tagLength;
  try {
    const decipher = createDecipheriv('aes-256-gcm', cek, blob.nonce, {
      authTagLength: blob.tagLength,
    });
    decipher.setAuthTag(blob.encryptedContent.subarray(cut));
    return Buffer.concat([
      decipher.update(blob.encryptedContent.subarray(0, cut)),
      decipher.final(),
    ]);
  } catch {
    throw malformed('the content fails its integrity check');
  }
}

function finish(
  blob: DpapiNgBlob,
  keyIdentifier: KeyIdentifier,
  l2Key: Uint8Array,
  kek: Uint8Array,
): DpapiNgDecryption {
  const cek = unwrapKey(kek, blob.encryptedKey);
  const plaintext = decryptContent(cek, blob);
  return { blob, keyIdentifier, l2Key, kek, cek, plaintext };
}

/** Decrypts a DPAPI-NG blob (no LAPS header) with the KDS root key, as a DC would derive its key. */
export function decryptWithRootKeyDetailed(
  data: Uint8Array,
  rootKey: KdsRootKey,
): DpapiNgDecryption {
  const blob = parseDpapiNgBlob(data);
  const keyIdentifier = parseKeyIdentifier(blob.keyIdentifier);
  if (keyIdentifier.rootKeyId.toLowerCase() !== rootKey.id.toLowerCase()) {
    throw malformed(
      `the blob is protected by root key ${keyIdentifier.rootKeyId}, not ${rootKey.id}`,
    );
  }
  if (rootKey.kdfAlgorithm !== 'SP800_108_CTR_HMAC')
    throw malformed(`the KDF "${rootKey.kdfAlgorithm}" is not supported`);
  const hash = parseKdfParameters(rootKey.kdfParameters);
  const sd = targetSecurityDescriptor(blob.protectionSid);
  const { l0, l1, l2 } = keyIdentifier;
  const l2Key = l2FromRootKey(hash, keyIdentifier.rootKeyId, rootKey.rootKeyData, sd, l0, l1, l2);
  const kek = deriveKek(hash, l2Key, keyIdentifier, {
    secretAgreement: parseSecretAgreementAlgorithm(rootKey.secretAgreementAlgorithm),
    privateKeyBits: rootKey.privateKeyLength,
    publicKeyBits: rootKey.publicKeyLength,
    secretAgreementParameters: rootKey.secretAgreementParameters,
  });
  return finish(blob, keyIdentifier, l2Key, kek);
}

export function decryptWithRootKey(data: Uint8Array, rootKey: KdsRootKey): Uint8Array {
  return decryptWithRootKeyDetailed(data, rootKey).plaintext;
}

/** Decrypts a DPAPI-NG blob (no LAPS header) with a GetKey reply (MS-GKDI 2.2.4 group key envelope). */
export function decryptWithGroupKeyDetailed(
  data: Uint8Array,
  groupKeyEnvelope: Uint8Array,
): DpapiNgDecryption {
  const blob = parseDpapiNgBlob(data);
  const keyIdentifier = parseKeyIdentifier(blob.keyIdentifier);
  const envelope = parseGroupKeyEnvelope(groupKeyEnvelope);
  if ((envelope.flags & 1) !== 0) {
    throw new NotAuthorizedToDecryptError(
      'The key service gave only a public key: this account is not an authorized decryptor of the password.',
    );
  }
  if (envelope.rootKeyId !== keyIdentifier.rootKeyId) {
    throw malformed(
      `the group key is from root key ${envelope.rootKeyId}, the blob from ${keyIdentifier.rootKeyId}`,
    );
  }
  const { l0, l1, l2 } = keyIdentifier;
  const l2Key = l2FromEnvelope(envelope, l0, l1, l2);
  const kek = deriveKek(envelope.kdfHash, l2Key, keyIdentifier, {
    secretAgreement: envelope.secretAgreementAlgorithm,
    privateKeyBits: envelope.privateKeyLength,
    publicKeyBits: envelope.publicKeyLength,
    secretAgreementParameters: envelope.secretAgreementParameters,
  });
  return finish(blob, keyIdentifier, l2Key, kek);
}

export function decryptWithGroupKey(data: Uint8Array, groupKeyEnvelope: Uint8Array): Uint8Array {
  return decryptWithGroupKeyDetailed(data, groupKeyEnvelope).plaintext;
}
