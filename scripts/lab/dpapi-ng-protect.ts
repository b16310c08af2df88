/**
 * DPAPI-NG protect for Windows LAPS, public-key path: what a Windows device does with the
 * public-only group key envelope GetKey gives it (MS-GKDI 3.1.4.1.3; NCryptProtectSecret), so that
 * the lab holds blobs made the way real ones are. The inverse of main/core/dpapi-ng/decrypt.ts,
 * built on the same core functions so both sides share one derivation.
 */
import { createCipheriv, randomBytes } from 'node:crypto';
import { deriveKek, type KeyGroup } from '../../main/core/dpapi-ng/decrypt.js';
import {
  guidToBytes,
  parseDhParameters,
  parseGroupKeyEnvelope,
  parsePublicKeyInfo,
  publicKeyFromSeed,
  type KeyIdentifier,
  type KeyInfo,
} from '../../main/core/dpapi-ng/gkdi.js';
import { utf16z, type KdfHash } from '../../main/core/dpapi-ng/kdf.js';

export interface LapsSecret {
  readonly account: string;
  readonly password: string;
  /** The update time (FILETIME): the JSON's "t" and the 16-byte header carry it. */
  readonly updated: bigint;
}

/**
 * msLAPS-EncryptedPassword (and its History/DSRM siblings) as a device writes it: the 16-byte
 * header, then the DPAPI-NG blob protected to `sid` under the envelope's group public key.
 */
export function protectLapsSecret(
  publicEnvelope: Uint8Array,
  sid: string,
  secret: LapsSecret,
): Buffer {
  const json = JSON.stringify({
    n: secret.account,
    t: secret.updated.toString(16),
    p: secret.password,
  });
  // Windows encrypts the JSON as UTF-16LE with its terminating NUL.
  const blob = protectSecret(publicEnvelope, sid, Buffer.from(`${json}\0`, 'utf16le'));
  const header = Buffer.alloc(16);
  header.writeUInt32LE(Number(secret.updated >> 32n), 0);
  header.writeUInt32LE(Number(secret.updated & 0xffff_ffffn), 4);
  header.writeUInt32LE(blob.length, 8);
  return Buffer.concat([header, blob]);
}

/**
 * A DPAPI-NG blob in the LAPS layout (ciphertext || tag after the DER ContentInfo) for a SID
 * protection descriptor, from a public-only group key envelope.
 */
export function protectSecret(
  publicEnvelope: Uint8Array,
  sid: string,
  plaintext: Uint8Array,
): Buffer {
  const envelope = parseGroupKeyEnvelope(publicEnvelope);
  if ((envelope.flags & 1) === 0) {
    // A private envelope would work too, but a device never has one: keep the lab honest.
    throw new Error('protectSecret wants the public-only group key envelope a device gets');
  }
  const group: KeyGroup = {
    secretAgreement: envelope.secretAgreementAlgorithm,
    privateKeyBits: envelope.privateKeyLength,
    publicKeyBits: envelope.publicKeyLength,
    secretAgreementParameters: envelope.secretAgreementParameters,
  };
  // The blob's KeyIdentifier names the envelope's group key and carries our public key.
  const keyIdentifierWith = (keyInfo: Uint8Array): Buffer =>
    encodeKeyIdentifier({
      l0: envelope.l0,
      l1: envelope.l1,
      l2: envelope.l2,
      rootKeyId: envelope.rootKeyId,
      keyInfo,
      domain: envelope.domain,
      forest: envelope.forest,
    });
  // The envelope's L2 public key has the KeyInfo layout (DHPB / ECKn blob).
  const groupPublic = parsePublicKeyInfo(envelope.l2Key);
  const groupKey: KeyIdentifier = {
    isPublicKey: true,
    l0: envelope.l0,
    l1: envelope.l1,
    l2: envelope.l2,
    rootKeyId: envelope.rootKeyId,
    keyInfo: groupPublic,
    domain: envelope.domain,
    forest: envelope.forest,
  };

  // Ephemeral key pair. Its private key is drawn as the KDF output of a random 64-byte seed, so
  // core's deriveKek (which derives "x" from an L2 seed) computes Z = groupPublic^x and the KEK
  // exactly as the decrypting side will compute Z = ephemeralPublic^l2Private: one derivation.
  let seed = randomBytes(64);
  let ephemeralPublic = ephemeralKeyInfo(envelope.kdfHash, seed, groupPublic, group);
  while (ephemeralPublic === undefined) {
    seed = randomBytes(64);
    ephemeralPublic = ephemeralKeyInfo(envelope.kdfHash, seed, groupPublic, group);
  }
  const kek = deriveKek(envelope.kdfHash, seed, groupKey, group);
  const keyIdentifier = keyIdentifierWith(ephemeralPublic);

  const cek = randomBytes(32);
  const wrap = createCipheriv('id-aes256-wrap', kek, Buffer.from('a6a6a6a6a6a6a6a6', 'hex'));
  const encryptedKey = Buffer.concat([wrap.update(cek), wrap.final()]);
  const nonce = randomBytes(12);
  const gcm = createCipheriv('aes-256-gcm', cek, nonce, { authTagLength: 16 });
  const ciphertext = Buffer.concat([gcm.update(plaintext), gcm.final(), gcm.getAuthTag()]);

  return Buffer.concat([envelopedData(keyIdentifier, sid, encryptedKey, nonce), ciphertext]);
}

/**
 * The ephemeral public key blob for the private key x = KDF(seed, secretAgreement) (the same
 * derivation deriveKek applies), or undefined when x is not a usable key (an EC scalar beyond the
 * curve order: draw another seed).
 */
