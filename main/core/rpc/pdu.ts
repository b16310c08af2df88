/**
 * Connection-oriented DCE/RPC PDUs (C706 chapter 12.6, MS-RPCE 2.2.2): pure encode and decode
 * over readonly types. Everything is little-endian with ASCII and IEEE floats (drep 10 00 00 00);
 * a PDU in another data representation is refused.
 */
import { MalformedDataError } from '../errors/laps-error.js';

/** C706 12.6.3.1 PTYPE values. */
export const PduType = {
  request: 0,
  response: 2,
  fault: 3,
  bind: 11,
  bindAck: 12,
  bindNak: 13,
  alterContext: 14,
  alterContextResp: 15,
  auth3: 16,
  shutdown: 17,
} as const;

/** C706 12.6.3.1 pfc_flags; 0x04 in bind is PFC_SUPPORT_HEADER_SIGN (MS-RPCE 2.2.2.3). */
export const PfcFlag = {
  firstFrag: 0x01,
  lastFrag: 0x02,
  supportHeaderSign: 0x04,
  concurrentMultiplex: 0x10,
  didNotExecute: 0x20,
  objectUuid: 0x80,
} as const;

/** MS-RPCE 2.2.1.1.8 authentication levels. */
export const AuthLevel = { connect: 2, packetIntegrity: 5, packetPrivacy: 6 } as const;

export const HEADER_SIZE = 16;
export const SEC_TRAILER_SIZE = 8;
/** MS-RPCE 2.2.2.11: stub data is padded so the sec_trailer starts on a 16-byte boundary. */
export const AUTH_PAD_ALIGNMENT = 16;

/** C706 12.6.3.1 the common header. */
export interface PduHeader {
  readonly type: number;
  readonly flags: number;
  readonly fragLength: number;
  readonly authLength: number;
  readonly callId: number;
}

/** C706 13.2.6.1 / MS-RPCE 2.2.2.11 sec_trailer and auth_value. */
export interface AuthVerifier {
  readonly authType: number;
  readonly authLevel: number;
  readonly padLength: number;
  readonly contextId: number;
  readonly value: Buffer;
}

/** A syntax identifier: interface or transfer syntax UUID and version (C706 12.6.3.1 p_syntax_id_t). */
export interface SyntaxId {
  readonly uuid: string;
  readonly versionMajor: number;
  readonly versionMinor: number;
}

/** C706 appendix I (NDR 2.0) transfer syntax. */
export const NDR20: SyntaxId = {
  uuid: '8a885d04-1ceb-11c9-9fe8-08002b104860',
  versionMajor: 2,
  versionMinor: 0,
};

export interface PresentationContext {
  readonly contextId: number;
  readonly abstractSyntax: SyntaxId;
  readonly transferSyntaxes: readonly SyntaxId[];
}

export interface BindBody {
  readonly maxXmitFrag: number;
  readonly maxRecvFrag: number;
  readonly assocGroupId: number;
  readonly contexts: readonly PresentationContext[];
}

export interface ContextResult {
  /** 0 acceptance, 1 user rejection, 2 provider rejection, 3 negotiate_ack. */
  readonly result: number;
  readonly reason: number;
  readonly transferSyntax: SyntaxId;
}

export interface BindAckBody {
  readonly maxXmitFrag: number;
  readonly maxRecvFrag: number;
  readonly assocGroupId: number;
  readonly secondaryAddress: string;
  readonly results: readonly ContextResult[];
}

export type Pdu =
  | {
      readonly kind: 'bind-ack' | 'alter-context-resp';
      readonly header: PduHeader;
      readonly body: BindAckBody;
      readonly auth: AuthVerifier | undefined;
    }
  | { readonly kind: 'bind-nak'; readonly header: PduHeader; readonly rejectReason: number }
  | {
      readonly kind: 'response';
      readonly header: PduHeader;
      readonly allocHint: number;
      readonly contextId: number;
      /** Stub data and auth padding as they came on the wire (sealed at packet privacy). */
      readonly stub: Buffer;
      readonly auth: AuthVerifier | undefined;
    }
  | { readonly kind: 'fault'; readonly header: PduHeader; readonly status: number }
  | { readonly kind: 'other'; readonly header: PduHeader };

/** MS-RPCE / C706 UUIDs on the wire: the first three fields little-endian. */
export function encodeUuid(uuid: string): Buffer {
  const hex = uuid.replace(/-/g, '');
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) throw new RangeError(`"${uuid}" is not a UUID.`);
  const raw = Buffer.from(hex, 'hex');
  const out = Buffer.alloc(16);
  out.writeUInt32LE(raw.readUInt32BE(0), 0);
  out.writeUInt16LE(raw.readUInt16BE(4), 4);
  out.writeUInt16LE(raw.readUInt16BE(6), 6);
  raw.copy(out, 8, 8);
  return out;
}

