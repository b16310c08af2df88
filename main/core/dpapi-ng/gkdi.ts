import { createDiffieHellman, createECDH } from 'node:crypto';
import { malformed } from './der.js';
import { kdsKdf, utf16z, type KdfHash } from './kdf.js';

/** MS-GKDI structures and the seed-key tree (MS-GKDI 2.2 and 3.1.4.1.2). */

const KDSK = 0x4b53444b; // "KDSK" read as a little-endian uint32
export const SEED_KEY_BYTES = 64;

/** A little-endian cursor over one structure; every read is bounds-checked. */
class LeReader {
  private offset = 0;
  private readonly view: DataView;

  constructor(
    private readonly data: Uint8Array,
    private readonly what: string,
  ) {
    this.view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  }

  private need(count: number): void {
    if (count > this.data.length - this.offset) throw malformed(`the ${this.what} is truncated`);
  }

  u32(): number {
    this.need(4);
    const value = this.view.getUint32(this.offset, true);
    this.offset += 4;
    return value;
  }

  i32(): number {
    this.need(4);
    const value = this.view.getInt32(this.offset, true);
    this.offset += 4;
    return value;
  }

  bytes(count: number): Uint8Array {
    this.need(count);
    const value = this.data.subarray(this.offset, this.offset + count);
    this.offset += count;
    return value;
  }

  end(): void {
    if (this.offset !== this.data.length) throw malformed(`the ${this.what} has trailing data`);
  }
}

function utf16zString(bytes: Uint8Array, what: string): string {
  if (bytes.length % 2 !== 0) throw malformed(`the ${what} is not UTF-16`);
  // A view, not a copy: every decrypt reads its key identifier's domain and forest names.
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('utf16le');
  return text.endsWith('\0') ? text.slice(0, -1) : text;
}

/** Formats a GUID from its 16 Windows-order bytes (Data1-3 little-endian). */
export function guidToString(bytes: Uint8Array): string {
  // Byte by byte from a table: every decrypt formats its blob's root key id.
  let text = '';
  for (const i of GUID_ORDER) text += i < 0 ? '-' : (HEX[bytes[i] ?? 0] ?? '');
  return text;
}

/** Data1-3 little-endian, Data4 as is; -1 for a dash. */
const GUID_ORDER = [3, 2, 1, 0, -1, 5, 4, -1, 7, 6, -1, 8, 9, -1, 10, 11, 12, 13, 14, 15];
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

export function guidToBytes(guid: string): Uint8Array {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(guid)) {
    throw malformed(`"${guid}" is not a GUID`);
  }
  const hex = guid.replace(/-/g, '');
  const le = (s: string): string => (s.match(/../g) ?? []).reverse().join('');
  return Buffer.from(
    le(hex.slice(0, 8)) + le(hex.slice(8, 12)) + le(hex.slice(12, 16)) + hex.slice(16),
    'hex',
  );
}

/** The public key or nonce a KeyIdentifier carries (MS-GKDI 2.2.4 KeyInfo; DH/ECC key blobs). */
export type KeyInfo =
  | { readonly kind: 'nonce'; readonly raw: Uint8Array }
  | {
      readonly kind: 'dh';
      readonly raw: Uint8Array;
      readonly keyLength: number;
      readonly p: Uint8Array;
      readonly g: Uint8Array;
      readonly y: Uint8Array;
    }
  | {
      readonly kind: 'ecdh';
      readonly raw: Uint8Array;
      readonly curve: EcCurve;
      readonly x: Uint8Array;
      readonly y: Uint8Array;
    };

export type EcCurve = 'P-256' | 'P-384' | 'P-521';

const EC_MAGIC: Record<string, { curve: EcCurve; keyLength: number }> = {
  ECK1: { curve: 'P-256', keyLength: 32 },
  ECK3: { curve: 'P-384', keyLength: 48 },
  ECK5: { curve: 'P-521', keyLength: 66 },
};

