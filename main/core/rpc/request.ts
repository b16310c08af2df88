/**
 * Requests and responses at an authentication level (MS-RPCE 3.3.1.5.2, C706 12.6.4.9 and
 * 12.6.4.10): fragmenting a stub over max_xmit_frag, sealing each fragment, and opening and
 * reassembling response fragments.
 */
import { AuthenticationError, MalformedDataError } from '../errors/laps-error.js';
import {
  AUTH_PAD_ALIGNMENT,
  AuthLevel,
  HEADER_SIZE,
  PduType,
  PfcFlag,
  SEC_TRAILER_SIZE,
  encodeHeader,
  encodeSecTrailer,
  type Pdu,
} from './pdu.js';
import type { RpcSecurityProvider } from './security.js';

/** C706 12.6.4.9: alloc_hint, p_cont_id, opnum after the common header. */
const REQUEST_HEADER_SIZE = HEADER_SIZE + 8;
const RESPONSE_HEADER_SIZE = HEADER_SIZE + 8;

export interface RequestInput {
  readonly callId: number;
  readonly contextId: number;
  readonly opnum: number;
  readonly stub: Uint8Array;
  readonly maxXmitFrag: number;
  /** Without one, the request goes unauthenticated. */
  readonly security?: RpcSecurityProvider | undefined;
  readonly authContextId?: number;
}

/** Encodes a request as one or more fragments, each sealed and signed on its own. */
export function encodeRequestFragments(input: RequestInput): Buffer[] {
  const security = input.security;
  const overhead =
    REQUEST_HEADER_SIZE +
    (security ? SEC_TRAILER_SIZE + security.signatureSize + AUTH_PAD_ALIGNMENT : 0);
  // Fragment stub sizes stay multiples of 16 so only the last one needs auth padding.
  const maxStub =
    Math.floor((input.maxXmitFrag - overhead) / AUTH_PAD_ALIGNMENT) * AUTH_PAD_ALIGNMENT;
  if (maxStub <= 0) throw new RangeError(`max_xmit_frag ${input.maxXmitFrag} is too small.`);
  const stub = Buffer.from(input.stub);
  const fragments: Buffer[] = [];
  let at = 0;
  do {
    const chunk = stub.subarray(at, at + maxStub);
    at += chunk.length;
    const flags =
      (fragments.length === 0 ? PfcFlag.firstFrag : 0) | (at >= stub.length ? PfcFlag.lastFrag : 0);
    fragments.push(encodeRequestFragment(input, chunk, flags, stub.length - (at - chunk.length)));
  } while (at < stub.length);
  return fragments;
}

function encodeRequestFragment(
  input: RequestInput,
  chunk: Buffer,
  flags: number,
  allocHint: number,
): Buffer {
  const security = input.security;
  const body = Buffer.alloc(8);
  body.writeUInt32LE(allocHint, 0);
  body.writeUInt16LE(input.contextId, 4);
  body.writeUInt16LE(input.opnum, 6);
  if (!security) {
    const header = encodeHeader({
      type: PduType.request,
      flags,
      fragLength: REQUEST_HEADER_SIZE + chunk.length,
      authLength: 0,
      callId: input.callId,
    });
    return Buffer.concat([header, body, chunk]);
  }
  const padLength = (AUTH_PAD_ALIGNMENT - (chunk.length % AUTH_PAD_ALIGNMENT)) % AUTH_PAD_ALIGNMENT;
  const plaintext = Buffer.concat([chunk, Buffer.alloc(padLength)]);
  const trailer = encodeSecTrailer({
    authType: security.authType,
    authLevel: AuthLevel.packetPrivacy,
    padLength,
    contextId: input.authContextId ?? 0,
  });
  const header = encodeHeader({
    type: PduType.request,
    flags,
    fragLength: REQUEST_HEADER_SIZE + plaintext.length + SEC_TRAILER_SIZE + security.signatureSize,
    authLength: security.signatureSize,
    callId: input.callId,
  });
  const { sealed, signature } = security.seal(
    plaintext,
    Buffer.concat([header, body, plaintext, trailer]),
  );
  return Buffer.concat([header, body, sealed, trailer, signature]);
}

/**
 * Opens one response fragment: checks the signature and decrypts at packet privacy, and drops
 * the auth padding. Returns the fragment's stub bytes.
 */
export function openResponseFragment(
  pdu: Extract<Pdu, { kind: 'response' }>,
  raw: Buffer,
  security: RpcSecurityProvider | undefined,
): Buffer {
  if (!security) {
    if (pdu.auth)
      throw new MalformedDataError('An unauthenticated RPC call got an authenticated response.');
    return pdu.stub;
  }
  const auth = pdu.auth;
  if (!auth || auth.authLevel !== AuthLevel.packetPrivacy || auth.authType !== security.authType) {
    throw new AuthenticationError(
      'The server answered a sealed RPC call without sealing its response.',
    );
  }
  if (auth.padLength > pdu.stub.length || auth.value.length !== security.signatureSize) {
    throw new MalformedDataError(
      'A sealed RPC response has impossible auth padding or signature size.',
    );
  }
  const prefix = raw.subarray(0, RESPONSE_HEADER_SIZE);
  const trailerAt = RESPONSE_HEADER_SIZE + pdu.stub.length;
  const trailer = raw.subarray(trailerAt, trailerAt + SEC_TRAILER_SIZE);
  const plaintext = security.unseal(pdu.stub, auth.value, (opened) =>
    Buffer.concat([prefix, opened, trailer]),
  );
  return plaintext.subarray(0, plaintext.length - auth.padLength);
}

/** Collects response fragments of one call until PFC_LAST_FRAG (C706 12.6.3.1). */
export class ResponseAssembler {
  readonly #parts: Buffer[] = [];
  #length = 0;

  constructor(readonly maxStubBytes: number) {}

  /** Adds a fragment's stub; true when it was the last. */
  add(stub: Buffer, flags: number): boolean {
    if (this.#parts.length === 0 && (flags & PfcFlag.firstFrag) === 0) {
      throw new MalformedDataError('An RPC response began without its first fragment.');
    }
    this.#length += stub.length;
    if (this.#length > this.maxStubBytes) {
      throw new MalformedDataError(`An RPC response grew past ${this.maxStubBytes} bytes.`);
    }
    this.#parts.push(stub);
    return (flags & PfcFlag.lastFrag) !== 0;
  }

  get stub(): Buffer {
    return Buffer.concat(this.#parts);
  }
}