function ephemeralKeyInfo(
  hash: KdfHash,
  seed: Buffer,
  info: KeyInfo,
  group: KeyGroup,
): Uint8Array | undefined {
  if (info.kind === 'dh') {
    if (group.secretAgreement !== 'DH')
      throw new Error('the envelope holds a DH key for an EC group');
    if (group.secretAgreementParameters.length > 0) {
      const params = parseDhParameters(group.secretAgreementParameters);
      if (!Buffer.from(params.p).equals(info.p) || !Buffer.from(params.g).equals(info.g))
        throw new Error("the envelope's DH public key is not in its group");
    }
    return publicKeyFromSeed(hash, seed, 'DH', group.privateKeyBits, info);
  }
  if (info.kind !== 'ecdh') throw new Error('the envelope holds no public key');
  if (group.secretAgreement === 'DH')
    throw new Error('the envelope holds an EC key for a DH group');
  try {
    return publicKeyFromSeed(hash, seed, group.secretAgreement, group.privateKeyBits);
  } catch {
    return undefined;
  }
}

// --- encodings ----------------------------------------------------------------------------
function u32(value: number): Buffer {
  const out = Buffer.alloc(4);
  out.writeUInt32LE(value);
  return out;
}

/**
 * MS-GKDI 2.2.4 KeyIdentifier. Flags 3: bit 0 says KeyInfo is a public key; Windows sets bit 1
 * on every blob it makes (the symmetric vectors carry 2), so the lab does too.
 */
function encodeKeyIdentifier(k: {
  l0: number;
  l1: number;
  l2: number;
  rootKeyId: string;
  keyInfo: Uint8Array;
  domain: string;
  forest: string;
}): Buffer {
  const domain = utf16z(k.domain);
  const forest = utf16z(k.forest);
  const head = Buffer.alloc(24);
  head.writeUInt32LE(1, 0);
  head.write('KDSK', 4, 'latin1');
  head.writeUInt32LE(3, 8);
  head.writeInt32LE(k.l0, 12);
  head.writeInt32LE(k.l1, 16);
  head.writeInt32LE(k.l2, 20);
  return Buffer.concat([
    head,
    guidToBytes(k.rootKeyId),
    u32(k.keyInfo.length),
    u32(domain.length),
    u32(forest.length),
    k.keyInfo,
    domain,
    forest,
  ]);
}

// A minimal DER writer (X.690 definite lengths) for the one CMS shape Windows LAPS writes.
function tlv(tag: number, ...content: Uint8Array[]): Buffer {
  const body = Buffer.concat(content);
  const n = body.length;
  const length =
    n < 0x80
      ? Buffer.of(n)
      : n < 0x100
        ? Buffer.of(0x81, n)
        : n < 0x10000
          ? Buffer.of(0x82, n >> 8, n & 0xff)
          : Buffer.of(0x83, n >> 16, (n >> 8) & 0xff, n & 0xff);
  return Buffer.concat([Buffer.of(tag), length, body]);
}

function oid(dotted: string): Buffer {
  const [a = 0, b = 0, ...rest] = dotted.split('.').map(Number);
  const bytes = [40 * a + b];
  for (const arc of rest) {
    const chunk = [arc & 0x7f];
    for (let v = Math.floor(arc / 128); v > 0; v = Math.floor(v / 128))
      chunk.unshift((v & 0x7f) | 0x80);
    bytes.push(...chunk);
  }
  return tlv(0x06, Buffer.from(bytes));
}

const SEQ = 0x30;
const SET = 0x31;
const OCTETS = 0x04;
const int = (value: number): Buffer => tlv(0x02, Buffer.of(value)); // small (< 0x80) only
const utf8 = (text: string): Buffer => tlv(0x0c, Buffer.from(text, 'utf8'));

/**
 * ContentInfo { envelopedData, [0] EnvelopedData v2 { SET { [2] KEKRecipientInfo v4 },
 * EncryptedContentInfo without its content } } (RFC 5652; the layout of the Windows vectors).
 */
function envelopedData(
  keyIdentifier: Uint8Array,
  sid: string,
  encryptedKey: Uint8Array,
  nonce: Uint8Array,
): Buffer {
  const protectionDescriptor = tlv(
    SEQ,
    oid('1.3.6.1.4.1.311.74.1.1'),
    tlv(SEQ, tlv(SEQ, tlv(SEQ, utf8('SID'), utf8(sid)))),
  );
  const kekRecipient = tlv(
    0xa2,
    int(4),
    tlv(
      SEQ,
      tlv(OCTETS, keyIdentifier),
      tlv(SEQ, oid('1.3.6.1.4.1.311.74.1'), protectionDescriptor),
    ),
    tlv(SEQ, oid('2.16.840.1.101.3.4.1.45')),
    tlv(OCTETS, encryptedKey),
  );
  const encryptedContentInfo = tlv(
    SEQ,
    oid('1.2.840.113549.1.7.1'),
    tlv(SEQ, oid('2.16.840.1.101.3.4.1.46'), tlv(SEQ, tlv(OCTETS, nonce), int(16))),
  );
  return tlv(
    SEQ,
    oid('1.2.840.113549.1.7.3'),
    tlv(0xa0, tlv(SEQ, int(2), tlv(SET, kekRecipient), encryptedContentInfo)),
  );
}

/** MS-GKDI's key interval is 10 hours (360,000,000,000 FILETIME ticks): 32 L2 per L1, 32 L1 per L0. */
const KEY_INTERVAL_TICKS = 360_000_000_000n;

/** The group key (L0, L1, L2) a device uses at `fileTime` (MS-GKDI 3.1.4.1). */
export function groupKeyIndex(fileTime: bigint): { l0: number; l1: number; l2: number } {
  const index = fileTime / KEY_INTERVAL_TICKS;
  return { l0: Number(index >> 10n), l1: Number((index >> 5n) & 31n), l2: Number(index & 31n) };
}