/** The KeyIdentifier in a protected blob (MS-GKDI 2.2.4 "Key identifier"). */
export interface KeyIdentifier {
  readonly isPublicKey: boolean;
  readonly l0: number;
  readonly l1: number;
  readonly l2: number;
  readonly rootKeyId: string;
  readonly keyInfo: KeyInfo;
  readonly domain: string;
  readonly forest: string;
}

export function parseKeyIdentifier(data: Uint8Array): KeyIdentifier {
  const r = new LeReader(data, 'key identifier');
  const { flags, l0, l1, l2, rootKeyId } = readKdskHead(r, 'key identifier');
  const cbKeyInfo = r.u32();
  const cbDomain = r.u32();
  const cbForest = r.u32();
  const keyInfoBytes = r.bytes(cbKeyInfo);
  const domain = utf16zString(r.bytes(cbDomain), 'domain name');
  const forest = utf16zString(r.bytes(cbForest), 'forest name');
  r.end();
  checkL(l0, l1, l2);
  const isPublicKey = (flags & 1) !== 0;
  const keyInfo = isPublicKey
    ? parsePublicKeyInfo(keyInfoBytes)
    : ({ kind: 'nonce', raw: keyInfoBytes } as const);
  return { isPublicKey, l0, l1, l2, rootKeyId, keyInfo, domain, forest };
}

/** The head a key identifier and a group key envelope share (MS-GKDI 2.2.4): version 1, "KDSK",
 * flags, L0/L1/L2 and the root key id. */
function readKdskHead(
  r: LeReader,
  what: string,
): { flags: number; l0: number; l1: number; l2: number; rootKeyId: string } {
  if (r.u32() !== 1) throw malformed(`the ${what} version is not 1`);
  if (r.u32() !== KDSK) throw malformed(`the ${what} magic is not KDSK`);
  const flags = r.u32();
  const l0 = r.i32();
  const l1 = r.i32();
  const l2 = r.i32();
  return { flags, l0, l1, l2, rootKeyId: guidToString(r.bytes(16)) };
}

function checkL(l0: number, l1: number, l2: number): void {
  if (l0 < 0 || l1 < 0 || l1 > 31 || l2 < 0 || l2 > 31)
    throw malformed(`the key index (${l0}, ${l1}, ${l2}) is out of range`);
}

/** A DHPB / ECK1 / ECK3 / ECK5 public key blob, as a KeyIdentifier's KeyInfo or a public-only envelope's L2 key holds it. */
export function parsePublicKeyInfo(raw: Uint8Array): KeyInfo {
  const r = new LeReader(raw, 'public key');
  r.u32(); // the magic, bounds-checked; read as text from a view rather than a copy:
  const magic = Buffer.from(raw.buffer, raw.byteOffset, 4).toString('latin1');
  const keyLength = r.u32();
  if (magic === 'DHPB') {
    if (keyLength === 0 || keyLength > 1024) throw malformed('the DH key length is out of range');
    const p = r.bytes(keyLength);
    const g = r.bytes(keyLength);
    const y = r.bytes(keyLength);
    r.end();
    return { kind: 'dh', raw, keyLength, p, g, y };
  }
  const ec = EC_MAGIC[magic];
  if (ec === undefined) throw malformed(`the public key type "${magic}" is unknown`);
  if (keyLength !== ec.keyLength)
    throw malformed(`the ${ec.curve} key length ${keyLength} is wrong`);
  const x = r.bytes(keyLength);
  const y = r.bytes(keyLength);
  r.end();
  return { kind: 'ecdh', raw, curve: ec.curve, x, y };
}

