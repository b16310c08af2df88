/**
 * RC4 as a keystream that keeps its state across calls, as NTLM sealing needs (MS-NLMP 3.4.3:
 * one handle per direction for the whole session). OpenSSL 3 leaves RC4 out of its default
 * provider, so it is written here.
 */
export class Rc4 {
  readonly #state = new Uint8Array(256);
  #i = 0;
  #j = 0;

  constructor(key: Uint8Array) {
    if (key.length === 0) throw new RangeError('RC4 needs a key of at least one byte.');
    const s = this.#state;
    for (let i = 0; i < 256; i++) s[i] = i;
    let j = 0;
    for (let i = 0; i < 256; i++) {
      const si = s[i] ?? 0;
      j = (j + si + (key[i % key.length] ?? 0)) & 0xff;
      s[i] = s[j] ?? 0;
      s[j] = si;
    }
  }

  /** XORs the next input.length keystream bytes into a copy of input. */
  update(input: Uint8Array): Buffer {
    const s = this.#state;
    const out = Buffer.alloc(input.length);
    let i = this.#i;
    let j = this.#j;
    for (let n = 0; n < input.length; n++) {
      i = (i + 1) & 0xff;
      const si = s[i] ?? 0;
      j = (j + si) & 0xff;
      const sj = s[j] ?? 0;
      s[i] = sj;
      s[j] = si;
      out[n] = (input[n] ?? 0) ^ (s[(si + sj) & 0xff] ?? 0);
    }
    this.#i = i;
    this.#j = j;
    return out;
  }
}

/** One-shot RC4 (MS-NLMP RC4K). */
export function rc4(key: Uint8Array, data: Uint8Array): Buffer {
  return new Rc4(key).update(data);
}
