/**
 * The fold of one subject (norm, cbm or topic) in effective order, after corrections (DESIGN.md §4).
 * Its state is a function of the subject's own stream under a cut plus the track registry under the
 * same cut, so the read-model can keep one state per subject and either apply the next event with
 * `evolveSubject` (when it sorts after `lastKey` and is no correction) or recompute it with
 * `foldSubject` (a correction, a late entry, a new party registered effective in the past).
 */
import type { ResolvedCut } from './cut.js';
import { compareEffective, parseStreamId, sortedIds, type EffectiveKey, type LedgerEvent } from './ledger-event.js';
import {
  BLOCKING_STANCES,
  CREATION_EVENT,
  type CapitalResponseRecordedData,
  type CbmImplementationReportedData,
  type CbmLinkedToNormData,
  type CbmStatus,
  type NormStatus,
  type PositionStatedData,
  type Stance,
  type SubjectCreatedData,
  type SubjectDecisionData,
  type SubjectKind,
} from './ledger-payloads.js';
import { partiesAt, type TrackRegistry } from './registry.projection.js';
import { streamTimeline, type StreamTimeline, type TimelineRecord } from './timeline.projection.js';
import { ownValue } from '../../shared/domain/ids.js';

export interface StanceEntry {
  readonly stance: Stance;
  readonly statementId: string;
  readonly effectiveOn: string;
  readonly eventId: string;
  readonly condition: string | null;
  readonly sessionId: string | null;
}

export interface SubjectDecision {
  readonly decisionId: string;
  readonly kind: string;
  readonly sessionId: string | null;
  readonly agendaItemId: string | null;
  readonly text: string | null;
  readonly effectiveOn: string;
  readonly eventId: string;
  readonly position: string;
  /** Whether consensus held at the decision's place in effective order, under the cut. */
  readonly consensusHeld: boolean;
  readonly blockingParties: readonly string[];
}

export interface CapitalResponse {
  readonly responseId: string;
  readonly partyId: string;
  readonly response: 'confirmed' | 'declined';
  readonly effectiveOn: string;
  readonly eventId: string;
}

export interface ImplementationReport {
  readonly reportId: string;
  readonly partyId: string;
  readonly text: string;
  readonly sessionId: string | null;
  readonly effectiveOn: string;
  readonly eventId: string;
}

interface SubjectCore {
  readonly id: string;
  readonly trackId: string;
  readonly title: string;
  readonly summary: string | null;
  readonly proposedBy: readonly string[];
  readonly sessionId: string | null;
  readonly createdOn: string;
  readonly stances: Readonly<Record<string, StanceEntry>>;
  readonly decisions: readonly SubjectDecision[];
  /** The last record applied, in effective order: an event sorting after it may be applied incrementally. */
  readonly lastKey: EffectiveKey;
}

export interface NormState extends SubjectCore {
  readonly kind: 'norm';
  readonly status: NormStatus;
  readonly statusSince: string;
  /** Parties that confirmed since the last agreement ad referendum (a decline clears them). */
  readonly confirmations: readonly string[];
  readonly adoptedOn: string | null;
  readonly responses: readonly CapitalResponse[];
  /** Every party with a capital response on it, whatever the response and the phase (sorted). */
  readonly respondedBy: readonly string[];
}

export interface CbmState extends SubjectCore {
  readonly kind: 'cbm';
  readonly status: CbmStatus;
  readonly statusSince: string;
  readonly linkedNorms: readonly string[];
  readonly reports: readonly ImplementationReport[];
  readonly reportedBy: readonly string[];
  readonly statusBeforeSuspension: CbmStatus | null;
}

export interface TopicState extends SubjectCore {
  readonly kind: 'topic';
  readonly status: null;
  readonly statusSince: null;
}

export type SubjectState = NormState | CbmState | TopicState;

export interface Consensus {
  readonly blockingParties: string[];
  readonly consensusPossible: boolean;
}

/** DESIGN.md §2: a party blocks unless it supports or abstains; consensus needs one supporter and no blocker. */
export const consensusOver = (parties: readonly string[], stances: Readonly<Record<string, StanceEntry>>): Consensus => {
  const blockingParties: string[] = [];
  let supporters = 0;
  for (const partyId of parties) {
    const stance = ownValue(stances, partyId)?.stance;
    if (stance === undefined || BLOCKING_STANCES.has(stance)) blockingParties.push(partyId);
    else if (stance === 'supports') supporters += 1;
  }
  blockingParties.sort();
  return { blockingParties, consensusPossible: blockingParties.length === 0 && supporters > 0 };
};

