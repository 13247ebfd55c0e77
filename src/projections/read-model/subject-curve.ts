/**
 * What the bitemporal index stores about a subject: its "as-of curve" under one state of knowledge.
 * Under a fixed knownAt, a subject's fold only changes at the effective dates of its records, so the
 * whole valid-time axis is a short list of (date, state) points; each point is stored as a version
 * valid from the moment it became known until a later event changed it.
 */
import type { StanceCell } from '../projections/board.projection.js';
import type { CbmStatus, NormStatus, SubjectKind } from '../projections/ledger-payloads.js';
import type { TrackRegistry } from '../projections/registry.projection.js';
import { evolveSubject, foldedRecords, type SubjectState } from '../projections/subject.projection.js';
import type { StreamTimeline } from '../projections/timeline.projection.js';

export interface CurvePoint {
  /** The state holds for every asOf on or after this date (until the next point). */
  readonly date: string;
  readonly state: SubjectState;
}

/**
 * The fold of one subject for every asOf at once. `subjectRecords` puts the creation record first
 * and the others in effective order, so the fold at asOf = d is a prefix of the fold at any later
 * date: one pass emits a point after the last record of each date (dates before the creation date
 * count from the creation date, where the subject starts to exist).
 */
export const subjectCurve = (timeline: StreamTimeline, registry: TrackRegistry | null): CurvePoint[] => {
  const records = foldedRecords(timeline);
  if (records.length === 0) return [];
  const createdOn = records[0]!.effectiveOn;
  const points: CurvePoint[] = [];
  let state: SubjectState | null = null;
  for (let i = 0; i < records.length; i += 1) {
    const record = records[i]!;
    state = evolveSubject(state, record, registry);
    const date = record.effectiveOn > createdOn ? record.effectiveOn : createdOn;
    const next = records[i + 1];
    const nextDate = next === undefined ? null : next.effectiveOn > createdOn ? next.effectiveOn : createdOn;
    if (state !== null && nextDate !== date) points.push({ date, state });
  }
  return points;
};

/** The date of the curve point that an in-order record lands on. */
export const pointDateOf = (state: SubjectState, effectiveOn: string): string => (effectiveOn > state.createdOn ? effectiveOn : state.createdOn);

/**
 * The part of a subject state a board row is rendered from (boardRowOf), in short keys: a version
 * is stored per recorded event, so its size is the index's size.
 */
export interface CompactState {
  readonly k: SubjectKind;
  readonly i: string;
  readonly t: string;
  readonly s: string | null;
  readonly ss: string | null;
  /** partyId → [stance, statementId, effectiveOn]. */
  readonly st: Readonly<Record<string, readonly [string, string, string]>>;
  /** 1 when a decision was taken without consensus. */
  readonly f?: 1;
  /** Norms and CBMs: the proposers, when any (they count on the row whatever their registration's date). */
  readonly p?: readonly string[];
  /** Norms: confirmations, and every party with a capital response (it counts on the row whatever its registration's date). */
  readonly c?: readonly string[];
  readonly rp?: readonly string[];
  /** CBMs: linked norms and parties that reported. */
  readonly ln?: readonly string[];
  readonly rb?: readonly string[];
}

export const compactStateOf = (state: SubjectState): CompactState => {
  const st: Record<string, [string, string, string]> = {};
  for (const partyId of Object.keys(state.stances).sort()) {
    const entry = state.stances[partyId]!;
    st[partyId] = [entry.stance, entry.statementId, entry.effectiveOn];
  }
  const base = {
    k: state.kind,
    i: state.id,
    t: state.title,
    s: state.status,
    ss: state.statusSince,
    st,
    ...(state.decisions.some((d) => !d.consensusHeld) ? { f: 1 as const } : {}),
    ...(state.proposedBy.length > 0 ? { p: state.proposedBy } : {}),
  };
  switch (state.kind) {
    case 'norm':
      return { ...base, c: state.confirmations, rp: state.respondedBy };
    case 'cbm':
      return { ...base, ln: state.linkedNorms, rb: state.reportedBy };
    default:
      return base;
  }
};

const q = JSON.stringify;
const list = (ids: readonly string[]): string => (ids.length === 0 ? '[]' : `[${ids.map((id) => q(id)).join(',')}]`);

/**
 * JSON.stringify(compactStateOf(state)), byte for byte, without building the compact object: a
 * version is serialised per recorded event, so this is on the rebuild's hot path.
 */
export const compactJsonOf = (state: SubjectState): string => {
  let st = '';
  const parties = Object.keys(state.stances);
  if (parties.length > 1) parties.sort();
  for (const partyId of parties) {
    const entry = state.stances[partyId]!;
    st += `${st === '' ? '' : ','}${q(partyId)}:[${q(entry.stance)},${q(entry.statementId)},${q(entry.effectiveOn)}]`;
  }
  let flagged = false;
  for (const d of state.decisions) if (!d.consensusHeld) flagged = true;
  let json = `{"k":${q(state.kind)},"i":${q(state.id)},"t":${q(state.title)},"s":${q(state.status)},"ss":${q(state.statusSince)},"st":{${st}}${flagged ? ',"f":1' : ''}`;
  if (state.proposedBy.length > 0) json += `,"p":${list(state.proposedBy)}`;
  if (state.kind === 'norm') json += `,"c":${list(state.confirmations)},"rp":${list(state.respondedBy)}`;
  else if (state.kind === 'cbm') json += `,"ln":${list(state.linkedNorms)},"rb":${list(state.reportedBy)}`;
  return `${json}}`;
};

/**
 * Enough of a SubjectState for boardRowOf and linkedCbmsByNorm, rebuilt from a compact one: the
 * row is rendered by the same function as the reference fold's, so the two cannot drift apart.
 */
export const stateOfCompact = (compact: CompactState): SubjectState => {
  // Plain loops and one object literal per kind: an as-of board rebuilds hundreds of these per request.
  const stances: Record<string, { stance: StanceCell['stance']; statementId: string; effectiveOn: string }> = {};
  const st = compact.st;
  for (const partyId in st) {
    const entry = st[partyId]!;
    stances[partyId] = { stance: entry[0] as StanceCell['stance'], statementId: entry[1], effectiveOn: entry[2] };
  }
  const decisions = compact.f === 1 ? [{ consensusHeld: false }] : [];
  const proposedBy = compact.p ?? [];
  switch (compact.k) {
    case 'norm':
      return {
        kind: 'norm',
        id: compact.i,
        title: compact.t,
        stances,
        decisions,
        proposedBy,
        status: compact.s as NormStatus,
        statusSince: compact.ss,
        confirmations: compact.c ?? [],
        respondedBy: compact.rp ?? [],
      } as unknown as SubjectState;
    case 'cbm':
      return {
        kind: 'cbm',
        id: compact.i,
        title: compact.t,
        stances,
        decisions,
        proposedBy,
        status: compact.s as CbmStatus,
        statusSince: compact.ss,
        linkedNorms: compact.ln ?? [],
        reportedBy: compact.rb ?? [],
      } as unknown as SubjectState;
    default:
      return { kind: 'topic', id: compact.i, title: compact.t, stances, decisions, proposedBy, status: null, statusSince: null } as unknown as SubjectState;
  }
};
