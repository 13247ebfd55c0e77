/**
 * Length limits of the texts and lists of a command body (characters, items). The DTOs enforce them
 * on what a clerk sends (400); the deciders enforce them again on what a correction would leave (a
 * DTO validated the original record, not the corrected one).
 */
export const LIMITS = {
  name: 200,
  title: 300,
  summary: 20_000,
  text: 100_000,
  reason: 2_000,
  reference: 500,
  short: 100,
  listItems: 1_000,
  /** A correction's changes: one per party of a UN-wide body (193 states) when each is corrected on its own. */
  changes: 200,
} as const;

/**
 * Characters as a reader counts them (Unicode code points): an emoji or a CJK Extension B ideograph
 * is one, though JavaScript's `length` counts two UTF-16 units for it. OpenAPI's maxLength counts
 * the same way (JSON Schema counts code points).
 */
export const characterCount = (text: string): number => {
  let count = text.length;
  for (let index = 0; index < text.length - 1; index++) {
    const unit = text.charCodeAt(index);
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = text.charCodeAt(index + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        count--;
        index++;
      }
    }
  }
  return count;
};

/** Whether `text` is longer than `max` characters (code points; UTF-16 length only bounds it from above). */
export const longerThan = (text: string, max: number): boolean => text.length > max && characterCount(text) > max;

/**
 * Control characters other than tab, line feed and carriage return (C0, DEL, C1): invisible in
 * every view, some cut a text short in C programs and terminals (NUL), none belongs in a record.
 */
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;

/** A text free of those control characters, as a JSON Schema `pattern` (OpenAPI) can say it. */
export const NO_CONTROL_PATTERN = `^[^${CONTROL.source.slice(1, -1)}]*$`;

/** Why `text` holds a control character, naming the first and where it is; undefined when it holds none. */
export const controlCharacterProblem = (text: string): string | undefined => {
  const found = CONTROL.exec(text);
  if (found === null) return undefined;
  const code = found[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
  return `must not contain control characters (U+${code} at character ${characterCount(text.slice(0, found.index)) + 1}); tab, line feed and carriage return are allowed`;
};

/**
 * Nothing a reader would see: white space, format characters (zero-width space, word joiner, bidi
 * marks and overrides, BOM), combining marks with nothing to combine with, and the fillers that
 * render as blank (Hangul fillers, the blank Braille pattern).
 */
const BLANK = /^[\s\p{Z}\p{Cf}\p{M}\u115F\u1160\u3164\uFFA0\u2800]*$/u;

export const isBlank = (text: string): boolean => BLANK.test(text);

/** Why `value` is not a non-blank text of at most `max` characters; undefined when it is one. */
export const textProblem = (value: unknown, max: number): string | undefined => {
  if (typeof value !== 'string' || isBlank(value)) return 'must be a non-empty text';
  if (longerThan(value, max)) return `must be at most ${max} characters long`;
  return controlCharacterProblem(value);
};
