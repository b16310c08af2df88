import { describe, expect, it } from 'vitest';
import { md4 } from '../../../../main/core/rpc/md4.js';
import { Rc4, rc4 } from '../../../../main/core/rpc/rc4.js';

describe('md4', () => {
  // RFC 1320 appendix A.5
  const vectors: readonly (readonly [string, string])[] = [
    ['', '31d6cfe0d16ae931b73c59d7e0c089c0'],
    ['a', 'bde52cb31de33e46245e05fbdbd6fb24'],
    ['abc', 'a448017aaf21d8525fc10ae87aa6729d'],
    ['message digest', 'd9130a8164549fe818874806e1c7014b'],
    ['abcdefghijklmnopqrstuvwxyz', 'd79e1c308aa5bbcdeea8ed63df412da9'],
    [
      'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789',
      '043f8582f241db351ce627e153e7f0e4',
    ],
    [
      '12345678901234567890123456789012345678901234567890123456789012345678901234567890',
      'e33b4ddc9c38f2199c3e7b164fcc0536',
    ],
  ];
  it.each(vectors)('hashes %j as RFC 1320 says', (input, expected) => {
    expect(md4(Buffer.from(input, 'latin1')).toString('hex')).toBe(expected);
  });
});

describe('rc4', () => {
  // RFC 6229 section 2, 40-bit and 128-bit keys, keystream at offsets 0 and 16
  it('produces the RFC 6229 keystream for key 0102030405', () => {
    const stream = rc4(Buffer.from('0102030405', 'hex'), Buffer.alloc(32));
    expect(stream.toString('hex')).toBe(
      'b2396305f03dc027ccc3524a0a1118a8' + '6982944f18fc82d589c403a47a0d0919',
    );
  });
  it('produces the RFC 6229 keystream for a 128-bit key', () => {
    const stream = rc4(Buffer.from('0102030405060708090a0b0c0d0e0f10', 'hex'), Buffer.alloc(16));
    expect(stream.toString('hex')).toBe('9ac7cc9a609d1ef7b2932899cde41b97');
  });
  it('keeps its state across calls', () => {
    const key = Buffer.from('0102030405', 'hex');
    const stream = new Rc4(key);
    const joined = Buffer.concat([
      stream.update(Buffer.alloc(10)),
      stream.update(Buffer.alloc(22)),
    ]);
    expect(joined).toEqual(rc4(key, Buffer.alloc(32)));
  });
});