/** The KDF parameters blob (MS-GKDI 2.2.1): u32 0, u32 1, u32 cbHashName, u32 0, hash name. */
export function parseKdfParameters(data: Uint8Array): KdfHash {
  // Absent/empty msKds-KDFParam means SHA256, "the default used by Windows" (Samba: lib/crypto/gkdi.c kdf_sp_800_108_from_params, python/samba/gkdi.py).
  if (data.length === 0) return 'SHA256';
  const r = new LeReader(data, 'KDF parameters');
  if (r.u32() !== 0 || r.u32() !== 1) throw malformed('the KDF parameters header is wrong');
  const cbName = r.u32();
  if (r.u32() !== 0) throw malformed('the KDF parameters header is wrong');
  const name = utf16zString(r.bytes(cbName), 'KDF hash name');
  r.end();
  if (name === 'SHA1' || name === 'SHA256' || name === 'SHA384' || name === 'SHA512') return name;
  throw malformed(`the KDF hash "${name}" is not supported`);
}

/** The secret agreement algorithm names MS-GKDI uses ("DH", "ECDH_P256", ...). */
export type SecretAgreementAlgorithm = 'DH' | 'ECDH_P256' | 'ECDH_P384' | 'ECDH_P521';

export function parseSecretAgreementAlgorithm(name: string): SecretAgreementAlgorithm {
  if (name === 'DH' || name === 'ECDH_P256' || name === 'ECDH_P384' || name === 'ECDH_P521')
    return name;
  throw malformed(`the secret agreement algorithm "${name}" is not supported`);
}

/** The group key envelope GetKey returns (MS-GKDI 2.2.4 "Group Key Envelope"). */
export interface GroupKeyEnvelope {
  readonly flags: number;
  readonly l0: number;
  readonly l1: number;
  readonly l2: number;
  readonly rootKeyId: string;
  readonly kdfAlgorithm: string;
  readonly kdfHash: KdfHash;
  readonly secretAgreementAlgorithm: SecretAgreementAlgorithm;
  readonly secretAgreementParameters: Uint8Array;
  readonly privateKeyLength: number;
  readonly publicKeyLength: number;
  readonly domain: string;
  readonly forest: string;
  /** L1 seed key (64 bytes): L1(l1) when l2 is 31, else L1(l1 - 1); absent when public-only. */
  readonly l1Key: Uint8Array;
  /** L2 seed key (64 bytes), or the L2 public key when flags bit 0 is set. */
  readonly l2Key: Uint8Array;
}

export function parseGroupKeyEnvelope(data: Uint8Array): GroupKeyEnvelope {
  const r = new LeReader(data, 'group key envelope');
  const { flags, l0, l1, l2, rootKeyId } = readKdskHead(r, 'group key envelope');
  const cbKdfAlgorithm = r.u32();
  const cbKdfParameters = r.u32();
  const cbSecretAlgorithm = r.u32();
  const cbSecretParameters = r.u32();
  const privateKeyLength = r.u32();
  const publicKeyLength = r.u32();
  const cbL1 = r.u32();
  const cbL2 = r.u32();
  const cbDomain = r.u32();
  const cbForest = r.u32();
  const kdfAlgorithm = utf16zString(r.bytes(cbKdfAlgorithm), 'KDF algorithm');
  const kdfParameters = r.bytes(cbKdfParameters);
  const secretAlgorithm = utf16zString(r.bytes(cbSecretAlgorithm), 'secret agreement algorithm');
  const secretAgreementParameters = r.bytes(cbSecretParameters);
  const domain = utf16zString(r.bytes(cbDomain), 'domain name');
  const forest = utf16zString(r.bytes(cbForest), 'forest name');
  const l1Key = r.bytes(cbL1);
  const l2Key = r.bytes(cbL2);
  r.end();
  checkL(l0, l1, l2);
  if (kdfAlgorithm !== 'SP800_108_CTR_HMAC')
    throw malformed(`the KDF "${kdfAlgorithm}" is not supported`);
  return {
    flags,
    l0,
    l1,
    l2,
    rootKeyId,
    kdfAlgorithm,
    kdfHash: parseKdfParameters(kdfParameters),
    secretAgreementAlgorithm: parseSecretAgreementAlgorithm(secretAlgorithm),
    secretAgreementParameters,
    privateKeyLength,
    publicKeyLength,
    domain,
    forest,
    l1Key,
    l2Key,
  };
}

