/**
 * NTLMSSP with NTLMv2 and extended session security, signing and sealing (MS-NLMP).
 * Pure message builders and key derivations, plus NtlmSecurityProvider for DCE/RPC.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { AuthenticationError, MalformedDataError } from '../errors/laps-error.js';
import { md4 } from './md4.js';
import { Rc4, rc4 } from './rc4.js';
import type { RpcSecurityProvider } from './security.js';

/** MS-NLMP 2.2.2.5 NEGOTIATE flags. */
export const NtlmFlag = {
  unicode: 0x00000001,
  requestTarget: 0x00000004,
  sign: 0x00000010,
  seal: 0x00000020,
  ntlm: 0x00000200,
  alwaysSign: 0x00008000,
  extendedSessionSecurity: 0x00080000,
  targetInfo: 0x00800000,
  version: 0x02000000,
  key128: 0x20000000,
  keyExchange: 0x40000000,
  key56: 0x80000000,
} as const;

export const DEFAULT_NTLM_FLAGS =
  (NtlmFlag.unicode |
    NtlmFlag.requestTarget |
    NtlmFlag.sign |
    NtlmFlag.seal |
    NtlmFlag.ntlm |
    NtlmFlag.alwaysSign |
    NtlmFlag.extendedSessionSecurity |
    NtlmFlag.targetInfo |
    NtlmFlag.version |
    NtlmFlag.key128 |
    NtlmFlag.keyExchange |
    NtlmFlag.key56) >>>
  0;

const SIGNATURE = Buffer.from('NTLMSSP\0', 'latin1');
/** MS-NLMP 2.2.2.10 VERSION: 6.1 build 7601, NTLMSSP_REVISION_W2K3 (15). */
const VERSION = Buffer.from([6, 1, 0xb1, 0x1d, 0, 0, 0, 15]);

/** MS-NLMP 2.2.2.1 AvId values used here. */
export const AvId = { eol: 0, nbDomainName: 2, flags: 6, timestamp: 7 } as const;

export interface AvPair {
  readonly id: number;
  readonly value: Buffer;
}

export interface NtlmChallenge {
  readonly flags: number;
  readonly serverChallenge: Buffer;
  readonly targetName: string;
  readonly targetInfo: readonly AvPair[];
  /** The whole CHALLENGE message, for the MIC. */
  readonly raw: Buffer;
}

export interface NtlmCredentials {
  readonly user: string;
  readonly domain: string;
  readonly password: string;
}

const utf16 = (text: string): Buffer => Buffer.from(text, 'utf16le');
const hmacMd5 = (key: Uint8Array, ...parts: Uint8Array[]): Buffer => {
  const mac = createHmac('md5', key);
  for (const part of parts) mac.update(part);
  return mac.digest();
};
const md5 = (...parts: Uint8Array[]): Buffer => {
  const hash = createHash('md5');
  for (const part of parts) hash.update(part);
  return hash.digest();
};

/** MS-NLMP 2.2.1.1 NEGOTIATE_MESSAGE, with empty domain and workstation fields. */
export function encodeNegotiate(flags: number = DEFAULT_NTLM_FLAGS): Buffer {
  const out = Buffer.alloc(40);
  SIGNATURE.copy(out, 0);
  out.writeUInt32LE(1, 8);
  out.writeUInt32LE(flags >>> 0, 12);
  // DomainNameFields and WorkstationFields: empty, offset at the end of the fixed part.
  out.writeUInt32LE(40, 20);
  out.writeUInt32LE(40, 28);
  VERSION.copy(out, 32);
  return out;
}

function readField(message: Buffer, at: number): Buffer {
  const length = message.readUInt16LE(at);
  const offset = message.readUInt32LE(at + 4);
  if (offset + length > message.length) {
    throw new MalformedDataError('An NTLM message field runs past the end of the message.');
  }
  return message.subarray(offset, offset + length);
}

export function decodeAvPairs(bytes: Buffer): AvPair[] {
  const pairs: AvPair[] = [];
  let at = 0;
  while (at + 4 <= bytes.length) {
    const id = bytes.readUInt16LE(at);
    const length = bytes.readUInt16LE(at + 2);
    if (id === AvId.eol) return pairs;
    if (at + 4 + length > bytes.length) {
      throw new MalformedDataError('An NTLM AV_PAIR runs past the end of the target info.');
    }
    pairs.push({ id, value: Buffer.from(bytes.subarray(at + 4, at + 4 + length)) });
    at += 4 + length;
  }
  throw new MalformedDataError('The NTLM target info has no MsvAvEOL.');
}

