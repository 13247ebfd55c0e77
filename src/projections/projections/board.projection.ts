/**
 * The views of a subject (DESIGN.md §4, §7): board rows, the party × subject stance matrix, the CBM
 * tracker and one subject's detail with its history. Rendering is separate from folding so that the
 * read-model can re-render a row when something outside the subject changes (a party registered,
 * a linked CBM's status) without refolding the subject.
 */
import { compareEffective, compareStrings, sortedIds } from './ledger-event.js';
import type { CbmStatus, NormStatus, SubjectKind } from './ledger-payloads.js';
import { partyIdsOf } from './registry.projection.js';
import {
  consensusOver,
  evolveSubject,
  foldedRecords,
  subjectRecords,
  tookPart,
  type CapitalResponse,
  type ImplementationReport,
  type StanceEntry,
  type SubjectDecision,
  type SubjectState,
} from './subject.projection.js';
import { findSubject, type TrackProjection } from './track.projection.js';
import type { AppliedCorrection } from './timeline.projection.js';
import { ownValue } from '../../shared/domain/ids.js';

export const DECISION_WITHOUT_CONSENSUS = 'decision-without-consensus';

export interface StanceCell {
  readonly stance: StanceEntry['stance'];
  readonly statementId: string;
  readonly effectiveOn: string;
}

export interface LinkedCbm {
  readonly id: string;
  readonly status: CbmStatus;
}

interface RowBase {
  readonly id: string;
  readonly title: string;
  readonly stances: Readonly<Record<string, StanceCell>>;
  readonly blockingParties: readonly string[];
  readonly consensusPossible: boolean;
  readonly pendingConfirmations: readonly string[];
  readonly flags: readonly string[];
}

export interface NormRow extends RowBase {
  readonly kind: 'norm';
  readonly status: NormStatus;
  readonly statusSince: string;
  readonly linkedCbms: readonly LinkedCbm[];
}

export interface CbmRow extends RowBase {
  readonly kind: 'cbm';
  readonly status: CbmStatus;
  readonly statusSince: string;
  readonly linkedNorms: readonly string[];
  readonly implementationReportedBy: readonly string[];
}

export interface TopicRow extends RowBase {
  readonly kind: 'topic';
  readonly status: null;
  readonly statusSince: null;
}

export type BoardRow = NormRow | CbmRow | TopicRow;

export interface Board {
  readonly trackId: string;
  readonly asOf: string | null;
  readonly knownAt: string | null;
  readonly rows: readonly BoardRow[];
}

/** Sorted by party: one pass over the sorted keys (a board row of a broad track has dozens). */
export const stanceCellsOf = (stances: Readonly<Record<string, StanceEntry>>): Record<string, StanceCell> => {
  const cells: Record<string, StanceCell> = {};
  for (const partyId of Object.keys(stances).sort(compareStrings)) {
    const entry = stances[partyId]!;
    cells[partyId] = { stance: entry.stance, statementId: entry.statementId, effectiveOn: entry.effectiveOn };
  }
  return cells;
};

/** normId → the CBMs linking to it with their status, sorted by CBM id. */
export const linkedCbmsByNorm = (subjects: readonly SubjectState[]): ReadonlyMap<string, readonly LinkedCbm[]> => {
  const byNorm = new Map<string, LinkedCbm[]>();
  for (const subject of subjects) {
    if (subject.kind !== 'cbm') continue;
    for (const normId of subject.linkedNorms) {
      const list = byNorm.get(normId) ?? [];
      list.push({ id: subject.id, status: subject.status });
      byNorm.set(normId, list);
    }
  }
  for (const list of byNorm.values()) list.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return byNorm;
};

/**
 * The parties a row (or the matrix) counts: those registered under the cut, and every party that
 * took part in it (a proposer, a stance), whatever its registration's date (partiesTakingPartAt). Sorted.
 */
export const withPartiesTakingPart = (registered: readonly string[], tookPartParties: readonly string[]): readonly string[] => {
  // A set: a row of a broad track checks dozens of parties against dozens.
  const known = new Set(registered);
  return tookPartParties.every((partyId) => known.has(partyId)) ? registered : sortedIds([...new Set([...registered, ...tookPartParties])]);
};

/**
 * One board row. `parties`: every party registered on the track under the cut (sorted); a party
 * that took part in the subject (a proposer, a stance) counts too, whatever its registration's
 * date (partiesTakingPartAt).
 * `linkedCbms`: for a norm, the CBMs linking to it under the same cut.
 */