export function decodeUuid(bytes: Uint8Array): string {
  const b = Buffer.from(bytes);
  const hex = [
    b.readUInt32LE(0).toString(16).padStart(8, '0'),
    b.readUInt16LE(4).toString(16).padStart(4, '0'),
    b.readUInt16LE(6).toString(16).padStart(4, '0'),
    b.subarray(8, 10).toString('hex'),
    b.subarray(10, 16).toString('hex'),
  ];
  return hex.join('-');
}

function encodeSyntax(syntax: SyntaxId): Buffer {
  const out = Buffer.alloc(20);
  encodeUuid(syntax.uuid).copy(out, 0);
  out.writeUInt16LE(syntax.versionMajor, 16);
  out.writeUInt16LE(syntax.versionMinor, 18);
  return out;
}

function decodeSyntax(bytes: Buffer, at: number): SyntaxId {
  return {
    uuid: decodeUuid(bytes.subarray(at, at + 16)),
    versionMajor: bytes.readUInt16LE(at + 16),
    versionMinor: bytes.readUInt16LE(at + 18),
  };
}

/** C706 12.6.3.1: writes the common header in front of `body` and `auth`. */
export function encodePdu(
  type: number,
  flags: number,
  callId: number,
  body: Uint8Array,
  auth?: Omit<AuthVerifier, 'value'> & { readonly value: Uint8Array },
): Buffer {
  const trailer = auth ? encodeSecTrailer(auth) : Buffer.alloc(0);
  const authValue = auth ? auth.value : Buffer.alloc(0);
  const fragLength = HEADER_SIZE + body.length + trailer.length + authValue.length;
  const header = encodeHeader({ type, flags, fragLength, authLength: authValue.length, callId });
  return Buffer.concat([header, body, trailer, authValue]);
}

export function encodeHeader(header: PduHeader): Buffer {
  const out = Buffer.alloc(HEADER_SIZE);
  out[0] = 5;
  out[1] = 0;
  out[2] = header.type;
  out[3] = header.flags;
  out[4] = 0x10; // drep: little-endian integers, ASCII characters
  out.writeUInt16LE(header.fragLength, 8);
  out.writeUInt16LE(header.authLength, 10);
  out.writeUInt32LE(header.callId >>> 0, 12);
  return out;
}

export function encodeSecTrailer(auth: Omit<AuthVerifier, 'value'>): Buffer {
  const out = Buffer.alloc(SEC_TRAILER_SIZE);
  out[0] = auth.authType;
  out[1] = auth.authLevel;
  out[2] = auth.padLength;
  out[3] = 0;
  out.writeUInt32LE(auth.contextId >>> 0, 4);
  return out;
}

/** C706 12.6.4.3 bind and 12.6.4.1 alter_context share this body. */
export function encodeBindBody(bind: BindBody): Buffer {
  const parts: Buffer[] = [];
  const head = Buffer.alloc(12);
  head.writeUInt16LE(bind.maxXmitFrag, 0);
  head.writeUInt16LE(bind.maxRecvFrag, 2);
  head.writeUInt32LE(bind.assocGroupId >>> 0, 4);
  head[8] = bind.contexts.length;
  parts.push(head);
  for (const context of bind.contexts) {
    const item = Buffer.alloc(4);
    item.writeUInt16LE(context.contextId, 0);
    item[2] = context.transferSyntaxes.length;
    parts.push(
      item,
      encodeSyntax(context.abstractSyntax),
      ...context.transferSyntaxes.map(encodeSyntax),
    );
  }
  return Buffer.concat(parts);
}

/** Reads a 16-byte header and checks it is one we can parse (C706 12.6.3.1). */
export function decodeHeader(bytes: Uint8Array): PduHeader {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (b.length < HEADER_SIZE)
    throw new MalformedDataError('An RPC PDU is shorter than its header.');
  if (b[0] !== 5 || b[1] !== 0) {
    throw new MalformedDataError(
      `The server spoke RPC version ${b[0] ?? 0}.${b[1] ?? 0}, not 5.0.`,
    );
  }
  if (((b[4] ?? 0) & 0xf0) !== 0x10) {
    throw new MalformedDataError('The server sent a big-endian RPC PDU, which is not supported.');
  }
  const header = {
    type: b[2] ?? 0,
    flags: b[3] ?? 0,
    fragLength: b.readUInt16LE(8),
    authLength: b.readUInt16LE(10),
    callId: b.readUInt32LE(12),
  };
  if (header.fragLength < HEADER_SIZE) {
    throw new MalformedDataError('An RPC PDU claims to be shorter than its header.');
  }
  return header;
}

