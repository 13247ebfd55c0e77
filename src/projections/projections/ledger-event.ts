/**
 * What the read side folds: a stored envelope (DESIGN.md §3). Structurally an `EventEnvelope`, but
 * only the fields a fold reads are required, so tests and the read-model can hand in lighter rows.
 */
export interface LedgerEvent {
  readonly streamId: string;
  readonly revision: number;
  /** Global order as a canonical decimal string (no sign, no leading zeros). */
  readonly position: string;
  readonly eventId: string;
  readonly type: string;
  readonly data: Readonly<Record<string, unknown>>;
  readonly metadata: {
    readonly effectiveOn: string;
    readonly recordedAt: string;
    readonly [key: string]: unknown;
  };
}

/** A place in effective order (DESIGN.md §4): by `effectiveOn`, ties by `position`. */
export interface EffectiveKey {
  readonly effectiveOn: string;
  readonly position: string;
}

/**
 * Compares canonical decimal positions without BigInt: a longer numeral is larger, equal lengths
 * compare as strings. Folds call this for every pair they sort, so it has to be cheap.
 */
export const comparePosition = (a: string, b: string): number =>
  a.length !== b.length ? a.length - b.length : a < b ? -1 : a > b ? 1 : 0;

export const compareEffective = (a: EffectiveKey, b: EffectiveKey): number =>
  a.effectiveOn < b.effectiveOn ? -1 : a.effectiveOn > b.effectiveOn ? 1 : comparePosition(a.position, b.position);

export const compareStrings = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Sorted copy without duplicates: every list of ids in an answer is sorted (DESIGN.md §4). */
export const sortedIds = (ids: Iterable<string>): string[] => [...new Set(ids)].sort(compareStrings);

/** A copy of a record with its keys in code-point order, so answers serialise deterministically. */
export const sortedRecord = <V>(record: Readonly<Record<string, V>>): Record<string, V> => {
  const out: Record<string, V> = {};
  for (const key of Object.keys(record).sort(compareStrings)) out[key] = record[key] as V;
  return out;
};

/** `track-us-cn-seg` → {kind: 'track', id: 'us-cn-seg'}; ids are slugs, so the first dash splits. */
export const parseStreamId = (streamId: string): { kind: string; id: string } => {
  const dash = streamId.indexOf('-');
  return dash < 0 ? { kind: streamId, id: '' } : { kind: streamId.slice(0, dash), id: streamId.slice(dash + 1) };
};
