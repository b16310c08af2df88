import { describe, expect, it } from 'vitest';
import { MalformedDataError } from '../../../../main/core/errors/laps-error.js';
import {
  NdrReader,
  NdrWriter,
  readRpcSid,
  readUnicodeStringBody,
  readUnicodeStringHead,
} from '../../../../main/core/rpc/ndr.js';

describe('NDR', () => {
  it('aligns primitives to their size', () => {
    const bytes = new NdrWriter().u8(1).u16(2).u8(3).u32(4).toBuffer();
    expect(bytes.toString('hex')).toBe('0100020003000000' + '04000000');
    const reader = new NdrReader(bytes);
    expect([reader.u8(), reader.u16(), reader.u8(), reader.u32()]).toEqual([1, 2, 3, 4]);
  });

  it('numbers unique pointers and writes null as zero', () => {
    const bytes = new NdrWriter().pointer(false).pointer(true).pointer(false).toBuffer();
    expect([bytes.readUInt32LE(0), bytes.readUInt32LE(4), bytes.readUInt32LE(8)]).toEqual([
      0x20000, 0, 0x20004,
    ]);
  });

  it('reads an RPC_UNICODE_STRING and its deferred characters', () => {
    const chars = Buffer.from('lab.test', 'utf16le');
    const bytes = new NdrWriter()
      .u16(16)
      .u16(18)
      .pointer(false)
      .u32(9)
      .u32(0)
      .u32(8)
      .bytes(chars)
      .toBuffer();
    const reader = new NdrReader(bytes);
    expect(readUnicodeStringBody(reader, readUnicodeStringHead(reader))).toBe('lab.test');
  });

  it('reads an RPC_SID', () => {
    const bytes = new NdrWriter()
      .u32(4)
      .u8(1)
      .u8(4)
      .bytes(Buffer.from([0, 0, 0, 0, 0, 5]))
      .u32(21)
      .u32(1)
      .u32(2)
      .u32(3)
      .toBuffer();
    expect(readRpcSid(new NdrReader(bytes))).toBe('S-1-5-21-1-2-3');
  });

  it('refuses a count larger than the data and reading past the end', () => {
    const reader = new NdrReader(new NdrWriter().u32(0x40000000).toBuffer());
    expect(() => reader.count(2)).toThrow(MalformedDataError);
    expect(() => new NdrReader(Buffer.alloc(3)).u32()).toThrow(MalformedDataError);
  });

  it('refuses a SID whose counts disagree', () => {
    const bytes = new NdrWriter().u32(4).u8(1).u8(5).bytes(Buffer.alloc(6)).toBuffer();
    expect(() => readRpcSid(new NdrReader(bytes))).toThrow(MalformedDataError);
  });
});