/** Splits off the sec_trailer and auth_value at the end of a PDU (MS-RPCE 2.2.2.11). */
function splitAuth(
  pdu: Buffer,
  header: PduHeader,
  bodyStart: number,
): { body: Buffer; auth: AuthVerifier | undefined } {
  if (header.authLength === 0) return { body: pdu.subarray(bodyStart), auth: undefined };
  const trailerAt = pdu.length - header.authLength - SEC_TRAILER_SIZE;
  if (trailerAt < bodyStart) {
    throw new MalformedDataError('An RPC PDU claims more authentication data than it holds.');
  }
  const auth: AuthVerifier = {
    authType: pdu[trailerAt] ?? 0,
    authLevel: pdu[trailerAt + 1] ?? 0,
    padLength: pdu[trailerAt + 2] ?? 0,
    contextId: pdu.readUInt32LE(trailerAt + 4),
    value: Buffer.from(pdu.subarray(trailerAt + SEC_TRAILER_SIZE)),
  };
  return { body: pdu.subarray(bodyStart, trailerAt), auth };
}

function need(pdu: Buffer, length: number, what: string): void {
  if (pdu.length < length) throw new MalformedDataError(`An RPC ${what} PDU is truncated.`);
}

/** Decodes one complete PDU (exactly frag_length bytes). */
export function decodePdu(bytes: Uint8Array): Pdu {
  const header = decodeHeader(bytes);
  const pdu = Buffer.from(bytes);
  if (pdu.length !== header.fragLength) {
    throw new MalformedDataError('An RPC PDU is not as long as its frag_length says.');
  }
  switch (header.type) {
    case PduType.bindAck:
    case PduType.alterContextResp: {
      const { body, auth } = splitAuth(pdu, header, HEADER_SIZE);
      need(body, 10, 'bind_ack');
      const addressLength = body.readUInt16LE(8);
      let at = 10 + addressLength;
      need(body, at, 'bind_ack');
      const secondaryAddress = body
        .subarray(10, 10 + addressLength)
        .toString('latin1')
        .replace(/\0+$/, '');
      at = (at + 3) & ~3; // p_result_list is 4-byte aligned
      need(body, at + 4, 'bind_ack');
      const count = body[at] ?? 0;
      at += 4;
      need(body, at + count * 24, 'bind_ack');
      const results: ContextResult[] = [];
      for (let i = 0; i < count; i++, at += 24) {
        results.push({
          result: body.readUInt16LE(at),
          reason: body.readUInt16LE(at + 2),
          transferSyntax: decodeSyntax(body, at + 4),
        });
      }
      return {
        kind: header.type === PduType.bindAck ? 'bind-ack' : 'alter-context-resp',
        header,
        body: {
          maxXmitFrag: body.readUInt16LE(0),
          maxRecvFrag: body.readUInt16LE(2),
          assocGroupId: body.readUInt32LE(4),
          secondaryAddress,
          results,
        },
        auth,
      };
    }
    case PduType.bindNak:
      need(pdu, HEADER_SIZE + 2, 'bind_nak');
      return { kind: 'bind-nak', header, rejectReason: pdu.readUInt16LE(HEADER_SIZE) };
    case PduType.response: {
      const { body, auth } = splitAuth(pdu, header, HEADER_SIZE);
      need(body, 8, 'response');
      return {
        kind: 'response',
        header,
        allocHint: body.readUInt32LE(0),
        contextId: body.readUInt16LE(4),
        stub: Buffer.from(body.subarray(8)),
        auth,
      };
    }
    case PduType.fault:
      need(pdu, HEADER_SIZE + 12, 'fault');
      return { kind: 'fault', header, status: pdu.readUInt32LE(HEADER_SIZE + 8) };
    default:
      return { kind: 'other', header };
  }
}

/**
 * Splits a byte stream into whole PDUs by frag_length; returns the PDUs and the bytes left over
 * (an incomplete PDU). `maxFragLength` bounds what a peer can make us buffer.
 */
