import { DerReader, TAG, decodeSmallInteger, encodeOid, expectOid, malformed } from './der.js';

/**
 * The DPAPI-NG protected blob NCryptProtectSecret writes: a CMS ContentInfo (RFC 5652 3) holding
 * EnvelopedData (RFC 5652 6.1) with one KEKRecipientInfo (RFC 5652 6.2.3) whose key identifier is
 * an MS-GKDI KeyIdentifier (MS-GKDI 2.2.4) and whose other key attribute is the protection
 * descriptor; the content is AES-256-GCM (RFC 5084). Windows LAPS leaves the encrypted content out
 * of the DER and appends ciphertext || tag after it; generic blobs carry it inside as [0].
 */
export interface DpapiNgBlob {
  /** The raw MS-GKDI KeyIdentifier bytes (parse with parseKeyIdentifier). */
  readonly keyIdentifier: Uint8Array;
  /** The protection descriptor's SID, e.g. "S-1-5-21-...-512". */
  readonly protectionSid: string;
  /** The AES-256 wrapped content-encryption key (RFC 3394). */
  readonly encryptedKey: Uint8Array;
  readonly nonce: Uint8Array;
  readonly tagLength: number;
  /** Ciphertext followed by the GCM tag. */
  readonly encryptedContent: Uint8Array;
}

const OID_ENVELOPED_DATA = encodeOid('1.2.840.113549.1.7.3');
const OID_DATA = encodeOid('1.2.840.113549.1.7.1');
const OID_PROTECTION_DESCRIPTOR_TYPE = encodeOid('1.3.6.1.4.1.311.74.1');
const OID_SID_PROTECTION_DESCRIPTOR = encodeOid('1.3.6.1.4.1.311.74.1.1');
const OID_AES256_WRAP = encodeOid('2.16.840.1.101.3.4.1.45');
const OID_AES256_GCM = encodeOid('2.16.840.1.101.3.4.1.46');

const TAG_CONTEXT_0_CONSTRUCTED = 0xa0;
const TAG_CONTEXT_0_PRIMITIVE = 0x80;
const TAG_CONTEXT_1_CONSTRUCTED = 0xa1;
const TAG_CONTEXT_2_CONSTRUCTED = 0xa2;