export function encodeAvPairs(pairs: readonly AvPair[]): Buffer {
  const parts: Buffer[] = [];
  for (const pair of pairs) {
    const head = Buffer.alloc(4);
    head.writeUInt16LE(pair.id, 0);
    head.writeUInt16LE(pair.value.length, 2);
    parts.push(head, pair.value);
  }
  parts.push(Buffer.alloc(4));
  return Buffer.concat(parts);
}

/** MS-NLMP 2.2.1.2 CHALLENGE_MESSAGE. */
export function decodeChallenge(message: Uint8Array): NtlmChallenge {
  const raw = Buffer.from(message);
  if (raw.length < 48 || !raw.subarray(0, 8).equals(SIGNATURE) || raw.readUInt32LE(8) !== 2) {
    throw new MalformedDataError('The server did not answer with an NTLM CHALLENGE message.');
  }
  const flags = raw.readUInt32LE(20);
  const hasTargetInfo = (flags & NtlmFlag.targetInfo) !== 0;
  return {
    flags,
    serverChallenge: Buffer.from(raw.subarray(24, 32)),
    targetName: readField(raw, 12).toString(
      (flags & NtlmFlag.unicode) !== 0 ? 'utf16le' : 'latin1',
    ),
    targetInfo: hasTargetInfo ? decodeAvPairs(readField(raw, 40)) : [],
    raw,
  };
}

/** MS-NLMP 3.3.2 NTOWFv2. */
export function ntowfv2(credentials: NtlmCredentials): Buffer {
  return ntowfv2FromHash(md4(utf16(credentials.password)), credentials.user, credentials.domain);
}

/** MS-NLMP 3.3.2 NTOWFv2 from the account's NT hash (MD4 of the UTF-16LE password). */
export function ntowfv2FromHash(ntHash: Uint8Array, user: string, domain: string): Buffer {
  return hmacMd5(ntHash, utf16(user.toUpperCase() + domain));
}

export interface NtlmV2Response {
  readonly ntProofStr: Buffer;
  readonly ntChallengeResponse: Buffer;
  readonly lmChallengeResponse: Buffer;
  readonly sessionBaseKey: Buffer;
}

/** MS-NLMP 3.3.2 ComputeResponse for NTLMv2; `serverName` is the AV_PAIR bytes sent back. */
export function computeNtlmV2Response(
  responseKeyNt: Uint8Array,
  serverChallenge: Uint8Array,
  clientChallenge: Uint8Array,
  timestamp: Uint8Array,
  serverName: Uint8Array,
): NtlmV2Response {
  // temp = Responserversion 1, HiResponserversion 1, Z(6), Time, ClientChallenge, Z(4), ServerName, Z(4)
  const temp = Buffer.concat([
    Buffer.from([1, 1, 0, 0, 0, 0, 0, 0]),
    timestamp,
    clientChallenge,
    Buffer.alloc(4),
    serverName,
    Buffer.alloc(4),
  ]);
  const { ntProofStr, sessionBaseKey } = computeNtProof(responseKeyNt, serverChallenge, temp);
  return {
    ntProofStr,
    ntChallengeResponse: Buffer.concat([ntProofStr, temp]),
    lmChallengeResponse: Buffer.concat([
      hmacMd5(responseKeyNt, serverChallenge, clientChallenge),
      clientChallenge,
    ]),
    sessionBaseKey,
  };
}

/**
 * MS-NLMP 3.3.2: NTProofStr over `temp` (the NTLMv2 response after its first 16 bytes) and the
 * session base key it gives; a server recomputes it to check a client's response.
 */
export function computeNtProof(
  responseKeyNt: Uint8Array,
  serverChallenge: Uint8Array,
  temp: Uint8Array,
): { readonly ntProofStr: Buffer; readonly sessionBaseKey: Buffer } {
  const ntProofStr = hmacMd5(responseKeyNt, serverChallenge, temp);
  return { ntProofStr, sessionBaseKey: hmacMd5(responseKeyNt, ntProofStr) };
}

/** MS-NLMP 3.1.5.1.2 MIC over the three messages (AUTHENTICATE with its MIC field zeroed). */
export function computeMic(
  exportedSessionKey: Uint8Array,
  negotiate: Uint8Array,
  challenge: Uint8Array,
  authenticate: Uint8Array,
): Buffer {
  return hmacMd5(exportedSessionKey, negotiate, challenge, authenticate);
}

export interface SessionKeys {
  readonly clientSigningKey: Buffer;
  readonly serverSigningKey: Buffer;
  readonly clientSealingKey: Buffer;
  readonly serverSealingKey: Buffer;
}