export function splitPdus(stream: Buffer, maxFragLength: number): { pdus: Buffer[]; rest: Buffer } {
  const pdus: Buffer[] = [];
  let at = 0;
  while (stream.length - at >= HEADER_SIZE) {
    const header = decodeHeader(stream.subarray(at, at + HEADER_SIZE));
    if (header.fragLength > maxFragLength) {
      throw new MalformedDataError(
        `The server sent an RPC fragment of ${header.fragLength} bytes, more than the ${maxFragLength} agreed.`,
      );
    }
    if (stream.length - at < header.fragLength) break;
    pdus.push(Buffer.from(stream.subarray(at, at + header.fragLength)));
    at += header.fragLength;
  }
  return { pdus, rest: Buffer.from(stream.subarray(at)) };
}

/* ---- Server side (used by the lab's GKDI server fixture; clients never decode these) ---- */

/** C706 12.6.4.3 bind / 12.6.4.1 alter_context body, as a server reads it. */
export function decodeBindBody(body: Buffer): BindBody {
  need(body, 12, 'bind');
  const count = body[8] ?? 0;
  const contexts: PresentationContext[] = [];
  let at = 12;
  for (let i = 0; i < count; i++) {
    need(body, at + 24, 'bind');
    const contextId = body.readUInt16LE(at);
    const transfers = body[at + 2] ?? 0;
    const abstractSyntax = decodeSyntax(body, at + 4);
    at += 24;
    need(body, at + 20 * transfers, 'bind');
    const transferSyntaxes: SyntaxId[] = [];
    for (let t = 0; t < transfers; t++, at += 20) transferSyntaxes.push(decodeSyntax(body, at));
    contexts.push({ contextId, abstractSyntax, transferSyntaxes });
  }
  return {
    maxXmitFrag: body.readUInt16LE(0),
    maxRecvFrag: body.readUInt16LE(2),
    assocGroupId: body.readUInt32LE(4),
    contexts,
  };
}

/** C706 12.6.4.4 bind_ack / 12.6.4.2 alter_context_resp body; the result list ends 4-aligned. */
export function encodeBindAckBody(ack: BindAckBody): Buffer {
  const address = Buffer.from(ack.secondaryAddress ? `${ack.secondaryAddress}\0` : '', 'latin1');
  const headLength = 10 + address.length;
  const head = Buffer.alloc((headLength + 3) & ~3);
  head.writeUInt16LE(ack.maxXmitFrag, 0);
  head.writeUInt16LE(ack.maxRecvFrag, 2);
  head.writeUInt32LE(ack.assocGroupId >>> 0, 4);
  head.writeUInt16LE(address.length, 8);
  address.copy(head, 10);
  const list = Buffer.alloc(4 + 24 * ack.results.length);
  list[0] = ack.results.length;
  ack.results.forEach((result, i) => {
    list.writeUInt16LE(result.result, 4 + 24 * i);
    list.writeUInt16LE(result.reason, 6 + 24 * i);
    encodeSyntax(result.transferSyntax).copy(list, 8 + 24 * i);
  });
  return Buffer.concat([head, list]);
}

/** A request PDU as a server reads it (C706 12.6.4.9). */
export interface RequestPdu {
  readonly header: PduHeader;
  readonly allocHint: number;
  readonly contextId: number;
  readonly opnum: number;
  /** Bytes between the request header and the sec_trailer (sealed at packet privacy). */
  readonly stub: Buffer;
  /** Where `stub` starts in the PDU (24, or 40 with an object UUID). */
  readonly stubOffset: number;
  readonly auth: AuthVerifier | undefined;
}

export function decodeRequestPdu(bytes: Uint8Array): RequestPdu {
  const header = decodeHeader(bytes);
  const pdu = Buffer.from(bytes);
  if (header.type !== PduType.request || pdu.length !== header.fragLength) {
    throw new MalformedDataError('An RPC request PDU is malformed.');
  }
  const stubOffset = HEADER_SIZE + 8 + ((header.flags & PfcFlag.objectUuid) !== 0 ? 16 : 0);
  const { body, auth } = splitAuth(pdu, header, HEADER_SIZE);
  need(pdu, stubOffset, 'request');
  if (body.length < stubOffset - HEADER_SIZE)
    throw new MalformedDataError('An RPC request PDU is truncated.');
  return {
    header,
    allocHint: body.readUInt32LE(0),
    contextId: body.readUInt16LE(4),
    opnum: body.readUInt16LE(6),
    stub: Buffer.from(body.subarray(stubOffset - HEADER_SIZE)),
    stubOffset,
    auth,
  };
}

/** C706 12.6.4.7 fault body: alloc_hint, p_cont_id, cancel_count, reserved, status, reserved. */
export function encodeFaultBody(status: number, contextId = 0): Buffer {
  const out = Buffer.alloc(16);
  out.writeUInt16LE(contextId, 4);
  out.writeUInt32LE(status >>> 0, 8);
  return out;
}
