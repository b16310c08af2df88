import { MalformedDataError } from '../errors/laps-error.js';

/**
 * A small strict DER reader (ITU-T X.690 8 and 10) for the fixed CMS shapes DPAPI-NG uses.
 * Lengths are definite and bounded by the remaining input; only single-byte tags are accepted;
 * nothing is copied, so no input can cause a large allocation.
 */
export interface DerElement {
  readonly tag: number;
  /** The contents octets (a view into the input). */
  readonly content: Uint8Array;
}

export function malformed(what: string): MalformedDataError {
  return new MalformedDataError(
    `The encrypted password is malformed (${what}): the value is corrupt; have the device rotate its password.`,
  );
}

export class DerReader {
  private offset = 0;

  constructor(private readonly input: Uint8Array) {}

  get done(): boolean {
    return this.offset >= this.input.length;
  }

  /** The bytes not read yet. */
  rest(): Uint8Array {
    return this.input.subarray(this.offset);
  }

  peekTag(): number | undefined {
    return this.done ? undefined : this.input[this.offset];
  }

  read(expectedTag: number, what: string): DerElement {
    return { tag: expectedTag, content: this.contents(expectedTag, what) };
  }

  /** The next element's contents octets (a view into the input), its tag being `expectedTag`. */
  contents(expectedTag: number, what: string): Uint8Array {
    const start = this.offset;
    const input = this.input;
    if (start + 2 > input.length) throw malformed(`${what} is truncated`);
    const tag = input[start] ?? 0;
    if (tag !== expectedTag) throw malformed(`${what} has tag 0x${tag.toString(16)}`);
    let pos = start + 1;
    const first = input[pos++] ?? 0;
    let length: number;
    if (first < 0x80) {
      length = first;
    } else {
      const count = first & 0x7f;
      if (count === 0 || count > 4) throw malformed(`${what} has an unsupported length form`);
      if (pos + count > input.length) throw malformed(`${what} length is truncated`);
      length = 0;
      for (let i = 0; i < count; i++) length = length * 256 + (input[pos++] ?? 0);
      if (length < 0x80) throw malformed(`${what} length is not minimally encoded`);
    }
    if (length > input.length - pos) throw malformed(`${what} is longer than the data`);
    this.offset = pos + length;
    // One view per element and no element object: a blob has some twenty elements, and each
    // object is an allocation on every decrypt.
    return input.subarray(pos, pos + length);
  }

  readOptional(expectedTag: number, what: string): DerElement | undefined {
    return this.peekTag() === expectedTag ? this.read(expectedTag, what) : undefined;
  }

  end(what: string): void {
    if (!this.done) throw malformed(`${what} has unexpected trailing data`);
  }
}

export const TAG = {
  INTEGER: 0x02,
  OCTET_STRING: 0x04,
  OID: 0x06,
  UTF8_STRING: 0x0c,
  GENERALIZED_TIME: 0x18,
  SEQUENCE: 0x30,
  SET: 0x31,
} as const;

/** Decodes an OBJECT IDENTIFIER's contents to dotted form (X.690 8.19). */
export function decodeOid(content: Uint8Array, what: string): string {
  if (content.length === 0 || content.length > 64) throw malformed(`${what} is not a valid OID`);
  const arcs: number[] = [];
  let value = 0;
  for (let i = 0; i < content.length; i++) {
    const byte = content[i] ?? 0;
    if (value === 0 && byte === 0x80) throw malformed(`${what} is not a valid OID`);
    value = value * 128 + (byte & 0x7f);
    if (value > Number.MAX_SAFE_INTEGER / 256) throw malformed(`${what} is not a valid OID`);
    if ((byte & 0x80) === 0) {
      arcs.push(value);
      value = 0;
    } else if (i === content.length - 1) {
      throw malformed(`${what} is not a valid OID`);
    }
  }
  const first = arcs[0] ?? 0;
  const head = first < 40 ? [0, first] : first < 80 ? [1, first - 40] : [2, first - 80];
  return [...head, ...arcs.slice(1)].join('.');
}

/** The contents octets of an OBJECT IDENTIFIER in dotted form `oid` (X.690 8.19), for comparing. */
export function encodeOid(oid: string): Uint8Array {
  const arcs = oid.split('.').map(Number);
  const out: number[] = [];
  const push = (value: number): void => {
    const septets = [value & 0x7f];
    for (let v = Math.floor(value / 128); v > 0; v = Math.floor(v / 128))
      septets.push((v & 0x7f) | 0x80);
    out.push(...septets.reverse());
  };
  push((arcs[0] ?? 0) * 40 + (arcs[1] ?? 0));
  for (const arc of arcs.slice(2)) push(arc);
  return Uint8Array.from(out);
}

/**
 * Requires the OID `content` to be `expected` (its contents octets, from encodeOid). The bytes are
 * compared, not the decoded text: DER has one encoding per OID, so a match is the OID and nothing
 * else, and a warm decrypt checks six OIDs per blob without building strings. On a mismatch the
 * OID is decoded all the same, so an invalid one is reported as such, else `wrong` is.
 */
export function expectOid(
  content: Uint8Array,
  expected: Uint8Array,
  what: string,
  wrong: string,
): void {
  if (content.length === expected.length) {
    let i = 0;
    while (i < expected.length && content[i] === expected[i]) i++;
    if (i === expected.length) return;
  }
  decodeOid(content, what);
  throw malformed(wrong);
}

/** A small non-negative INTEGER (at most 4 content bytes). */
export function decodeSmallInteger(content: Uint8Array, what: string): number {
  if (content.length === 0 || content.length > 4 || ((content[0] ?? 0) & 0x80) !== 0) {
    throw malformed(`${what} is not a small non-negative integer`);
  }
  let value = 0;
  for (const byte of content) value = value * 256 + byte;
  return value;
}