/** MS-NLMP 3.4.5.2 SIGNKEY and 3.4.5.3 SEALKEY, with extended session security and 128-bit keys. */
export function deriveSessionKeys(exportedSessionKey: Uint8Array): SessionKeys {
  const magic = (text: string): Buffer => Buffer.from(`${text}\0`, 'latin1');
  return {
    clientSigningKey: md5(
      exportedSessionKey,
      magic('session key to client-to-server signing key magic constant'),
    ),
    serverSigningKey: md5(
      exportedSessionKey,
      magic('session key to server-to-client signing key magic constant'),
    ),
    clientSealingKey: md5(
      exportedSessionKey,
      magic('session key to client-to-server sealing key magic constant'),
    ),
    serverSealingKey: md5(
      exportedSessionKey,
      magic('session key to server-to-client sealing key magic constant'),
    ),
  };
}

/** MS-NLMP 3.4.4.2 MAC with extended session security and key exchange: the 16-byte signature. */
export function computeSignature(
  signingKey: Uint8Array,
  sealingHandle: Rc4,
  sequenceNumber: number,
  message: Uint8Array,
): Buffer {
  const seq = Buffer.alloc(4);
  seq.writeUInt32LE(sequenceNumber >>> 0, 0);
  const checksum = sealingHandle.update(hmacMd5(signingKey, seq, message).subarray(0, 8));
  const signature = Buffer.alloc(16);
  signature.writeUInt32LE(1, 0);
  checksum.copy(signature, 4);
  seq.copy(signature, 12);
  return signature;
}

function field(length: number, offset: number): Buffer {
  const out = Buffer.alloc(8);
  out.writeUInt16LE(length, 0);
  out.writeUInt16LE(length, 2);
  out.writeUInt32LE(offset, 4);
  return out;
}

export interface AuthenticateInput {
  readonly credentials: NtlmCredentials;
  readonly negotiate: Buffer;
  readonly challenge: NtlmChallenge;
  readonly clientChallenge: Buffer;
  readonly exportedSessionKey: Buffer;
  /** FILETIME bytes, used when the server sent no MsvAvTimestamp. */
  readonly timestamp: Buffer;
  readonly workstation: string;
}

/** MS-NLMP 2.2.1.3 AUTHENTICATE_MESSAGE with a MIC (3.1.5.1.2). */
export function encodeAuthenticate(input: AuthenticateInput): {
  readonly message: Buffer;
  readonly exportedSessionKey: Buffer;
  readonly flags: number;
} {
  const { challenge, credentials } = input;
  const flags = (DEFAULT_NTLM_FLAGS & challenge.flags) >>> 0;
  const serverTimestamp = challenge.targetInfo.find((pair) => pair.id === AvId.timestamp);
  const flagsPair = Buffer.alloc(4);
  flagsPair.writeUInt32LE(0x2, 0); // MIC present
  const targetInfo = [
    ...challenge.targetInfo.filter((pair) => pair.id !== AvId.flags),
    { id: AvId.flags, value: flagsPair },
  ];
  const response = computeNtlmV2Response(
    ntowfv2(credentials),
    challenge.serverChallenge,
    input.clientChallenge,
    serverTimestamp?.value ?? input.timestamp,
    encodeAvPairs(targetInfo),
  );
  // With MsvAvTimestamp the LM response is Z(24) (MS-NLMP 3.1.5.1.2).
  const lmResponse = serverTimestamp ? Buffer.alloc(24) : response.lmChallengeResponse;
  const hasKeyExchange = (flags & NtlmFlag.keyExchange) !== 0;
  const exportedSessionKey = hasKeyExchange ? input.exportedSessionKey : response.sessionBaseKey;
  const encryptedKey = hasKeyExchange
    ? rc4(response.sessionBaseKey, input.exportedSessionKey)
    : Buffer.alloc(0);

  const payload = [
    utf16(credentials.domain),
    utf16(credentials.user),
    utf16(input.workstation),
    lmResponse,
    response.ntChallengeResponse,
    encryptedKey,
  ] as const;
  const offsets: number[] = [];
  let offset = 88;
  for (const part of payload) {
    offsets.push(offset);
    offset += part.length;
  }
  const at = (i: number): number => offsets[i] ?? 0;
  const header = Buffer.concat([
    SIGNATURE,
    Buffer.from([3, 0, 0, 0]),
    field(payload[3].length, at(3)),
    field(payload[4].length, at(4)),
    field(payload[0].length, at(0)),
    field(payload[1].length, at(1)),
    field(payload[2].length, at(2)),
    field(payload[5].length, at(5)),
    Buffer.alloc(4),
    VERSION,
    Buffer.alloc(16),
  ]);
  header.writeUInt32LE(flags, 60);
  const message = Buffer.concat([header, ...payload]);
  computeMic(exportedSessionKey, input.negotiate, challenge.raw, message).copy(message, 72);
  return { message, exportedSessionKey, flags };
}

