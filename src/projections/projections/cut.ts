/**
 * The two time axes of DESIGN.md §5. A cut keeps an event when it was effective on or before
 * `asOf` (valid time) and recorded at or before `knownAt` (transaction time). Corrections are cut by
 * `knownAt` only: one that is known applies ab initio, whatever `asOf` says.
 */
export interface Cut {
  /** YYYY-MM-DD. */
  readonly asOf?: string | null;
  /** ISO-8601 timestamp, or a bare YYYY-MM-DD meaning the end of that day (UTC). */
  readonly knownAt?: string | null;
}

/** A cut with `knownAt` normalised to `Date#toISOString()` form, so it compares with `recordedAt` as a string. */
export interface ResolvedCut {
  readonly asOf: string | null;
  readonly knownAt: string | null;
}

/** Whether the cut keeps anything out: without one the answer is the live one. */
export const hasCut = (cut: ResolvedCut): boolean => cut.asOf !== null || cut.knownAt !== null;

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export const endOfDay = (date: string): string => `${date}T23:59:59.999Z`;

/**
 * Throws RangeError on a malformed value: the HTTP layer validates first (400), so reaching this
 * with a bad cut is a programming error, not user input.
 */
export const resolveCut = (cut: Cut = {}): ResolvedCut => {
  const asOf = cut.asOf ?? null;
  if (asOf !== null && !DATE.test(asOf)) throw new RangeError(`asOf must be YYYY-MM-DD, not ${JSON.stringify(asOf)}`);
  let knownAt = cut.knownAt ?? null;
  if (knownAt !== null) {
    if (DATE.test(knownAt)) knownAt = endOfDay(knownAt);
    const ms = Date.parse(knownAt);
    if (Number.isNaN(ms)) throw new RangeError(`knownAt must be an ISO-8601 timestamp, not ${JSON.stringify(cut.knownAt)}`);
    knownAt = new Date(ms).toISOString();
  }
  return { asOf, knownAt };
};

export const NO_CUT: ResolvedCut = { asOf: null, knownAt: null };

/** "What the ledger said at D": effective by D and recorded by the end of D. */
export const ledgerSaidAt = (date: string): ResolvedCut => resolveCut({ asOf: date, knownAt: date });

/** "What was true at D": effective by D, with every correction known now applied ab initio. */
export const trueAt = (date: string): ResolvedCut => resolveCut({ asOf: date });

export const isKnown = (recordedAt: string, cut: ResolvedCut): boolean => cut.knownAt == null || recordedAt <= cut.knownAt;

export const isEffective = (effectiveOn: string, cut: ResolvedCut): boolean => cut.asOf == null || effectiveOn <= cut.asOf;
