/**
 * The CBM aggregate (DESIGN.md §4): proposed → under_discussion → agreed → implementing →
 * implemented, suspended/resumed while implementing, withdrawn before agreement; linked to norms.
 * Write-side state only; the board and tracker are the projections'.
 */
import type { Decider, FoldedEvent } from '../../shared/domain/decider.js';
import { everyPartyActed, type PartyAct, type TrackFacts } from '../../shared/domain/facts.js';
import type { CbmCommand, LinkCbmToNorm, ProposeCbm, ReportImplementation, ResumeCbm, SuspendCbm } from './cbm.commands.js';
import type { CbmEvent, CbmStatus } from './cbm.events.js';
import type { RecordDecision, WithdrawSubject } from './subject.commands.js';
import { assertInStatusOrder, assertWithdrawalLast, consensusAt, decideCorrection, decidePosition, openCore, partiesTookPartBy, type SubjectCore, type SubjectRecord, withCorrection, withRecord } from './subject-core.js';
import { SubjectErrors } from './subject.errors.js';
import { assertPartyRegistered, assertSessionRefs, assertText, assertWithdrawnByProposers, compact } from './subject-guards.js';

interface CbmCore {
  readonly core: SubjectCore;
  readonly proposedBy: readonly string[];
  readonly linkedNorms: readonly string[];
  readonly decisionIds: ReadonlySet<string>;
  readonly reportIds: ReadonlySet<string>;
  /** Every implementation report, in the order recorded: who reported, and when "every party has reported" was reached. */
  readonly reports: readonly PartyAct[];
}

/**
 * `implemented` is not stored: it needs a report from every party of the track, and the party list
 * lives in the track stream, so `cbmStatusOf` resolves it against the command's track facts.
 * Suspension is allowed only from (resolved) implementing or implemented, both stored as
 * `implementing`, which is where a resumption returns.
 */
export type CbmState =
  | { readonly status: 'none'; readonly core?: undefined }
  | (CbmCore & { readonly status: 'proposed' | 'under_discussion' | 'agreed' | 'implementing' | 'suspended' | 'withdrawn' });

export const initialCbmState = (): CbmState => ({ status: 'none' });

/** Like normStatusOf: implemented once every party of the moment had reported, whoever joins later. */
export const cbmStatusOf = (state: CbmState, track: Pick<TrackFacts, 'parties' | 'joined'>): CbmStatus | null => {
  switch (state.status) {
    case 'none':
      return null;
    case 'implementing':
      return everyPartyActed(state.reports, track, partiesTookPartBy(state.core, state.proposedBy)) ? 'implemented' : 'implementing';
    case 'proposed':
    case 'under_discussion':
    case 'agreed':
    case 'suspended':
    case 'withdrawn':
      return state.status;
    default: {
      const unexpected: never = state;
      throw new Error(`unknown cbm state ${JSON.stringify(unexpected)}`);
    }
  }
};

type Existing = Exclude<CbmState, { status: 'none' }>;

const normOnTrack = (norm: LinkCbmToNorm['norm'], normId: string, trackId: string): boolean =>
  norm !== undefined && norm.kind === 'norm' && norm.id === normId && norm.trackId === trackId;

const propose = (command: ProposeCbm, state: CbmState): CbmEvent[] => {
  const { data, track } = command;
  const subject = `cbm ${data.cbmId}`;
  if (state.status !== 'none') throw SubjectErrors.alreadyExists(subject);
  assertText(subject, 'title', data.title);
  if (data.proposedBy.length === 0) throw SubjectErrors.noProposer(subject);
  for (const partyId of data.proposedBy) assertPartyRegistered(subject, track, partyId);
  for (const normId of data.linkedNorms ?? []) {
    if (!command.linkedNorms.some((norm) => normOnTrack(norm, normId, track.trackId))) throw SubjectErrors.unknownNorm(subject, normId, track.trackId);
  }
  assertSessionRefs(subject, track, data, command.session);
  return [{ type: 'CbmProposed', data: compact(data) }];
};

