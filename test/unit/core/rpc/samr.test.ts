import { describe, expect, it } from 'vitest';
import { NdrWriter } from '../../../../main/core/rpc/ndr.js';
import {
  NtStatusError,
  decodeEnumerateDomainsResponse,
  decodeHandleResponse,
  decodeLookupDomainResponse,
  encodeLookupDomainRequest,
} from '../../../../main/core/rpc/samr.js';

const utf16 = (text: string): Buffer => Buffer.from(text, 'utf16le');

describe('SAMR stubs', () => {
  it('reads the domains of SamrEnumerateDomainsInSamServer', () => {
    const names = ['LAB', 'Builtin'];
    const writer = new NdrWriter().u32(2).pointer(false).u32(2).pointer(false).u32(2);
    names.forEach((name, rid) =>
      writer
        .u32(rid)
        .u16(name.length * 2)
        .u16(name.length * 2)
        .pointer(false),
    );
    for (const name of names)
      writer.u32(name.length).u32(0).u32(name.length).bytes(utf16(name)).align(4);
    const stub = writer.u32(2).u32(0).toBuffer();
    expect(decodeEnumerateDomainsResponse(stub)).toEqual([
      { rid: 0, name: 'LAB' },
      { rid: 1, name: 'Builtin' },
    ]);
  });

  it('writes the domain name of SamrLookupDomainInSamServer as an RPC_UNICODE_STRING', () => {
    const stub = encodeLookupDomainRequest(Buffer.alloc(20), 'LAB');
    expect(stub.subarray(20, 24).toString('hex')).toBe('06000600');
    expect(stub.subarray(stub.length - 6)).toEqual(utf16('LAB'));
  });

  it('reads the domain SID', () => {
    const stub = new NdrWriter()
      .pointer(false)
      .u32(4)
      .u8(1)
      .u8(4)
      .bytes(Buffer.from([0, 0, 0, 0, 0, 5]))
      .u32(21)
      .u32(7)
      .u32(8)
      .u32(9)
      .u32(0)
      .toBuffer();
    expect(decodeLookupDomainResponse(stub)).toBe('S-1-5-21-7-8-9');
  });

  it('turns a non-zero NTSTATUS into NtStatusError', () => {
    const stub = new NdrWriter().bytes(Buffer.alloc(20)).u32(0xc0000022).toBuffer();
    expect(() => decodeHandleResponse(stub, 'SamrConnect')).toThrow(NtStatusError);
  });
});
