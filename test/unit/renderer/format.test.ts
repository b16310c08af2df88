import { describe, expect, it } from 'vitest';
import { showBidiControls } from '../../../renderer/src/format.js';

describe('device names as the console shows them', () => {
  it('shows a right-to-left override instead of obeying it', () => {
    expect(showBidiControls('WS-\u202eRTL')).toBe('WS-[U+202E]RTL');
    expect(showBidiControls('A\u2066B\u2069\u200f')).toBe('A[U+2066]B[U+2069][U+200F]');
  });

  it('leaves other text alone, right-to-left scripts and emoji included', () => {
    for (const name of ['КОМПЬЮТЕР-01', 'ÆØÅ-LAPTOP', 'DESKTOP-😀', 'שרת-01', "O'BRIEN-PC"])
      expect(showBidiControls(name)).toBe(name);
  });
});