const recordDecision = (command: RecordDecision, state: Existing): CbmEvent[] => {
  const { data, track } = command;
  const subject = state.core.label;
  if (data.kind !== 'agree_cbm') throw SubjectErrors.wrongDecisionKind(subject, data.kind, 'agree_cbm');
  if (data.sessionId === undefined || data.sessionId === '') throw SubjectErrors.sessionRequired(subject);
  assertSessionRefs(subject, track, data, command.session);
  if (state.decisionIds.has(data.decisionId)) throw SubjectErrors.duplicate(subject, 'decision', data.decisionId);
  if (state.status !== 'under_discussion') throw SubjectErrors.notUnderDiscussion(subject, cbmStatusOf(state, track)!);
  assertInStatusOrder(state.core, command.effectiveOn, 'a decision');
  const consensus = consensusAt(state.core, track, command.effectiveOn, state.proposedBy);
  if (!consensus.reached) throw SubjectErrors.noConsensus(subject, consensus.reason!);
  return [{ type: 'DecisionRecorded', data: compact({ cbmId: state.core.id, ...data, kind: 'agree_cbm' as const }) }];
};

const link = (command: LinkCbmToNorm, state: Existing): CbmEvent[] => {
  const { data, track } = command;
  const subject = state.core.label;
  if (!normOnTrack(command.norm, data.normId, track.trackId)) throw SubjectErrors.unknownNorm(subject, data.normId, track.trackId);
  // A conflict, not an empty success: every 201 records something, so its Idempotency-Key is remembered.
  if (state.linkedNorms.includes(data.normId)) throw SubjectErrors.alreadyLinked(subject, data.normId);
  return [{ type: 'CbmLinkedToNorm', data: compact({ cbmId: state.core.id, ...data }) }];
};

/** Only the decision to agree orders a report: suspensions and resumptions are walked (suspensionAt), other reports come in any order. */
const REPORT_ANY_ORDER = ['CbmImplementationReported', 'CbmSuspended', 'CbmResumed'];

/**
 * The suspension in force at `effectiveOn` for a record decided now (after every record of that
 * date): the last suspension or resumption on or before it in effective order, if a suspension;
 * `latest` when it is also the last one of all (the CBM is suspended now).
 */
const suspensionAt = (core: SubjectCore, effectiveOn: string): { readonly latest: boolean } | null => {
  let last: SubjectRecord | undefined;
  let lastOfAll: SubjectRecord | undefined;
  for (const record of core.records.values()) {
    if (record.type !== 'CbmSuspended' && record.type !== 'CbmResumed') continue;
    // Records are in recorded order: on equal dates the later-recorded one comes later.
    if (lastOfAll === undefined || record.effectiveOn >= lastOfAll.effectiveOn) lastOfAll = record;
    if (record.effectiveOn <= effectiveOn && (last === undefined || record.effectiveOn >= last.effectiveOn)) last = record;
  }
  return last?.type === 'CbmSuspended' ? { latest: last === lastOfAll } : null;
};

const report = (command: ReportImplementation, state: Existing): CbmEvent[] => {
  const { data, track } = command;
  const subject = state.core.label;
  if (state.reportIds.has(data.reportId)) throw SubjectErrors.duplicate(subject, 'report', data.reportId);
  assertPartyRegistered(subject, track, data.partyId);
  assertText(subject, 'text', data.text);
  assertSessionRefs(subject, track, data, command.session);
  if (state.status !== 'agreed' && state.status !== 'implementing' && state.status !== 'suspended') throw SubjectErrors.notAgreed(subject, cbmStatusOf(state, track)!);
  // Judged at its own place in effective order, as the board takes it: after the agreement, and
  // outside a suspension. A report dated before a suspension recorded earlier is recorded (the CBM
  // was being implemented then); one dated while it was suspended is refused.
  assertInStatusOrder(state.core, command.effectiveOn, 'an implementation report', REPORT_ANY_ORDER);
  const suspension = suspensionAt(state.core, command.effectiveOn);
  if (suspension !== null) {
    throw suspension.latest ? SubjectErrors.notAgreed(subject, 'suspended') : SubjectErrors.notAgreedOn(subject, 'suspended', command.effectiveOn);
  }
  return [{ type: 'CbmImplementationReported', data: compact({ cbmId: state.core.id, ...data }) }];
};

const suspendOrResume = (command: SuspendCbm | ResumeCbm, state: Existing): CbmEvent[] => {
  const { data, track } = command;
  const subject = state.core.label;
  assertPartyRegistered(subject, track, data.partyId);
  assertText(subject, 'reason', data.reason);
  assertSessionRefs(subject, track, data, command.session);
  const payload = compact({ cbmId: state.core.id, ...data });
  if (command.type === 'SuspendCbm') {
    if (state.status !== 'implementing') throw SubjectErrors.cannotSuspend(subject, cbmStatusOf(state, track)!);
    assertInStatusOrder(state.core, command.effectiveOn, 'a suspension');
    return [{ type: 'CbmSuspended', data: payload }];
  }
  if (state.status !== 'suspended') throw SubjectErrors.notSuspended(subject, cbmStatusOf(state, track)!);
  assertInStatusOrder(state.core, command.effectiveOn, 'a resumption');
  return [{ type: 'CbmResumed', data: payload }];
};

