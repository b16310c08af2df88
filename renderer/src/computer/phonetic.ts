// How a password is read out over the phone, and how each of its characters is coloured. Pure:
// no React, no DOM, so that it is unit-tested under Node.

export type CharacterClass = 'upper' | 'lower' | 'digit' | 'symbol';

export interface SpelledCharacter {
  readonly character: string;
  readonly characterClass: CharacterClass;
  /** "capital Alfa", "lower bravo", "Seven", "Exclamation mark". */
  readonly spoken: string;
}

const NATO: Readonly<Record<string, string>> = {
  a: 'Alfa',
  b: 'Bravo',
  c: 'Charlie',
  d: 'Delta',
  e: 'Echo',
  f: 'Foxtrot',
  g: 'Golf',
  h: 'Hotel',
  i: 'India',
  j: 'Juliett',
  k: 'Kilo',
  l: 'Lima',
  m: 'Mike',
  n: 'November',
  o: 'Oscar',
  p: 'Papa',
  q: 'Quebec',
  r: 'Romeo',
  s: 'Sierra',
  t: 'Tango',
  u: 'Uniform',
  v: 'Victor',
  w: 'Whiskey',
  x: 'X-ray',
  y: 'Yankee',
  z: 'Zulu',
};

const DIGITS = ['Zero', 'One', 'Two', 'Three', 'Four', 'Five', 'Six', 'Seven', 'Eight', 'Nine'];

const SYMBOLS: Readonly<Record<string, string>> = {
  ' ': 'Space',
  '!': 'Exclamation mark',
  '"': 'Double quote',
  '#': 'Hash',
  $: 'Dollar sign',
  '%': 'Percent sign',
  '&': 'Ampersand',
  "'": 'Apostrophe',
  '(': 'Opening parenthesis',
  ')': 'Closing parenthesis',
  '*': 'Asterisk',
  '+': 'Plus sign',
  ',': 'Comma',
  '-': 'Hyphen',
  '.': 'Full stop',
  '/': 'Slash',
  ':': 'Colon',
  ';': 'Semicolon',
  '<': 'Less-than sign',
  '=': 'Equals sign',
  '>': 'Greater-than sign',
  '?': 'Question mark',
  '@': 'At sign',
  '[': 'Opening square bracket',
  '\\': 'Backslash',
  ']': 'Closing square bracket',
  '^': 'Caret',
  _: 'Underscore',
  '`': 'Backtick',
  '{': 'Opening curly brace',
  '|': 'Vertical bar',
  '}': 'Closing curly brace',
  '~': 'Tilde',
};

export function classifyCharacter(character: string): CharacterClass {
  if (/^\p{Lu}$/u.test(character)) return 'upper';
  if (/^\p{Ll}$/u.test(character)) return 'lower';
  if (/^\p{Nd}$/u.test(character)) return 'digit';
  return 'symbol';
}

function codePointName(character: string): string {
  const code = character.codePointAt(0) ?? 0;
  return `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** One spoken word for a character: case said for letters, digits and symbols named. */
export function speakCharacter(character: string): string {
  const characterClass = classifyCharacter(character);
  const nato = NATO[character.toLowerCase()];
  if (nato !== undefined && characterClass === 'upper') return `capital ${nato}`;
  if (nato !== undefined && characterClass === 'lower') return `lower ${nato.toLowerCase()}`;
  if (/^[0-9]$/.test(character)) return DIGITS[Number(character)] ?? character;
  const symbol = SYMBOLS[character];
  if (symbol !== undefined) return symbol;
  // Not on an English keyboard: say which case, and the code point so it can be typed.
  const kind =
    characterClass === 'upper'
      ? 'capital letter'
      : characterClass === 'lower'
        ? 'lower letter'
        : characterClass === 'digit'
          ? 'digit'
          : 'character';
  return `${kind} ${character} (${codePointName(character)})`;
}

/** The password, code point by code point (an emoji or an accented letter is one entry). */
export function spellPassword(password: string): readonly SpelledCharacter[] {
  return Array.from(password, (character) => ({
    character,
    characterClass: classifyCharacter(character),
    spoken: speakCharacter(character),
  }));
}