/** ctx(G, a, b, c) = GUID bytes || i32le a || i32le b || i32le c (MS-GKDI 3.1.4.1.2). */
export function seedContext(
  rootKeyId: string,
  l0: number,
  l1: number,
  l2: number,
  extra?: Uint8Array,
): Uint8Array {
  const out = Buffer.alloc(28 + (extra?.length ?? 0));
  Buffer.from(guidToBytes(rootKeyId)).copy(out, 0);
  out.writeInt32LE(l0, 16);
  out.writeInt32LE(l1, 20);
  out.writeInt32LE(l2, 24);
  if (extra !== undefined) Buffer.from(extra).copy(out, 28);
  return out;
}

/** Parses "S-1-5-21-a-b-c-512" to the binary SID (MS-DTYP 2.4.2.2). */
export function sidToBytes(sid: string): Uint8Array {
  const parts = sid.split('-');
  if (parts.length < 3 || parts[0] !== 'S' || parts[1] !== '1')
    throw malformed(`"${sid}" is not a SID`);
  const authority = Number(parts[2]);
  const subs = parts.slice(3).map(Number);
  if (!Number.isSafeInteger(authority) || authority > 0xffffffffffff || subs.length > 15)
    throw malformed(`"${sid}" is not a SID`);
  if (subs.some((s) => !Number.isInteger(s) || s < 0 || s > 0xffffffff))
    throw malformed(`"${sid}" is not a SID`);
  const out = Buffer.alloc(8 + 4 * subs.length);
  out[0] = 1;
  out[1] = subs.length;
  out.writeUIntBE(authority, 2, 6);
  subs.forEach((s, i) => out.writeUInt32LE(s, 8 + 4 * i));
  return out;
}

/**
 * The target security descriptor a DC derives L1 from for a SID protection descriptor, byte-exact
 * as Windows builds it: self-relative, control 0x8004, DACL at offset 20 granting 0x3 to the SID and
 * 0x2 to Everyone, owner and group S-1-5-18.
 */
export function targetSecurityDescriptor(sid: string): Uint8Array {
  const sidBytes = sidToBytes(sid);
  const everyone = sidToBytes('S-1-1-0');
  const system = sidToBytes('S-1-5-18');
  const ace = (mask: number, s: Uint8Array): Buffer => {
    const a = Buffer.alloc(8 + s.length);
    a[0] = 0; // ACCESS_ALLOWED_ACE_TYPE
    a[1] = 0;
    a.writeUInt16LE(a.length, 2);
    a.writeUInt32LE(mask, 4);
    Buffer.from(s).copy(a, 8);
    return a;
  };
  const aces = Buffer.concat([ace(0x3, sidBytes), ace(0x2, everyone)]);
  const acl = Buffer.alloc(8);
  acl[0] = 2;
  acl.writeUInt16LE(8 + aces.length, 2);
  acl.writeUInt16LE(2, 4);
  const dacl = Buffer.concat([acl, aces]);
  const header = Buffer.alloc(20);
  header[0] = 1;
  header.writeUInt16LE(0x8004, 2);
  const ownerOffset = 20 + dacl.length;
  header.writeUInt32LE(ownerOffset, 4);
  header.writeUInt32LE(ownerOffset + system.length, 8);
  header.writeUInt32LE(0, 12);
  header.writeUInt32LE(20, 16);
  return Buffer.concat([header, dacl, system, system]);
}

/** The L0 seed key from msKds-RootKeyData (MS-GKDI 3.1.4.1.2). */
export function deriveL0(
  hash: KdfHash,
  rootKeyId: string,
  rootKeyData: Uint8Array,
  l0: number,
): Uint8Array {
  return kdsKdf(hash, rootKeyData, seedContext(rootKeyId, l0, -1, -1), SEED_KEY_BYTES);
}