export const boardRowOf = (state: SubjectState, registered: readonly string[], linkedCbms: readonly LinkedCbm[] = []): BoardRow => {
  const parties = withPartiesTakingPart(registered, tookPart(state));
  const { blockingParties, consensusPossible } = consensusOver(parties, state.stances);
  const base = {
    id: state.id,
    title: state.title,
    stances: stanceCellsOf(state.stances),
    blockingParties,
    consensusPossible,
    flags: state.decisions.some((d) => !d.consensusHeld) ? [DECISION_WITHOUT_CONSENSUS] : [],
  };
  switch (state.kind) {
    case 'norm':
      return {
        kind: 'norm',
        ...base,
        status: state.status,
        statusSince: state.statusSince,
        pendingConfirmations: state.status === 'agreed_ad_referendum' ? parties.filter((p) => !state.confirmations.includes(p)) : [],
        linkedCbms: [...linkedCbms],
      };
    case 'cbm':
      return {
        kind: 'cbm',
        ...base,
        status: state.status,
        statusSince: state.statusSince,
        pendingConfirmations: [],
        linkedNorms: [...state.linkedNorms],
        implementationReportedBy: [...state.reportedBy],
      };
    case 'topic':
      return { kind: 'topic', ...base, status: null, statusSince: null, pendingConfirmations: [] };
    default: {
      const never: never = state;
      throw new TypeError(`unknown subject ${JSON.stringify(never)}`);
    }
  }
};

export const boardRowsOf = (track: TrackProjection): BoardRow[] => {
  const parties = partyIdsOf(track.registry);
  const links = linkedCbmsByNorm(track.subjects);
  return track.subjects.map((s) => boardRowOf(s, parties, s.kind === 'norm' ? (links.get(s.id) ?? []) : []));
};

/** GET /tracks/:trackId/board. */
export const boardOf = (track: TrackProjection): Board => ({
  trackId: track.trackId,
  asOf: track.cut.asOf,
  knownAt: track.cut.knownAt,
  rows: boardRowsOf(track),
});

export interface MatrixRow {
  readonly kind: SubjectKind;
  readonly id: string;
  readonly title: string;
  readonly status: string | null;
  /** One cell per registered party (null: no stance yet). */
  readonly cells: Readonly<Record<string, StanceCell | null>>;
}

/** GET /tracks/:trackId/matrix: subjects as rows (norms, CBMs, topics by id), parties as columns. */
export interface StanceMatrix {
  readonly trackId: string;
  readonly asOf: string | null;
  readonly knownAt: string | null;
  readonly parties: readonly string[];
  readonly rows: readonly MatrixRow[];
}

export const matrixOf = (track: TrackProjection): StanceMatrix => {
  const parties = withPartiesTakingPart(partyIdsOf(track.registry), track.subjects.flatMap(tookPart));
  return {
    trackId: track.trackId,
    asOf: track.cut.asOf,
    knownAt: track.cut.knownAt,
    parties,
    rows: track.subjects.map((s) => {
      const stances = stanceCellsOf(s.stances);
      const cells: Record<string, StanceCell | null> = {};
      for (const partyId of parties) cells[partyId] = ownValue(stances, partyId) ?? null;
      return { kind: s.kind, id: s.id, title: s.title, status: s.status, cells };
    }),
  };
};

export interface TrackerReport {
  readonly reportId: string;
  readonly partyId: string;
  readonly text: string;
  readonly sessionId: string | null;
  readonly effectiveOn: string;
}

export type CbmTrackerRow = CbmRow & {
  /** Every report in effective order. */
  readonly reports: readonly TrackerReport[];
  /** Every registered party → its report ids in effective order ([] when none yet). */
  readonly reportsByParty: Readonly<Record<string, readonly string[]>>;
  /** Registered parties that have not reported yet, sorted. */
  readonly awaitingReports: readonly string[];
  readonly statusBeforeSuspension: CbmStatus | null;
};

/** GET the CBM tracker: the board's CBM rows plus implementation reports per party. */
export interface CbmTracker {
  readonly trackId: string;
  readonly asOf: string | null;
  readonly knownAt: string | null;
  readonly parties: readonly string[];
  readonly cbms: readonly CbmTrackerRow[];
}

const trackerReport = (r: ImplementationReport): TrackerReport => ({
  reportId: r.reportId,
  partyId: r.partyId,
  text: r.text,
  sessionId: r.sessionId,
  effectiveOn: r.effectiveOn,
});

export const cbmTrackerOf = (track: TrackProjection): CbmTracker => {
  const parties = partyIdsOf(track.registry);
  const cbms: CbmTrackerRow[] = [];
  for (const state of track.subjects) {
    if (state.kind !== 'cbm') continue;
    const row = boardRowOf(state, parties) as CbmRow;
    const reportsByParty: Record<string, string[]> = {};
    for (const partyId of sortedIds([...parties, ...state.reportedBy])) reportsByParty[partyId] = [];
    for (const report of state.reports) reportsByParty[report.partyId]!.push(report.reportId);
    cbms.push({
      ...row,
      reports: state.reports.map(trackerReport),
      reportsByParty,
      awaitingReports: parties.filter((p) => !state.reportedBy.includes(p)),
      statusBeforeSuspension: state.statusBeforeSuspension,
    });
  }
  return { trackId: track.trackId, asOf: track.cut.asOf, knownAt: track.cut.knownAt, parties, cbms };
};

