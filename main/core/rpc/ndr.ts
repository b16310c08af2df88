/**
 * The small part of NDR 2.0 (C706 chapter 14, MS-RPCE 2.2.5) the calls here need: primitives with
 * natural alignment, unique pointers, conformant and varying arrays, RPC_UNICODE_STRING and
 * RPC_SID. Little-endian only.
 */
import { MalformedDataError } from '../errors/laps-error.js';

export class NdrWriter {
  readonly #parts: Buffer[] = [];
  #length = 0;
  #nextReferent = 0x00020000;

  get length(): number {
    return this.#length;
  }

  align(boundary: number): this {
    const pad = (boundary - (this.#length % boundary)) % boundary;
    if (pad > 0) this.bytes(Buffer.alloc(pad));
    return this;
  }

  bytes(bytes: Uint8Array): this {
    this.#parts.push(Buffer.from(bytes));
    this.#length += bytes.length;
    return this;
  }

  u8(value: number): this {
    return this.bytes(Buffer.from([value & 0xff]));
  }

  u16(value: number): this {
    this.align(2);
    const out = Buffer.alloc(2);
    out.writeUInt16LE(value, 0);
    return this.bytes(out);
  }

  u32(value: number): this {
    this.align(4);
    const out = Buffer.alloc(4);
    out.writeUInt32LE(value >>> 0, 0);
    return this.bytes(out);
  }

  /** C706 14.3.10: a unique pointer's referent ID (0 for null). */
  pointer(isNull: boolean): this {
    if (isNull) return this.u32(0);
    const referent = this.#nextReferent;
    this.#nextReferent += 4;
    return this.u32(referent);
  }

  toBuffer(): Buffer {
    return Buffer.concat(this.#parts);
  }
}

export class NdrReader {
  readonly #bytes: Buffer;
  #at = 0;

  constructor(bytes: Uint8Array) {
    this.#bytes = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get offset(): number {
    return this.#at;
  }

  get remaining(): number {
    return this.#bytes.length - this.#at;
  }

  align(boundary: number): this {
    const pad = (boundary - (this.#at % boundary)) % boundary;
    this.#take(pad);
    return this;
  }

  #take(length: number): Buffer {
    if (length < 0 || this.#at + length > this.#bytes.length) {
      throw new MalformedDataError('An RPC response ended in the middle of its NDR data.');
    }
    const out = this.#bytes.subarray(this.#at, this.#at + length);
    this.#at += length;
    return out;
  }

  bytes(length: number): Buffer {
    return Buffer.from(this.#take(length));
  }

  u8(): number {
    return this.#take(1)[0] ?? 0;
  }

  u16(): number {
    this.align(2);
    return this.#take(2).readUInt16LE(0);
  }

  u32(): number {
    this.align(4);
    return this.#take(4).readUInt32LE(0);
  }

  /** A unique pointer's referent ID; true when not null. */
  pointer(): boolean {
    return this.u32() !== 0;
  }

  /** A count that is about to size an array of `elementSize` bytes: refuses one larger than the data. */
  count(elementSize: number): number {
    const count = this.u32();
    if (count * elementSize > this.remaining) {
      throw new MalformedDataError(`An RPC response announces ${count} elements but holds fewer.`);
    }
    return count;
  }
}

/** MS-DTYP 2.3.10 RPC_UNICODE_STRING: the inline part; the characters follow as a deferred pointee. */
export interface UnicodeStringHead {
  readonly lengthBytes: number;
  readonly hasBuffer: boolean;
}

export function readUnicodeStringHead(reader: NdrReader): UnicodeStringHead {
  const lengthBytes = reader.u16();
  reader.u16(); // MaximumLength: only the sent length matters
  return { lengthBytes, hasBuffer: reader.pointer() };
}

/** The deferred conformant varying WCHAR array of an RPC_UNICODE_STRING. */
export function readUnicodeStringBody(reader: NdrReader, head: UnicodeStringHead): string {
  if (!head.hasBuffer) return '';
  reader.u32(); // max_count
  const offset = reader.u32();
  const actual = reader.count(2);
  if (offset !== 0 || actual * 2 < head.lengthBytes) {
    throw new MalformedDataError('An RPC_UNICODE_STRING disagrees with its own length.');
  }
  const text = reader
    .bytes(actual * 2)
    .subarray(0, head.lengthBytes)
    .toString('utf16le');
  reader.align(4);
  return text;
}

/** MS-DTYP 2.4.2.3 RPC_SID as a conformant structure, rendered as S-1-…. */
export function readRpcSid(reader: NdrReader): string {
  const maxCount = reader.u32();
  const revision = reader.u8();
  const subCount = reader.u8();
  if (subCount !== maxCount || subCount > 15 || revision !== 1) {
    throw new MalformedDataError('An RPC_SID in the response is malformed.');
  }
  const authority = reader.bytes(6).readUIntBE(0, 6);
  const subAuthorities: number[] = [];
  for (let i = 0; i < subCount; i++) subAuthorities.push(reader.u32());
  return ['S', revision, authority, ...subAuthorities].join('-');
}

/** MS-DTYP 2.3.4 GUID as NDR lays it out (Data1..3 little-endian), rendered in text form. */
export function readGuid(reader: NdrReader): string {
  reader.align(4);
  const b = reader.bytes(16);
  return [
    b.readUInt32LE(0).toString(16).padStart(8, '0'),
    b.readUInt16LE(4).toString(16).padStart(4, '0'),
    b.readUInt16LE(6).toString(16).padStart(4, '0'),
    b.subarray(8, 10).toString('hex'),
    b.subarray(10, 16).toString('hex'),
  ].join('-');
}
