import {
  createDecipheriv,
  createDiffieHellman,
  createECDH,
  hash as digest,
  type DiffieHellman,
  type ECDH,
} from 'node:crypto';
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
  type DhParameters,
  type GroupKeyEnvelope,
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
/** SP 800-56A's single-step KDF counter: one block is all the 32-byte key needs. */
const COUNTER_1 = Buffer.of(0, 0, 0, 1);

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
  return new GroupPrivateKey(hash, l2Key, group).kek(info);
}

/**
 * The group's private key for one (L0, L1, L2), derived from its L2 seed key, made ready for the
 * secret agreement with any number of blobs' public keys: a decryptor that keeps it (see
 * decryptWithGroupKeyDetailed) pays the key derivation, the DH group check and OpenSSL's key
 * setup once per group key instead of once per blob. For ECDH, setPrivateKey computes the public
 * key too, a scalar multiplication as dear as the agreement itself.
 */
class GroupPrivateKey {
  readonly #hash: KdfHash;
  readonly #group: KeyGroup;
  readonly #privateKey: Buffer;
  /** Made at the first agreement that needs them. */
  #dhGroup: DhParameters | undefined;
  #dh: DiffieHellman | undefined;
  #ecdh: ECDH | undefined;

  constructor(hash: KdfHash, l2Key: Uint8Array, group: KeyGroup) {
    const { secretAgreement, privateKeyBits } = group;
    if (!Number.isInteger(privateKeyBits) || privateKeyBits <= 0 || privateKeyBits > 8192) {
      throw malformed(`the private key length ${privateKeyBits} is out of range`);
    }
    this.#hash = hash;
    this.#group = group;
    this.#privateKey = Buffer.from(
      kdsKdf(hash, l2Key, utf16z(secretAgreement), Math.ceil(privateKeyBits / 8)),
    );
  }

  /** The key-encryption key for a blob whose key identifier holds the public key `info`. */
  kek(info: Exclude<KeyInfo, { kind: 'nonce' }>): Uint8Array {
    const { secretAgreement } = this.#group;
    let shared: Buffer;
    let secretHash: string;
    try {
      if (info.kind === 'dh') {
        const trusted = this.#trustedDh(info);
        if (secretAgreement !== 'DH')
          throw malformed('the blob holds a DH key but the root key is not DH');
        shared = leftPad(
          trusted
            ? trusted.computeSecret(Buffer.from(info.y))
            : untrustedDhSecret(info, this.#privateKey),
          info.keyLength,
        );
        secretHash = 'sha256';
      } else {
        if (secretAgreement === 'DH')
          throw malformed('the blob holds an EC key but the root key is DH');
        const curve = EC_CURVES[secretAgreement];
        if (curve.curve !== info.curve)
          throw malformed(`the blob holds a ${info.curve} key, the root key is ${curve.curve}`);
        if (!this.#ecdh) {
          const ecdh = createECDH(curve.node);
          ecdh.setPrivateKey(this.#privateKey);
          this.#ecdh = ecdh;
        }
        shared = leftPad(
          this.#ecdh.computeSecret(Buffer.concat([Buffer.of(4), info.x, info.y])),
          curve.keyLength,
        );
        secretHash = curve.hash;
      }
    } catch (error) {
      if (error instanceof MalformedDataError) throw error;
      throw malformed('the public key in the blob is not usable');
    }
    // counter || Z || OtherInfo in one buffer and hashed in one call (crypto.hash: no Hash
    // object, one trip into C++ instead of five).
    const input = Buffer.allocUnsafe(4 + shared.length + OTHER_INFO.length);
    COUNTER_1.copy(input, 0);
    shared.copy(input, 4);
    OTHER_INFO.copy(input, 4 + shared.length);
    const secret = digest(secretHash, input, 'buffer');
    return kdsKdf(this.#hash, secret, KDS_PUBLIC_KEY, 32);
  }

  /**
   * Checks that the blob's DH public key is in the root key's group (p and g from the key,
   * 1 < y < p - 1) and returns the OpenSSL object for the group, or null when the root key holds
   * no parameters to vouch for it. The root key's parameters are parsed, and its group checked
   * and set up in OpenSSL, once, at the first blob; each blob's p and g are compared with them
   * (before anything is set up from them) and its y checked.
   */
  #trustedDh(info: Extract<KeyInfo, { kind: 'dh' }>): DiffieHellman | null {
    if (info.keyLength * 8 !== this.#group.publicKeyBits)
      throw malformed('the DH key length does not match the root key');
    const params = this.#group.secretAgreementParameters;
    if (params.length === 0) {
      checkDhGroup(info.p, info.g, info.keyLength);
    } else {
      this.#dhGroup ??= parseDhParameters(params);
      const { p, g } = this.#dhGroup;
      if (Buffer.compare(p, info.p) !== 0 || Buffer.compare(g, info.g) !== 0)
        throw malformed("the DH group in the blob is not the root key's");
    }
    const y = big(info.y);
    if (y <= 1n || y >= big(info.p) - 1n) throw malformed('the DH public key is out of range');
    if (params.length === 0) return null;
    if (!this.#dh) {
      // Only now, the blob's group being the root key's: OpenSSL validates the group here,
      // ~100 ms for a hostile generator, and checkDhGroup rules out the cheap nonsense first.
      checkDhGroup(info.p, info.g, info.keyLength);
      const dh = createDiffieHellman(Buffer.from(info.p), Buffer.from(info.g));
      dh.setPrivateKey(this.#privateKey);
      this.#dh = dh;
    }
    return this.#dh;
  }
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

/** A DH group must have a full-length odd prime and 1 < g < p - 1. */
function checkDhGroup(pBytes: Uint8Array, gBytes: Uint8Array, keyLength: number): void {
  const p = big(pBytes);
  const g = big(gBytes);
  if ((p & 1n) === 0n || p >> BigInt(keyLength * 8 - 1) !== 1n)
    throw malformed('the DH prime is not a full-length odd number');
  if (g <= 1n || g >= p - 1n) throw malformed('the DH public key is out of range');
}

function big(bytes: Uint8Array): bigint {
  return BigInt(`0x${Buffer.from(bytes).toString('hex') || '0'}`);
}

/**
 * y^x mod p in a group the root key does not vouch for, computed with BigInt (a few ms for 2048
 * bits, bounded by the 8192-bit key length limit): OpenSSL (createDiffieHellman) would validate
 * the group first, which takes ~100 ms for a hostile generator.
 */
function untrustedDhSecret(info: Extract<KeyInfo, { kind: 'dh' }>, privateKey: Buffer): Buffer {
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

/** RFC 3394 2.2.3.1's default initial value. */
const KEY_WRAP_IV = Buffer.from('a6a6a6a6a6a6a6a6', 'hex');

/** AES-256 key unwrap (RFC 3394) of the content-encryption key. */
export function unwrapKey(kek: Uint8Array, wrapped: Uint8Array): Uint8Array {
  try {
    const decipher = createDecipheriv('id-aes256-wrap', kek, KEY_WRAP_IV);
    // update unwraps the whole key (and checks the IV); final adds nothing, so the two are not
    // concatenated: one copy fewer per blob.
    const cek = decipher.update(wrapped);
    if (decipher.final().length !== 0 || cek.length !== 32) throw new Error('not a 256-bit key');
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
    const plaintext = decipher.update(blob.encryptedContent.subarray(0, cut));
    // final checks the tag (it throws on a mismatch); GCM, a stream mode, has no bytes left to
    // give then, so the plaintext is update's alone unless OpenSSL held some back.
    const rest = decipher.final();
    return rest.length === 0 ? plaintext : Buffer.concat([plaintext, rest]);
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
  return decryptParsedWithGroupKey(blob, parseKeyIdentifier(blob.keyIdentifier), groupKeyEnvelope);
}

export function decryptWithGroupKey(data: Uint8Array, groupKeyEnvelope: Uint8Array): Uint8Array {
  return decryptWithGroupKeyDetailed(data, groupKeyEnvelope).plaintext;
}

/** What one group key envelope has given so far: its parsed form and its keys, by L0,L1,L2 (as l0 * 1024 + l1 * 32 + l2). */
interface EnvelopeMemo {
  readonly envelope: GroupKeyEnvelope;
  readonly keys: Map<number, { readonly l2Key: Uint8Array; group?: GroupPrivateKey }>;
}

/**
 * Keyed by the envelope's bytes object, which CachedGroupKeySource keeps and hands out again for
 * every blob of the group: warm decrypts then neither parse the envelope again, nor walk the seed
 * tree down to the blob's key (up to 63 HMACs), nor derive and set up its private key; they pay
 * the secret agreement with the blob's own public key and the symmetric work only. Weak, so the
 * derived keys live exactly as long as the cache holds the envelope (a caller that passes fresh
 * bytes each time gets a fresh memo), and no secret is ever a map key. Envelope bytes must not be
 * changed in place after a decrypt (nothing here does).
 */
const ENVELOPES = new WeakMap<Uint8Array, EnvelopeMemo>();

/** decryptWithGroupKeyDetailed for a blob the caller has parsed already. */
export function decryptParsedWithGroupKey(
  blob: DpapiNgBlob,
  keyIdentifier: KeyIdentifier,
  groupKeyEnvelope: Uint8Array,
): DpapiNgDecryption {
  let memo = ENVELOPES.get(groupKeyEnvelope);
  if (!memo) {
    memo = { envelope: parseGroupKeyEnvelope(groupKeyEnvelope), keys: new Map() };
    ENVELOPES.set(groupKeyEnvelope, memo);
  }
  const { envelope } = memo;
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
  // A number, not a string: no string to build and hash per blob.
  const index = l0 * 1024 + l1 * 32 + l2;
  let key = memo.keys.get(index);
  if (!key) {
    key = { l2Key: l2FromEnvelope(envelope, l0, l1, l2) };
    memo.keys.set(index, key);
  }
  const info = keyIdentifier.keyInfo;
  let kek: Uint8Array;
  if (info.kind === 'nonce') {
    kek = kdsKdf(envelope.kdfHash, key.l2Key, info.raw, 32);
  } else {
    key.group ??= new GroupPrivateKey(envelope.kdfHash, key.l2Key, keyGroupOf(envelope));
    kek = key.group.kek(info);
  }
  return finish(blob, keyIdentifier, key.l2Key, kek);
}

function keyGroupOf(envelope: GroupKeyEnvelope): KeyGroup {
  return {
    secretAgreement: envelope.secretAgreementAlgorithm,
    privateKeyBits: envelope.privateKeyLength,
    publicKeyBits: envelope.publicKeyLength,
    secretAgreementParameters: envelope.secretAgreementParameters,
  };
}
