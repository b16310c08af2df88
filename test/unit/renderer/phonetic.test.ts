import { describe, expect, it } from 'vitest';
import {
  classifyCharacter,
  speakCharacter,
  spellPassword,
} from '../../../renderer/src/computer/phonetic.js';

describe('the phonetic spelling of a password', () => {
  it('says the case of every letter with its NATO word', () => {
    expect(speakCharacter('A')).toBe('capital Alfa');
    expect(speakCharacter('a')).toBe('lower alfa');
    expect(speakCharacter('X')).toBe('capital X-ray');
    expect(speakCharacter('j')).toBe('lower juliett');
  });

  it('names digits, so that 0 and O or 1 and l are never confused', () => {
    expect(speakCharacter('0')).toBe('Zero');
    expect(speakCharacter('O')).toBe('capital Oscar');
    expect(speakCharacter('1')).toBe('One');
    expect(speakCharacter('l')).toBe('lower lima');
    expect(speakCharacter('I')).toBe('capital India');
  });

  it('names every printable ASCII symbol', () => {
    for (let code = 0x20; code < 0x7f; code += 1) {
      const character = String.fromCharCode(code);
      if (/[A-Za-z0-9]/.test(character)) continue;
      expect(speakCharacter(character), character).not.toMatch(/U\+/);
    }
    expect(speakCharacter('#')).toBe('Hash');
    expect(speakCharacter('\\')).toBe('Backslash');
  });

  it('says the case and code point of a letter outside ASCII', () => {
    expect(speakCharacter('É')).toBe('capital letter É (U+00C9)');
    expect(speakCharacter('ß')).toBe('lower letter ß (U+00DF)');
  });

  it('spells by code point, so a character outside the BMP is one entry', () => {
    const spelled = spellPassword('a😀1');
    expect(spelled.map((entry) => entry.character)).toEqual(['a', '😀', '1']);
    expect(spelled[1]?.spoken).toBe('character 😀 (U+1F600)');
  });

  it('classifies characters for colouring', () => {
    expect(['Q', 'q', '7', '%', 'Ä', 'é'].map(classifyCharacter)).toEqual([
      'upper',
      'lower',
      'digit',
      'symbol',
      'upper',
      'lower',
    ]);
  });
});