/** FILETIME (100 ns since 1601) of now, little-endian. */
export function fileTimeNow(): Buffer {
  const out = Buffer.alloc(8);
  out.writeBigUInt64LE((BigInt(Date.now()) + 11_644_473_600_000n) * 10_000n, 0);
  return out;
}

/** Which end of an NTLM session an instance is: it seals with its own keys, opens with the peer's. */
export type NtlmRole = 'client' | 'server';

/**
 * MS-NLMP 3.4 session security with extended session security and key exchange: the signing and
 * sealing keys of each direction, their RC4 handles and sequence numbers. A client-role and a
 * server-role instance built from the same exported session key talk to each other.
 */
export class NtlmSessionSecurity {
  readonly #sendSigningKey: Buffer;
  readonly #receiveSigningKey: Buffer;
  readonly #sendSeal: Rc4;
  readonly #receiveSeal: Rc4;
  readonly #badSignature: () => Error;
  #sendSequence = 0;
  #receiveSequence = 0;

  /** `badSignature` makes the error unseal() throws when a signature does not verify. */
  constructor(exportedSessionKey: Uint8Array, role: NtlmRole, badSignature?: () => Error) {
    const keys = deriveSessionKeys(exportedSessionKey);
    const client = { signing: keys.clientSigningKey, sealing: keys.clientSealingKey };
    const server = { signing: keys.serverSigningKey, sealing: keys.serverSealingKey };
    const [send, receive] = role === 'client' ? [client, server] : [server, client];
    this.#sendSigningKey = send.signing;
    this.#receiveSigningKey = receive.signing;
    this.#sendSeal = new Rc4(send.sealing);
    this.#receiveSeal = new Rc4(receive.sealing);
    const what = role === 'client' ? 'response' : 'request';
    this.#badSignature =
      badSignature ??
      (() =>
        new MalformedDataError(
          `A sealed RPC ${what} failed its NTLM signature check: the data was altered or the keys disagree.`,
        ));
  }

  /** MS-NLMP 3.4.3 SEAL then MAC: encrypts `plaintext` and signs `toSign` (which holds it). */
  seal(plaintext: Uint8Array, toSign: Uint8Array): { sealed: Buffer; signature: Buffer } {
    const sealed = this.#sendSeal.update(plaintext);
    const signature = computeSignature(
      this.#sendSigningKey,
      this.#sendSeal,
      this.#sendSequence++,
      toSign,
    );
    return { sealed, signature };
  }

  /** Decrypts the peer's `sealed` and checks `signature` over toSign(plaintext), or throws. */
  unseal(
    sealed: Uint8Array,
    signature: Uint8Array,
    toSign: (plaintext: Buffer) => Uint8Array,
  ): Buffer {
    const plaintext = this.#receiveSeal.update(sealed);
    const expected = computeSignature(
      this.#receiveSigningKey,
      this.#receiveSeal,
      this.#receiveSequence++,
      toSign(plaintext),
    );
    if (signature.length !== 16 || !timingSafeEqual(expected, signature)) {
      throw this.#badSignature();
    }
    return plaintext;
  }
}

/** NTLM for DCE/RPC at packet privacy (MS-RPCE 3.3.1.5.2, auth_type 10). */
export class NtlmSecurityProvider implements RpcSecurityProvider {
  readonly authType = 10;
  readonly signatureSize = 16;
  readonly #credentials: NtlmCredentials;
  #negotiate: Buffer | undefined;
  #session: NtlmSessionSecurity | undefined;

  constructor(credentials: NtlmCredentials) {
    this.#credentials = credentials;
  }

  initialToken(): Buffer {
    this.#negotiate = encodeNegotiate();
    return this.#negotiate;
  }

