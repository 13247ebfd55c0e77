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
  changes: 50,
} as const;

/** Why `value` is not a non-blank text of at most `max` characters; undefined when it is one. */
export const textProblem = (value: unknown, max: number): string | undefined => {
  if (typeof value !== 'string' || value.trim() === '') return 'must be a non-empty text';
  return value.length > max ? `must be at most ${max} characters long` : undefined;
};