const withdraw = (command: WithdrawSubject, state: Existing): CbmEvent[] => {
  const { data, track } = command;
  const subject = state.core.label;
  assertWithdrawnByProposers(subject, track, state.proposedBy, data.partyIds);
  assertSessionRefs(subject, track, data, command.session);
  if (state.status !== 'proposed' && state.status !== 'under_discussion') throw SubjectErrors.alreadyAgreed(subject, cbmStatusOf(state, track)!);
  assertWithdrawalLast(state.core, command.effectiveOn);
  return [{ type: 'CbmWithdrawn', data: compact({ cbmId: state.core.id, ...data }) }];
};

export const decideCbm = (command: CbmCommand, state: CbmState): CbmEvent[] => {
  if (command.type === 'ProposeCbm') return propose(command, state);
  if (state.status === 'none') throw SubjectErrors.notFound('cbm');
  const subject = state.core.label;
  if (command.type === 'CorrectRecord') {
    return [{ type: 'RecordCorrected', data: { cbmId: state.core.id, ...decideCorrection(state.core, command) } }];
  }
  if (state.status === 'withdrawn') throw command.type === 'WithdrawSubject' ? SubjectErrors.alreadyWithdrawn(subject) : SubjectErrors.withdrawn(subject);
  switch (command.type) {
    case 'StatePosition':
      return [{ type: 'PositionStated', data: { cbmId: state.core.id, ...decidePosition(state.core, command) } }];
    case 'RecordDecision':
      return recordDecision(command, state);
    case 'LinkCbmToNorm':
      return link(command, state);
    case 'ReportImplementation':
      return report(command, state);
    case 'SuspendCbm':
    case 'ResumeCbm':
      return suspendOrResume(command, state);
    case 'WithdrawSubject':
      return withdraw(command, state);
    default: {
      const unexpected: never = command;
      throw new Error(`unknown cbm command ${JSON.stringify(unexpected)}`);
    }
  }
};

export const evolveCbm = (state: CbmState, event: FoldedEvent<CbmEvent>): CbmState => {
  if (event.type === 'CbmProposed') {
    return {
      status: 'proposed',
      core: withRecord(openCore('cbm', event.data.cbmId, event.data.trackId), event),
      proposedBy: event.data.proposedBy,
      linkedNorms: [...new Set(event.data.linkedNorms ?? [])],
      decisionIds: new Set(),
      reportIds: new Set(),
      reports: [],
    };
  }
  if (state.status === 'none') return state;
  const core = event.type === 'RecordCorrected' ? withCorrection(state.core, event) : withRecord(state.core, event);
  switch (event.type) {
    case 'PositionStated':
      return { ...state, core, status: state.status === 'proposed' ? 'under_discussion' : state.status };
    case 'DecisionRecorded':
      return { ...state, core, status: 'agreed', decisionIds: new Set(state.decisionIds).add(event.data.decisionId) };
    case 'CbmLinkedToNorm':
      return { ...state, core, linkedNorms: state.linkedNorms.includes(event.data.normId) ? state.linkedNorms : [...state.linkedNorms, event.data.normId] };
    case 'CbmImplementationReported':
      return {
        ...state,
        core,
        status: state.status === 'agreed' ? 'implementing' : state.status,
        reportIds: new Set(state.reportIds).add(event.data.reportId),
        reports: [...state.reports, { partyId: event.data.partyId, effectiveOn: event.effectiveOn, recordedAt: event.recordedAt, revision: event.revision }],
      };
    case 'CbmSuspended':
      return { ...state, core, status: 'suspended' };
    case 'CbmResumed':
      return { ...state, core, status: 'implementing' };
    case 'CbmWithdrawn':
      return { ...state, core, status: 'withdrawn' };
    case 'RecordCorrected':
      return { ...state, core };
    default: {
      // A type this build never writes (a foreign bundle imported as is) leaves the fold unchanged,
      // as it does in the projections; a newer build's events are refused before (event-schema.ts).
      const unknown: never = event;
      void unknown;
      return state;
    }
  }
};

export const cbmDecider: Decider<CbmCommand, CbmState, CbmEvent> = {
  initialState: initialCbmState,
  decide: decideCbm,
  evolve: evolveCbm,
};
