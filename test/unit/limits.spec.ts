import fc from 'fast-check';
import { characterCount, controlCharacterProblem, longerThan, textProblem } from '../../src/shared/domain/limits.js';

describe('text limits count characters as a reader does', () => {
  it('counts code points: a surrogate pair is one character, a lone surrogate one too (as Array.from does)', () => {
    expect(characterCount('abc')).toBe(3);
    expect(characterCount('\u{20000}\u{1F600}')).toBe(2);
    expect(characterCount('\ud800x\udc00')).toBe(3);
    expect(characterCount('\udc00\ud800')).toBe(2);
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (text) => characterCount(text) === Array.from(text).length));
  });

  it('longerThan agrees with the count at and around the limit', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), fc.nat(40), (text, max) => longerThan(text, max) === Array.from(text).length > max),
    );
    expect(textProblem('\u{1F600}'.repeat(5), 5)).toBeUndefined();
    expect(textProblem('\u{1F600}'.repeat(6), 5)).toBe('must be at most 5 characters long');
  });

  it('names the first control character and where it is; tab, line feed and carriage return pass', () => {
    expect(controlCharacterProblem('a\tb\nc\r\n')).toBeUndefined();
    expect(controlCharacterProblem('\u{1F600}\u007f')).toBe('must not contain control characters (U+007F at character 2); tab, line feed and carriage return are allowed');
    for (const code of [0x00, 0x08, 0x0b, 0x0c, 0x0e, 0x1f, 0x7f, 0x80, 0x85, 0x9f]) expect(controlCharacterProblem(`x${String.fromCharCode(code)}`)).toMatch(/^must not contain control characters/);
    for (const code of [0x09, 0x0a, 0x0d, 0x20, 0x7e, 0xa0, 0x2028, 0x202e]) expect(controlCharacterProblem(`x${String.fromCharCode(code)}`)).toBeUndefined();
    expect(textProblem('ok\u0000', 100)).toBe('must not contain control characters (U+0000 at character 3); tab, line feed and carriage return are allowed');
  });
});
