/**
 * Names that every JavaScript object answers to (`{}.constructor`) or that JavaScript libraries
 * treat as special (`prototype`): as ids they would be keys of `attendance` and `stances` maps, in
 * this server and in every JavaScript client of its answers, that read as something else. They are
 * the only slugs that are such names, and are refused as ids.
 */
export const RESERVED_IDS: ReadonlySet<string> = new Set(['constructor', 'prototype']);

/** Client-chosen slugs (DESIGN.md §2: `^[a-z0-9][a-z0-9-]{0,62}$`), but the reserved names. */
export const SLUG_PATTERN = new RegExp(`^(?!(?:${[...RESERVED_IDS].join('|')})$)[a-z0-9][a-z0-9-]{0,62}$`);

export const isSlug = (value: unknown): value is string =>
  typeof value === 'string' && SLUG_PATTERN.test(value);

/** YYYY-MM-DD that names a real calendar day. */
export const isCalendarDate = (value: unknown): value is string => {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
};

/** A record's own value at `key`, never one inherited from Object.prototype (`constructor`). */
export const ownValue = <T>(record: Readonly<Record<string, T>>, key: string): T | undefined => (Object.hasOwn(record, key) ? record[key] : undefined);