export const subjectKindOf = (streamId: string): SubjectKind | null => {
  const { kind } = parseStreamId(streamId);
  return kind === 'norm' || kind === 'cbm' || kind === 'topic' ? kind : null;
};

const str = (value: unknown): string | null => (typeof value === 'string' ? value : null);
const keyOf = (record: TimelineRecord): EffectiveKey => ({ effectiveOn: record.effectiveOn, position: record.position });

const create = (kind: SubjectKind, record: TimelineRecord): SubjectState => {
  const d = record.data as unknown as SubjectCreatedData;
  const core: SubjectCore = {
    id: parseStreamId(record.streamId).id,
    trackId: d.trackId,
    title: str(d.title) ?? '',
    summary: str(d.summary),
    proposedBy: sortedIds(d.proposedBy ?? []),
    sessionId: str(d.sessionId),
    createdOn: record.effectiveOn,
    stances: {},
    decisions: [],
    lastKey: keyOf(record),
  };
  switch (kind) {
    case 'norm':
      return { ...core, kind, status: 'proposed', statusSince: record.effectiveOn, confirmations: [], adoptedOn: null, responses: [], respondedBy: [] };
    case 'cbm':
      return {
        ...core,
        kind,
        status: 'proposed',
        statusSince: record.effectiveOn,
        linkedNorms: sortedIds(d.linkedNorms ?? []),
        reports: [],
        reportedBy: [],
        statusBeforeSuspension: null,
      };
    case 'topic':
      return { ...core, kind, status: null, statusSince: null };
    default: {
      const never: never = kind;
      throw new TypeError(`unknown subject kind ${String(never)}`);
    }
  }
};

const withStance = <S extends SubjectState>(state: S, record: TimelineRecord): S => {
  const d = record.data as unknown as PositionStatedData;
  const entry: StanceEntry = {
    stance: d.stance,
    statementId: d.statementId,
    effectiveOn: record.effectiveOn,
    eventId: record.eventId,
    condition: str(d.condition),
    sessionId: str(d.sessionId),
  };
  return { ...state, stances: { ...state.stances, [d.partyId]: entry } };
};

/**
 * The parties a rule counts at `key`: those registered by then, and every party that had already
 * taken part in this subject (its proposers, a stance, or one of the acts being counted) whatever
 * its registration's date, as the deciders count them (partiesTakingPartAt). Not filtered through
 * the registry: under an asOf cut it lacks a party registered after asOf that took part before it,
 * and the deciders let only registered parties act.
 */
const partiesTakingPart = (registry: TrackRegistry | null, key: EffectiveKey, state: SubjectState, acted: readonly string[] = []): string[] =>
  sortedIds([...new Set([...partiesAt(registry, key), ...tookPart(state), ...acted])]);

/**
 * The parties that took part in a subject, whatever their registration's date: its proposers and
 * those with a stance, a capital response or an implementation report on it (README: a party
 * counts from the first of them, towards consensus, confirmations and reports alike).
 */
export const tookPart = (state: SubjectState): string[] => [
  ...state.proposedBy,
  ...Object.keys(state.stances),
  ...(state.kind === 'norm' ? state.respondedBy : state.kind === 'cbm' ? state.reportedBy : []),
];

const withDecision = <S extends SubjectState>(state: S, record: TimelineRecord, registry: TrackRegistry | null): S => {
  const d = record.data as unknown as SubjectDecisionData;
  // The decider checked consensus with what it knew; here the stances are those before this record
  // in effective order under the cut, so a correction or a late entry can show it did not hold.
  const { blockingParties, consensusPossible } = consensusOver(partiesTakingPart(registry, keyOf(record), state), state.stances);
  const decision: SubjectDecision = {
    decisionId: d.decisionId,
    kind: d.kind,
    sessionId: str(d.sessionId),
    agendaItemId: str(d.agendaItemId),
    text: str(d.text),
    effectiveOn: record.effectiveOn,
    eventId: record.eventId,
    position: record.position,
    consensusHeld: consensusPossible,
    blockingParties,
  };
  return { ...state, decisions: [...state.decisions, decision] };
};

const everyoneIn = (parties: readonly string[], done: readonly string[]): boolean =>
  parties.length > 0 && parties.every((p) => done.includes(p));

/**
 * A status date. In a full fold the subject exists from its earliest record (foldedRecords), so this
 * is the record's own date; it only guards states built otherwise.
 */
const statusDateOf = (state: { readonly createdOn: string }, record: TimelineRecord): string =>
  record.effectiveOn > state.createdOn ? record.effectiveOn : state.createdOn;