  nextToken(serverToken: Uint8Array): Buffer | undefined {
    if (!this.#negotiate) throw new Error('initialToken() must come before nextToken().');
    if (this.#session) return undefined;
    const challenge = decodeChallenge(serverToken);
    const required = NtlmFlag.seal | NtlmFlag.sign | NtlmFlag.extendedSessionSecurity;
    if ((challenge.flags & required) !== required) {
      throw new AuthenticationError(
        'The server refused NTLM signing and sealing with extended session security: packet privacy is not possible.',
      );
    }
    const { message, exportedSessionKey } = encodeAuthenticate({
      credentials: this.#credentials,
      negotiate: this.#negotiate,
      challenge,
      clientChallenge: randomBytes(8),
      exportedSessionKey: randomBytes(16),
      timestamp: fileTimeNow(),
      workstation: '',
    });
    this.#session = new NtlmSessionSecurity(exportedSessionKey, 'client');
    return message;
  }

  seal(plaintext: Uint8Array, toSign: Uint8Array): { sealed: Buffer; signature: Buffer } {
    if (!this.#session) throw new Error('NTLM is not established yet.');
    return this.#session.seal(plaintext, toSign);
  }

  unseal(
    sealed: Uint8Array,
    signature: Uint8Array,
    toSign: (plaintext: Buffer) => Uint8Array,
  ): Buffer {
    if (!this.#session) throw new Error('NTLM is not established yet.');
    return this.#session.unseal(sealed, signature, toSign);
  }
}

/* ---- Server side (used by the lab's GKDI server fixture) ---- */

/** MS-NLMP 2.2.2.1 AvId values a server puts in its CHALLENGE. */
export const ServerAvId = {
  nbComputerName: 1,
  nbDomainName: 2,
  dnsComputerName: 3,
  dnsDomainName: 4,
  dnsTreeName: 5,
  flags: 6,
  timestamp: 7,
} as const;

/** MS-NLMP 2.2.2.5 flag a server sets in CHALLENGE for a domain target. */
export const NTLMSSP_TARGET_TYPE_DOMAIN = 0x00010000;

/** MS-NLMP 2.2.1.1: the flags of a NEGOTIATE_MESSAGE. */
export function decodeNegotiateFlags(message: Uint8Array): number {
  const raw = Buffer.from(message);
  if (raw.length < 16 || !raw.subarray(0, 8).equals(SIGNATURE) || raw.readUInt32LE(8) !== 1) {
    throw new MalformedDataError('The client did not start with an NTLM NEGOTIATE message.');
  }
  return raw.readUInt32LE(12);
}

/** MS-NLMP 2.2.1.2 CHALLENGE_MESSAGE with a target name and target info. */
export function encodeChallenge(input: {
  readonly flags: number;
  readonly serverChallenge: Uint8Array;
  readonly targetName: string;
  readonly targetInfo: readonly AvPair[];
}): Buffer {
  const name = utf16(input.targetName);
  const info = encodeAvPairs(input.targetInfo);
  const head = Buffer.alloc(56);
  SIGNATURE.copy(head, 0);
  head.writeUInt32LE(2, 8);
  field(name.length, 56).copy(head, 12);
  head.writeUInt32LE(input.flags >>> 0, 20);
  Buffer.from(input.serverChallenge).copy(head, 24);
  field(info.length, 56 + name.length).copy(head, 40);
  VERSION.copy(head, 48);
  return Buffer.concat([head, name, info]);
}

/** MS-NLMP 2.2.1.3 AUTHENTICATE_MESSAGE as a server reads it. */
export interface NtlmAuthenticate {
  readonly flags: number;
  readonly lmResponse: Buffer;
  readonly ntResponse: Buffer;
  readonly domain: string;
  readonly user: string;
  readonly workstation: string;
  readonly encryptedRandomSessionKey: Buffer;
  /** The 16 bytes at offset 72 (meaningful only when MsvAvFlags says a MIC is present). */
  readonly mic: Buffer;
  readonly raw: Buffer;
}

export function decodeAuthenticate(message: Uint8Array): NtlmAuthenticate {
  const raw = Buffer.from(message);
  if (raw.length < 88 || !raw.subarray(0, 8).equals(SIGNATURE) || raw.readUInt32LE(8) !== 3) {
    throw new MalformedDataError('The client did not send an NTLM AUTHENTICATE message.');
  }
  const flags = raw.readUInt32LE(60);
  const text = (at: number): string =>
    readField(raw, at).toString((flags & NtlmFlag.unicode) !== 0 ? 'utf16le' : 'latin1');
  return {
    flags,
    lmResponse: Buffer.from(readField(raw, 12)),
    ntResponse: Buffer.from(readField(raw, 20)),
    domain: text(28),
    user: text(36),
    workstation: text(44),
    encryptedRandomSessionKey: Buffer.from(readField(raw, 52)),
    mic: Buffer.from(raw.subarray(72, 88)),
    raw,
  };
}
