import { describe, expect, it } from 'vitest';
import { MalformedDataError } from '../../../../main/core/errors/laps-error.js';
import {
  PduType,
  PfcFlag,
  decodeHeader,
  decodePdu,
  encodeHeader,
  encodeSecTrailer,
} from '../../../../main/core/rpc/pdu.js';
import {
  ResponseAssembler,
  encodeRequestFragments,
  openResponseFragment,
} from '../../../../main/core/rpc/request.js';
import { fakeSecurity } from './fake-security.js';

/** Builds a sealed response fragment the way a server would, with the fake provider. */
function sealedResponse(stub: Buffer, flags: number): Buffer {
  const security = fakeSecurity();
  const padLength = (16 - (stub.length % 16)) % 16;
  const plaintext = Buffer.concat([stub, Buffer.alloc(padLength)]);
  const header = encodeHeader({
    type: PduType.response,
    flags,
    fragLength: 24 + plaintext.length + 8 + 16,
    authLength: 16,
    callId: 9,
  });
  const body = Buffer.alloc(8);
  body.writeUInt32LE(stub.length, 0);
  const trailer = encodeSecTrailer({ authType: 10, authLevel: 6, padLength, contextId: 0 });
  const { sealed, signature } = security.seal(
    plaintext,
    Buffer.concat([header, body, plaintext, trailer]),
  );
  return Buffer.concat([header, body, sealed, trailer, signature]);
}

describe('requests', () => {
  const stub = Buffer.from(Array.from({ length: 10_000 }, (_, i) => i & 0xff));

  it('fragments a large sealed stub within max_xmit_frag, first and last flagged', () => {
    const fragments = encodeRequestFragments({
      callId: 3,
      contextId: 0,
      opnum: 6,
      stub,
      maxXmitFrag: 1024,
      security: fakeSecurity(),
    });
    expect(fragments.length).toBeGreaterThan(9);
    const headers = fragments.map((f) => decodeHeader(f));
    for (const [i, header] of headers.entries()) {
      expect(header.fragLength).toBeLessThanOrEqual(1024);
      expect((header.flags & PfcFlag.firstFrag) !== 0).toBe(i === 0);
      expect((header.flags & PfcFlag.lastFrag) !== 0).toBe(i === headers.length - 1);
      expect(header.authLength).toBe(16);
    }
  });

  it('seals each fragment so the stub is not on the wire and decrypts back to it', () => {
    const fragments = encodeRequestFragments({
      callId: 3,
      contextId: 0,
      opnum: 6,
      stub,
      maxXmitFrag: 1024,
      security: fakeSecurity(),
    });
    const wire = Buffer.concat(fragments);
    expect(wire.includes(stub.subarray(0, 64))).toBe(false);
    const opened = fragments.map((f) => {
      const padLength = f[f.length - 16 - 8 + 2] ?? 0;
      const sealed = f.subarray(24, f.length - 24);
      return Buffer.from(sealed.map((b) => b ^ 0x5a)).subarray(0, sealed.length - padLength);
    });
    expect(Buffer.concat(opened)).toEqual(stub);
  });

  it('sends an unauthenticated stub in one fragment when it fits', () => {
    const [only, ...rest] = encodeRequestFragments({
      callId: 1,
      contextId: 0,
      opnum: 3,
      stub: Buffer.alloc(100),
      maxXmitFrag: 4280,
    });
    expect(rest).toHaveLength(0);
    expect(only?.length).toBe(124);
  });
});

describe('responses', () => {
  it('opens sealed fragments and reassembles them', () => {
    const security = fakeSecurity();
    const assembler = new ResponseAssembler(1 << 20);
    const parts = [Buffer.alloc(40, 1), Buffer.alloc(33, 2)];
    const flags = [PfcFlag.firstFrag, PfcFlag.lastFrag];
    let done = false;
    parts.forEach((part, i) => {
      const raw = sealedResponse(part, flags[i] ?? 0);
      const pdu = decodePdu(raw);
      if (pdu.kind !== 'response') throw new Error('not a response');
      done = assembler.add(openResponseFragment(pdu, raw, security), pdu.header.flags);
    });
    expect(done).toBe(true);
    expect(assembler.stub).toEqual(Buffer.concat(parts));
  });

  it('rejects a sealed response whose auth padding is longer than its stub', () => {
    const raw = sealedResponse(Buffer.alloc(3), 3);
    raw[raw.length - 16 - 8 + 2] = 200;
    const pdu = decodePdu(raw);
    if (pdu.kind !== 'response') throw new Error('not a response');
    expect(() => openResponseFragment(pdu, raw, fakeSecurity())).toThrow(MalformedDataError);
  });

  it('refuses a response that grows past its bound, or starts mid-way', () => {
    const assembler = new ResponseAssembler(10);
    expect(() => assembler.add(Buffer.alloc(5), PfcFlag.lastFrag)).toThrow(MalformedDataError);
    assembler.add(Buffer.alloc(5), PfcFlag.firstFrag);
    expect(() => assembler.add(Buffer.alloc(6), 0)).toThrow(MalformedDataError);
  });
});