export function parseDpapiNgBlob(data: Uint8Array): DpapiNgBlob {
  const outer = new DerReader(data);
  const contentInfo = outer.contents(TAG.SEQUENCE, 'ContentInfo');
  const trailing = outer.rest();

  const ci = new DerReader(contentInfo);
  expectOid(
    ci.contents(TAG.OID, 'content type'),
    OID_ENVELOPED_DATA,
    'content type',
    'the content is not EnvelopedData',
  );
  const explicit = new DerReader(ci.contents(TAG_CONTEXT_0_CONSTRUCTED, 'content'));
  ci.end('ContentInfo');
  const enveloped = new DerReader(explicit.contents(TAG.SEQUENCE, 'EnvelopedData'));
  explicit.end('content');

  const version = decodeSmallInteger(enveloped.contents(TAG.INTEGER, 'version'), 'version');
  if (version !== 2) throw malformed(`EnvelopedData version ${version} is not 2`);
  enveloped.readOptional(TAG_CONTEXT_0_CONSTRUCTED, 'originatorInfo');
  const recipients = new DerReader(enveloped.contents(TAG.SET, 'recipientInfos'));
  const kekri = new DerReader(recipients.contents(TAG_CONTEXT_2_CONSTRUCTED, 'KEKRecipientInfo'));
  recipients.end('recipientInfos (only one KEK recipient is supported)');
  const eci = new DerReader(enveloped.contents(TAG.SEQUENCE, 'EncryptedContentInfo'));
  enveloped.readOptional(TAG_CONTEXT_1_CONSTRUCTED, 'unprotectedAttrs');
  enveloped.end('EnvelopedData');

  // KEKRecipientInfo ::= SEQUENCE { version (4), kekid, keyEncryptionAlgorithm, encryptedKey }
  const kekVersion = decodeSmallInteger(kekri.contents(TAG.INTEGER, 'KEK version'), 'KEK version');
  if (kekVersion !== 4) throw malformed(`KEKRecipientInfo version ${kekVersion} is not 4`);
  const kekid = new DerReader(kekri.contents(TAG.SEQUENCE, 'KEKIdentifier'));
  const keyIdentifier = kekid.contents(TAG.OCTET_STRING, 'keyIdentifier');
  kekid.readOptional(TAG.GENERALIZED_TIME, 'KEK date');
  const other = new DerReader(kekid.contents(TAG.SEQUENCE, 'OtherKeyAttribute'));
  kekid.end('KEKIdentifier');
  expectOid(
    other.contents(TAG.OID, 'keyAttrId'),
    OID_PROTECTION_DESCRIPTOR_TYPE,
    'keyAttrId',
    'the key attribute is not a protection descriptor',
  );
  const protectionSid = parseProtectionDescriptor(
    other.contents(TAG.SEQUENCE, 'protection descriptor'),
  );
  other.end('OtherKeyAttribute');

  const kea = new DerReader(kekri.contents(TAG.SEQUENCE, 'keyEncryptionAlgorithm'));
  expectOid(
    kea.contents(TAG.OID, 'key encryption algorithm'),
    OID_AES256_WRAP,
    'key encryption algorithm',
    'the key encryption algorithm is not AES-256 key wrap',
  );
  const encryptedKey = kekri.contents(TAG.OCTET_STRING, 'encryptedKey');
  kekri.end('KEKRecipientInfo');
  if (encryptedKey.length !== 40)
    throw malformed(`the wrapped key is ${encryptedKey.length} bytes, not 40`);

  // EncryptedContentInfo ::= SEQUENCE { contentType, contentEncryptionAlgorithm, [0] encryptedContent OPTIONAL }
  expectOid(
    eci.contents(TAG.OID, 'encrypted content type'),
    OID_DATA,
    'encrypted content type',
    'the encrypted content type is not id-data',
  );
  const cea = new DerReader(eci.contents(TAG.SEQUENCE, 'content encryption algorithm'));
  expectOid(
    cea.contents(TAG.OID, 'content encryption algorithm'),
    OID_AES256_GCM,
    'content encryption algorithm',
    'the content encryption algorithm is not AES-256-GCM',
  );
  // GCMParameters ::= SEQUENCE { aes-nonce OCTET STRING, aes-ICVlen INTEGER DEFAULT 12 } (RFC 5084 3.2)
  const gcm = new DerReader(cea.contents(TAG.SEQUENCE, 'GCM parameters'));
  cea.end('content encryption algorithm');
  const nonce = gcm.contents(TAG.OCTET_STRING, 'GCM nonce');
  const icv = gcm.readOptional(TAG.INTEGER, 'GCM tag length');
  gcm.end('GCM parameters');
  const tagLength = icv === undefined ? 12 : decodeSmallInteger(icv.content, 'GCM tag length');
  if (nonce.length !== 12) throw malformed(`the GCM nonce is ${nonce.length} bytes, not 12`);
  if (tagLength !== 16) throw malformed(`the GCM tag length is ${tagLength}, not 16`);
  const inner = eci.readOptional(TAG_CONTEXT_0_PRIMITIVE, 'encryptedContent');
  eci.end('EncryptedContentInfo');

  if (inner !== undefined && trailing.length > 0)
    throw malformed('the content is both inside and after the envelope');
  const encryptedContent = inner?.content ?? trailing;
  if (encryptedContent.length < tagLength)
    throw malformed('the encrypted content is shorter than its tag');
  return { keyIdentifier, protectionSid, encryptedKey, nonce, tagLength, encryptedContent };
}

/**
 * The SID protection descriptor (MS-GKDI 3.1.4.1.1 ... as Windows encodes it):
 * SEQ { OID 1.3.6.1.4.1.311.74.1.1, SEQ { SEQ { SEQ { UTF8 "SID", UTF8 sid } } } }.
 */
function parseProtectionDescriptor(content: Uint8Array): string {
  const pd = new DerReader(content);
  expectOid(
    pd.contents(TAG.OID, 'protection descriptor type'),
    OID_SID_PROTECTION_DESCRIPTOR,
    'protection descriptor type',
    'the protection descriptor is not a SID descriptor',
  );
  const l1 = new DerReader(pd.contents(TAG.SEQUENCE, 'protection descriptor'));
  pd.end('protection descriptor');
  const l2 = new DerReader(l1.contents(TAG.SEQUENCE, 'protection descriptor'));
  l1.end('protection descriptor (only one SID is supported)');
  const pair = new DerReader(l2.contents(TAG.SEQUENCE, 'protection descriptor'));
  l2.end('protection descriptor (only one SID is supported)');
  const name = pair.contents(TAG.UTF8_STRING, 'descriptor name');
  const value = utf8(pair.contents(TAG.UTF8_STRING, 'descriptor value'));
  pair.end('protection descriptor');
  // "SID" compared as bytes, and decoded only to say what it is instead.
  if (name.length !== 3 || name[0] !== 0x53 || name[1] !== 0x49 || name[2] !== 0x44)
    throw malformed(`the protection descriptor is "${utf8(name)}", not SID`);
  if (!/^S-1-\d{1,15}(-\d{1,10}){0,15}$/.test(value))
    throw malformed('the protection descriptor SID is not a SID');
  return value;
}

/** One decoder for every blob: making one costs about as much as the rest of the descriptor. */
const UTF8 = new TextDecoder('utf-8', { fatal: true });

function utf8(bytes: Uint8Array): string {
  try {
    return UTF8.decode(bytes);
  } catch {
    throw malformed('a descriptor string is not UTF-8');
  }
}
