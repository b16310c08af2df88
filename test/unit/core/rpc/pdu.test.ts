import { describe, expect, it } from 'vitest';
import { MalformedDataError } from '../../../../main/core/errors/laps-error.js';
import {
  NDR20,
  PduType,
  PfcFlag,
  decodePdu,
  decodeUuid,
  encodeBindBody,
  encodeHeader,
  encodePdu,
  encodeUuid,
  splitPdus,
} from '../../../../main/core/rpc/pdu.js';

function bindAck(authValue?: Buffer): Buffer {
  const body = Buffer.alloc(8 + 2 + 6 + 4 + 24);
  body.writeUInt16LE(4280, 0);
  body.writeUInt16LE(4280, 2);
  body.writeUInt32LE(0x1234, 4);
  body.writeUInt16LE(6, 8);
  body.write('49153\0', 10, 'latin1');
  body[16] = 1; // one result, at offset 16 (already 4-aligned)
  body.writeUInt16LE(0, 20);
  encodeUuid(NDR20.uuid).copy(body, 24);
  body.writeUInt16LE(2, 40);
  return encodePdu(
    PduType.bindAck,
    3,
    7,
    body,
    authValue
      ? { authType: 10, authLevel: 6, padLength: 0, contextId: 0, value: authValue }
      : undefined,
  );
}

describe('PDU encoding', () => {
  it('writes UUIDs with their first three fields little-endian and reads them back', () => {
    const bytes = encodeUuid('12345778-1234-abcd-ef00-0123456789ab');
    expect(bytes.toString('hex')).toBe('785734123412cdabef000123456789ab');
    expect(decodeUuid(bytes)).toBe('12345778-1234-abcd-ef00-0123456789ab');
  });

  it('writes a bind with one presentation context (C706 12.6.4.3)', () => {
    const body = encodeBindBody({
      maxXmitFrag: 4280,
      maxRecvFrag: 4280,
      assocGroupId: 0,
      contexts: [{ contextId: 0, abstractSyntax: NDR20, transferSyntaxes: [NDR20] }],
    });
    expect(body.length).toBe(12 + 4 + 20 + 20);
    const pdu = encodePdu(PduType.bind, 3, 1, body);
    expect(pdu.subarray(0, 16).toString('hex')).toBe('05000b03100000004800000001000000');
  });

  it('reads a bind_ack with its results and auth verifier', () => {
    const pdu = decodePdu(bindAck(Buffer.from('challenge')));
    expect(pdu.kind).toBe('bind-ack');
    if (pdu.kind !== 'bind-ack') return;
    expect(pdu.body.secondaryAddress).toBe('49153');
    expect(pdu.body.results).toEqual([{ result: 0, reason: 0, transferSyntax: NDR20 }]);
    expect(pdu.auth?.value.toString()).toBe('challenge');
  });

  it('reads a fault status', () => {
    const body = Buffer.alloc(16);
    body.writeUInt32LE(0x1c010003, 8);
    const pdu = decodePdu(encodePdu(PduType.fault, 3, 2, body));
    expect(pdu).toMatchObject({ kind: 'fault', status: 0x1c010003 });
  });

  it('splits a stream into PDUs and keeps an incomplete tail', () => {
    const one = bindAck();
    const stream = Buffer.concat([one, one, one.subarray(0, 20)]);
    const { pdus, rest } = splitPdus(stream, 4280);
    expect(pdus).toHaveLength(2);
    expect(rest).toHaveLength(20);
  });
});

describe('malformed PDUs', () => {
  const cases: readonly (readonly [string, Buffer])[] = [
    ['is shorter than a header', Buffer.alloc(10)],
    ['has RPC version 4', Buffer.concat([Buffer.from([4]), bindAck().subarray(1)])],
    [
      'is big-endian',
      (() => {
        const b = bindAck();
        b[4] = 0;
        return b;
      })(),
    ],
    ['is shorter than its frag_length', bindAck().subarray(0, 40)],
    [
      'claims more auth data than it holds',
      (() => {
        const b = bindAck();
        b.writeUInt16LE(500, 10);
        return b;
      })(),
    ],
    [
      'has a truncated result list',
      (() => {
        const b = bindAck();
        b[32] = 200;
        return b;
      })(),
    ],
    ['is a truncated response', encodePdu(PduType.response, 3, 1, Buffer.alloc(4))],
  ];
  it.each(cases)('rejects a PDU that %s', (_, bytes) => {
    expect(() => decodePdu(bytes)).toThrow(MalformedDataError);
  });

  it('refuses a frag_length above the agreed maximum before buffering it', () => {
    const header = encodeHeader({
      type: PduType.response,
      flags: PfcFlag.firstFrag,
      fragLength: 60000,
      authLength: 0,
      callId: 1,
    });
    expect(() => splitPdus(header, 4280)).toThrow(MalformedDataError);
  });

  it('never throws anything but MalformedDataError on random mutations', () => {
    const seed = bindAck(Buffer.alloc(16, 1));
    let state = 12345;
    const random = (): number => (state = (state * 1103515245 + 12345) & 0x7fffffff);
    for (let i = 0; i < 2000; i++) {
      const bytes = Buffer.from(seed);
      for (let n = 0; n < 3; n++) bytes[random() % bytes.length] = random() & 0xff;
      try {
        decodePdu(bytes);
      } catch (error) {
        expect(error).toBeInstanceOf(MalformedDataError);
      }
    }
  });
});