const evolveNorm = (state: NormState, record: TimelineRecord, registry: TrackRegistry | null): NormState => {
  const on = statusDateOf(state, record);
  const moveTo = (status: NormStatus, extra: Partial<NormState> = {}): NormState => ({ ...state, ...extra, status, statusSince: on });
  switch (record.type) {
    case 'PositionStated':
      return state.status === 'proposed' ? moveTo('under_discussion') : state;
    case 'DecisionRecorded': {
      if ((record.data as unknown as SubjectDecisionData).kind !== 'agree_ad_referendum') return state;
      return state.status === 'proposed' || state.status === 'under_discussion' ? moveTo('agreed_ad_referendum', { confirmations: [] }) : state;
    }
    case 'CapitalResponseRecorded': {
      const d = record.data as unknown as CapitalResponseRecordedData;
      const responses = [...state.responses, { responseId: d.responseId, partyId: d.partyId, response: d.response, effectiveOn: record.effectiveOn, eventId: record.eventId }];
      const respondedBy = state.respondedBy.includes(d.partyId) ? state.respondedBy : sortedIds([...state.respondedBy, d.partyId]);
      if (state.status !== 'agreed_ad_referendum') return { ...state, responses, respondedBy };
      if (d.response === 'declined') return moveTo('under_discussion', { responses, respondedBy, confirmations: [] });
      const confirmations = sortedIds([...state.confirmations, d.partyId]);
      return everyoneIn(partiesTakingPart(registry, keyOf(record), { ...state, respondedBy }, confirmations), confirmations)
        ? moveTo('adopted', { responses, respondedBy, confirmations, adoptedOn: on })
        : { ...state, responses, respondedBy, confirmations };
    }
    case 'NormWithdrawn':
      return state.status === 'adopted' || state.status === 'withdrawn' ? state : moveTo('withdrawn', { confirmations: [] });
    default:
      return state;
  }
};

const evolveCbm = (state: CbmState, record: TimelineRecord, registry: TrackRegistry | null): CbmState => {
  const on = statusDateOf(state, record);
  const moveTo = (status: CbmStatus, extra: Partial<CbmState> = {}): CbmState => ({ ...state, ...extra, status, statusSince: on });
  const allReported = (reportedBy: readonly string[]): boolean => everyoneIn(partiesTakingPart(registry, keyOf(record), state, reportedBy), reportedBy);
  switch (record.type) {
    case 'CbmLinkedToNorm': {
      const { normId } = record.data as unknown as CbmLinkedToNormData;
      return { ...state, linkedNorms: sortedIds([...state.linkedNorms, normId]) };
    }
    case 'PositionStated':
      return state.status === 'proposed' ? moveTo('under_discussion') : state;
    case 'DecisionRecorded': {
      if ((record.data as unknown as SubjectDecisionData).kind !== 'agree_cbm') return state;
      return state.status === 'proposed' || state.status === 'under_discussion' ? moveTo('agreed') : state;
    }
    case 'CbmImplementationReported': {
      const d = record.data as unknown as CbmImplementationReportedData;
      const report: ImplementationReport = {
        reportId: d.reportId,
        partyId: d.partyId,
        text: d.text,
        sessionId: str(d.sessionId),
        effectiveOn: record.effectiveOn,
        eventId: record.eventId,
      };
      const reports = [...state.reports, report];
      const reportedBy = sortedIds([...state.reportedBy, d.partyId]);
      if (state.status === 'agreed' || state.status === 'implementing') {
        const status = allReported(reportedBy) ? 'implemented' : 'implementing';
        return status === state.status ? { ...state, reports, reportedBy } : moveTo(status, { reports, reportedBy });
      }
      return { ...state, reports, reportedBy };
    }
    case 'CbmSuspended':
      return state.status === 'implementing' || state.status === 'implemented'
        ? moveTo('suspended', { statusBeforeSuspension: state.status })
        : state;
    case 'CbmResumed': {
      if (state.status !== 'suspended') return state;
      const before = state.statusBeforeSuspension ?? 'implementing';
      // Reports may arrive while suspended; resuming then lands where those reports lead.
      const status = before === 'implementing' && allReported(state.reportedBy) ? 'implemented' : before;
      return moveTo(status, { statusBeforeSuspension: null });
    }
    case 'CbmWithdrawn':
      return state.status === 'withdrawn' ? state : moveTo('withdrawn', { statusBeforeSuspension: null });
    default:
      return state;
  }
};