export interface HistoryCorrection {
  readonly correctionId: string;
  readonly eventId: string;
  readonly changes: AppliedCorrection['changes'];
  readonly reason: string;
  readonly requestedBy: string;
  readonly corrigendumId: string | null;
  readonly effectiveOn: string;
  readonly recordedAt: string;
}

export interface HistoryEntry {
  readonly eventId: string;
  readonly position: string;
  readonly revision: number;
  readonly type: string;
  /** After corrections; `recordedEffectiveOn` is the date first recorded. */
  readonly effectiveOn: string;
  readonly recordedEffectiveOn: string;
  readonly recordedAt: string;
  /** The payload after corrections. */
  readonly data: Readonly<Record<string, unknown>>;
  readonly corrections: readonly HistoryCorrection[];
  /** The subject's status right after this record (null for topics). */
  readonly status: string | null;
}

/** GET /{norms|cbms|topics}/:id: the board row, what lies behind it, and the history in effective order. */
export type SubjectDetail = BoardRow & {
  readonly trackId: string;
  readonly asOf: string | null;
  readonly knownAt: string | null;
  readonly summary: string | null;
  readonly proposedBy: readonly string[];
  readonly createdOn: string;
  readonly sessionId: string | null;
  readonly decisions: readonly SubjectDecision[];
  readonly adoptedOn: string | null;
  readonly capitalResponses: readonly CapitalResponse[];
  readonly reports: readonly TrackerReport[];
  readonly history: readonly HistoryEntry[];
};

export const subjectDetailOf = (track: TrackProjection, kind: SubjectKind, id: string): SubjectDetail | null => {
  const state = findSubject(track, kind, id);
  const timeline = track.timelines.get(`${kind}-${id}`);
  if (state === undefined || timeline === undefined) return null;
  const parties = partyIdsOf(track.registry);
  const row = boardRowOf(state, parties, kind === 'norm' ? (linkedCbmsByNorm(track.subjects).get(id) ?? []) : []);
  const history: HistoryEntry[] = [];
  let replay: SubjectState | null = null;
  // Each record at its own date; the status after it as the fold has it (foldedRecords, whose
  // derived records are parts of a recorded one and are not listed).
  const own = subjectRecords(timeline);
  let next = 0;
  for (const folded of foldedRecords(timeline)) {
    replay = evolveSubject(replay, folded, track.registry);
    if (folded.derived === true) continue;
    const record = own[next++]!;
    history.push({
      eventId: record.eventId,
      position: record.position,
      revision: record.revision,
      type: record.type,
      effectiveOn: record.effectiveOn,
      recordedEffectiveOn: record.recordedEffectiveOn,
      recordedAt: record.recordedAt,
      data: record.data,
      corrections: record.corrections.map((c) => ({
        correctionId: c.correctionId,
        eventId: c.eventId,
        changes: c.changes,
        reason: c.reason,
        requestedBy: c.requestedBy,
        corrigendumId: c.corrigendumId,
        effectiveOn: c.effectiveOn,
        recordedAt: c.recordedAt,
      })),
      status: replay?.status ?? null,
    });
  }
  return {
    ...row,
    trackId: state.trackId,
    asOf: track.cut.asOf,
    knownAt: track.cut.knownAt,
    summary: state.summary,
    proposedBy: state.proposedBy,
    createdOn: state.createdOn,
    sessionId: state.sessionId,
    decisions: state.decisions,
    adoptedOn: state.kind === 'norm' ? state.adoptedOn : null,
    capitalResponses: state.kind === 'norm' ? state.responses : [],
    reports: state.kind === 'cbm' ? state.reports.map(trackerReport) : [],
    history: inEffectiveOrder(history, track.cut.asOf),
  };
};

/**
 * The history in effective order (DESIGN §4, §7), each record at its own date. The fold takes the
 * creation first (a subject exists from its earliest record), so only the creation can be out of
 * place: when it is dated after records made on the subject (a norm proposed today, its positions
 * back-entered at last year's session), it moves to its own date, showing the status those
 * earlier records had left, which it does not change; and under an asOf before its date it is not
 * in the history at all (only records dated on or before asOf are), though the subject existed.
 */
const inEffectiveOrder = (history: readonly HistoryEntry[], asOf: string | null): HistoryEntry[] => {
  const [creation, ...others] = history;
  if (creation === undefined) return [];
  const before = others.filter((entry) => compareEffective(entry, creation) < 0);
  if (before.length === 0) return [...history];
  const moved = asOf !== null && creation.effectiveOn > asOf ? [] : [{ ...creation, status: before.at(-1)!.status }];
  return [...before, ...moved, ...others.slice(before.length)];
};