/** Walks an L1 seed key down from index `from` (whose key is given) to `to`. */
export function walkL1(
  hash: KdfHash,
  rootKeyId: string,
  l0: number,
  key: Uint8Array,
  from: number,
  to: number,
): Uint8Array {
  return walk(hash, key, from, to, (n) => seedContext(rootKeyId, l0, n, -1));
}

/** L2(l1, 31) from L1(l1). */
export function topL2(
  hash: KdfHash,
  rootKeyId: string,
  l0: number,
  l1: number,
  l1Key: Uint8Array,
): Uint8Array {
  return kdsKdf(hash, l1Key, seedContext(rootKeyId, l0, l1, 31), SEED_KEY_BYTES);
}

/** Walks an L2 seed key down from index `from` (whose key is given) to `to`. */
export function walkL2(
  hash: KdfHash,
  rootKeyId: string,
  l0: number,
  l1: number,
  key: Uint8Array,
  from: number,
  to: number,
): Uint8Array {
  return walk(hash, key, from, to, (m) => seedContext(rootKeyId, l0, l1, m));
}

/** Key(n - 1) = KDF(Key(n), context(n - 1)) from `from` down to `to` (MS-GKDI 3.1.4.1.2). */
function walk(
  hash: KdfHash,
  key: Uint8Array,
  from: number,
  to: number,
  context: (index: number) => Uint8Array,
): Uint8Array {
  let current = key;
  for (let n = from - 1; n >= to; n--) current = kdsKdf(hash, current, context(n), SEED_KEY_BYTES);
  return current;
}

/** L1(l0, l1) from the root key for the target SD: L1(31) is the only node that mixes in the SD. */
export function l1FromRootKey(
  hash: KdfHash,
  rootKeyId: string,
  rootKeyData: Uint8Array,
  sd: Uint8Array,
  l0: number,
  l1: number,
): Uint8Array {
  const l0Key = deriveL0(hash, rootKeyId, rootKeyData, l0);
  const l1Top = kdsKdf(hash, l0Key, seedContext(rootKeyId, l0, 31, -1, sd), SEED_KEY_BYTES);
  return walkL1(hash, rootKeyId, l0, l1Top, 31, l1);
}

/** L2(l0, l1, l2) from the root key, as a DC derives it for the target SD. */
export function l2FromRootKey(
  hash: KdfHash,
  rootKeyId: string,
  rootKeyData: Uint8Array,
  sd: Uint8Array,
  l0: number,
  l1: number,
  l2: number,
): Uint8Array {
  const l1Key = l1FromRootKey(hash, rootKeyId, rootKeyData, sd, l0, l1);
  return walkL2(hash, rootKeyId, l0, l1, topL2(hash, rootKeyId, l0, l1, l1Key), 31, l2);
}

/** L2 for a blob's key index from a private group key envelope at a later (or equal) index. */
export function l2FromEnvelope(
  envelope: GroupKeyEnvelope,
  l0: number,
  l1: number,
  l2: number,
): Uint8Array {
  const { kdfHash: hash, rootKeyId } = envelope;
  if (envelope.l0 !== l0)
    throw malformed(`the group key is for L0 ${envelope.l0}, the blob for L0 ${l0}`);
  if (l1 > envelope.l1 || (l1 === envelope.l1 && l2 > envelope.l2)) {
    throw malformed(
      `the group key (${envelope.l0}, ${envelope.l1}, ${envelope.l2}) is older than the blob's key`,
    );
  }
  const hasL1 = envelope.l1Key.length === SEED_KEY_BYTES;
  const hasL2 = envelope.l2Key.length === SEED_KEY_BYTES;
  if ((!hasL1 && envelope.l1Key.length !== 0) || (!hasL2 && envelope.l2Key.length !== 0)) {
    throw malformed('the group key envelope does not hold 64-byte seed keys');
  }
  // MS-GKDI 2.2.4 as Windows fills it: at L2 index 31 the envelope holds L1(l1) and no L2 key
  // (every key of the group derives from L1); below 31 it holds L2(l1, l2) and L1(l1 - 1),
  // the latter absent when l1 is 0.
  const l1KeyIndex = envelope.l2 === 31 ? envelope.l1 : envelope.l1 - 1;
  if (l1 === envelope.l1 && hasL2)
    return walkL2(hash, rootKeyId, l0, l1, envelope.l2Key, envelope.l2, l2);
  if (!hasL1 || l1KeyIndex < l1)
    throw malformed("the group key envelope holds no seed key that reaches the blob's key");
  const l1Key = walkL1(hash, rootKeyId, l0, envelope.l1Key, l1KeyIndex, l1);
  return walkL2(hash, rootKeyId, l0, l1, topL2(hash, rootKeyId, l0, l1, l1Key), 31, l2);
}