/**
 * One record in effective order. Before the creation record there is no subject (null); a second
 * creation record is ignored. Stances change whatever the status: adopted and withdrawn only stop
 * the status machine.
 */
export const evolveSubject = (state: SubjectState | null, record: TimelineRecord, registry: TrackRegistry | null): SubjectState | null => {
  if (state === null) {
    const kind = subjectKindOf(record.streamId);
    return kind !== null && record.type === CREATION_EVENT[kind] ? create(kind, record) : null;
  }
  let next: SubjectState = state;
  if (record.type === 'PositionStated') next = withStance(next, record);
  else if (record.type === 'DecisionRecorded') next = withDecision(next, record, registry);
  switch (next.kind) {
    case 'norm':
      next = evolveNorm(next, record, registry);
      break;
    case 'cbm':
      next = evolveCbm(next, record, registry);
      break;
    case 'topic':
      break;
    default: {
      const never: never = next;
      throw new TypeError(`unknown subject ${JSON.stringify(never)}`);
    }
  }
  return { ...next, lastKey: keyOf(record) };
};

/**
 * The records of a timeline with the creation record first: a statement whose effective date was
 * corrected to before the proposal still belongs to the subject.
 */
export const subjectRecords = (timeline: StreamTimeline): readonly TimelineRecord[] => {
  const kind = subjectKindOf(timeline.streamId);
  if (kind === null) return [];
  const index = timeline.records.findIndex((r) => r.type === CREATION_EVENT[kind]);
  if (index <= 0) return index < 0 ? [] : timeline.records;
  const records = [...timeline.records];
  const [creation] = records.splice(index, 1);
  return [creation!, ...records];
};

/**
 * The records a subject is folded from: `subjectRecords`, with the creation taking effect on the
 * earliest of their dates. A subject exists, in valid time, from its earliest record: a norm proposed
 * without a date takes effect on the day it is recorded (DESIGN.md §7), yet the positions and the
 * decision taken on it at last year's session happened last year, and under an asOf in between it
 * existed, with statusSince the date of the record that moved its status. The history still shows
 * each record at its own date.
 */
export const foldedRecords = (timeline: StreamTimeline): readonly TimelineRecord[] => {
  const records = subjectRecords(timeline);
  // After the creation, records are in effective order: the second is the earliest of the others.
  if (records.length < 2 || records[1]!.effectiveOn >= records[0]!.effectiveOn) return records;
  const creation = records[0]!;
  const rest = records.slice(1);
  const links = creation.type === 'CbmProposed' ? ((creation.data as { linkedNorms?: readonly string[] }).linkedNorms ?? []) : [];
  if (links.length === 0) return [{ ...creation, effectiveOn: rest[0]!.effectiveOn }, ...rest];
  // The links a CBM's proposal makes take effect on the proposal's own date, as a later link would
  // (DESIGN.md §4: links as of the cut), not from the earliest record; under an asOf before that
  // date (an anchored creation) not at all.
  const { linkedNorms: _links, ...unlinked } = creation.data;
  const moved: TimelineRecord = { ...creation, effectiveOn: rest[0]!.effectiveOn, data: unlinked };
  if (timeline.anchored) return [moved, ...rest];
  const linkRecords = links.map((normId): TimelineRecord => ({ ...creation, type: 'CbmLinkedToNorm', data: { cbmId: creation.data['cbmId'], normId }, corrections: [], derived: true }));
  return [moved, ...[...rest, ...linkRecords].sort(compareEffective)];
};

export const foldSubjectTimeline = (timeline: StreamTimeline, registry: TrackRegistry | null): SubjectState | null =>
  foldedRecords(timeline).reduce<SubjectState | null>((state, record) => evolveSubject(state, record, registry), null);

/** The subject of one stream under a cut; null when it was not created under that cut. */
export const foldSubject = (
  streamId: string,
  events: readonly LedgerEvent[],
  registry: TrackRegistry | null,
  cut: ResolvedCut,
): SubjectState | null => foldSubjectTimeline(streamTimeline(streamId, events, cut), registry);

/**
 * Whether `event` can be applied to `state` with `evolveSubject` (as an uncorrected record) and give
 * what a full refold would: it is no correction and it sorts after every record applied so far.
 * The caller must also refold when the registry gained a party effective before `state.lastKey`.
 */
export const appliesInOrder = (state: SubjectState, event: LedgerEvent): boolean =>
  event.type !== 'RecordCorrected' &&
  compareEffective({ effectiveOn: event.metadata.effectiveOn, position: event.position }, state.lastKey) > 0;