const EC_KEYS = {
  ECDH_P256: { node: 'prime256v1', magic: 'ECK1', keyLength: 32 },
  ECDH_P384: { node: 'secp384r1', magic: 'ECK3', keyLength: 48 },
  ECDH_P521: { node: 'secp521r1', magic: 'ECK5', keyLength: 66 },
} as const;

/**
 * The public key blob (KeyInfo layout: "DHPB" p g y, or "ECK1/3/5" X Y) of the private key
 * x = KDF(seed, secret agreement algorithm name, privateKeyBits / 8) (MS-GKDI 3.1.4.1.2 PubKey):
 * a group's public key from its L2 seed key, or a protecting client's ephemeral key from its own
 * seed. DH needs the group (p, g); an EC x that is not a valid scalar throws.
 */
export function publicKeyFromSeed(
  hash: KdfHash,
  seed: Uint8Array,
  algorithm: SecretAgreementAlgorithm,
  privateKeyBits: number,
  dh?: DhParameters,
): Uint8Array {
  const x = Buffer.from(kdsKdf(hash, seed, utf16z(algorithm), Math.ceil(privateKeyBits / 8)));
  const head = (magic: string, keyLength: number): Buffer => {
    const out = Buffer.alloc(8);
    out.write(magic, 0, 'latin1');
    out.writeUInt32LE(keyLength, 4);
    return out;
  };
  if (algorithm === 'DH') {
    if (dh === undefined) throw malformed('a DH public key needs the DH parameters');
    const group = createDiffieHellman(Buffer.from(dh.p), Buffer.from(dh.g));
    group.setPrivateKey(x);
    // generateKeys() keeps a private key that is set and computes y = g^x mod p from it.
    const y = group.generateKeys();
    const padded =
      y.length >= dh.keyLength ? y : Buffer.concat([Buffer.alloc(dh.keyLength - y.length), y]);
    return Buffer.concat([head('DHPB', dh.keyLength), dh.p, dh.g, padded]);
  }
  const curve = EC_KEYS[algorithm];
  const ecdh = createECDH(curve.node);
  ecdh.setPrivateKey(x);
  const point = ecdh.getPublicKey(); // 04 || X || Y
  return Buffer.concat([head(curve.magic, curve.keyLength), point.subarray(1)]);
}

/** The DH group in msKds-SecretAgreementParam (a BCRYPT_DH_PARAMETER_HEADER blob: cb, "DHPM", key length, p, g). */
export interface DhParameters {
  readonly keyLength: number;
  readonly p: Uint8Array;
  readonly g: Uint8Array;
}

export function parseDhParameters(data: Uint8Array): DhParameters {
  const r = new LeReader(data, 'DH parameters');
  const cb = r.u32();
  if (cb !== data.length) throw malformed('the DH parameters size is wrong');
  if (Buffer.from(r.bytes(4)).toString('latin1') !== 'DHPM')
    throw malformed('the DH parameters magic is not DHPM');
  const keyLength = r.u32();
  if (keyLength === 0 || keyLength > 1024) throw malformed('the DH key length is out of range');
  const p = r.bytes(keyLength);
  const g = r.bytes(keyLength);
  r.end();
  return { keyLength, p, g };
}
