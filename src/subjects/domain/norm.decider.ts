/**
 * The norm aggregate (DESIGN.md §4): proposed → under_discussion → agreed_ad_referendum →
 * adopted, or withdrawn before agreement. Write-side state only; the board is the projections'.
 */
import type { Decider, FoldedEvent } from '../../shared/domain/decider.js';
import { byPlace, everyPartyActed, type PartyAct, RECORDED_NOW, type TrackFacts } from '../../shared/domain/facts.js';
import type { NormCommand, RecordCapitalResponse, ProposeNorm } from './norm.commands.js';
import type { NormEvent, NormStatus } from './norm.events.js';
import type { RecordDecision, WithdrawSubject } from './subject.commands.js';
import { assertInStatusOrder, assertWithdrawalLast, consensusAt, decideCorrection, decidePosition, openCore, partiesTookPartBy, type SubjectCore, withCorrection, withRecord } from './subject-core.js';
import { SubjectErrors } from './subject.errors.js';
import { assertPartyRegistered, assertSessionRefs, assertText, assertWithdrawnByProposers, compact } from './subject-guards.js';

interface NormCore {
  readonly core: SubjectCore;
  readonly proposedBy: readonly string[];
  readonly decisionIds: ReadonlySet<string>;
  readonly responseIds: ReadonlySet<string>;
}

/** A capital response, at its place in effective order. */
export interface ResponseAct extends PartyAct {
  readonly responseId: string;
  readonly response: 'confirmed' | 'declined';
}

/**
 * After a decision to agree, the status is not stored but walked: the capital responses recorded
 * since, taken in effective order as the board takes them (walkResponses), make it adopted (every
 * party of the moment confirmed), agreed_ad_referendum, or under_discussion again (a decline). The
 * party list lives in the track stream, so the walk takes the command's track facts (`normStatusOf`).
 */
export type NormState =
  | { readonly status: 'none'; readonly core?: undefined }
  | (NormCore & { readonly status: 'proposed' | 'under_discussion' | 'withdrawn' })
  | (NormCore & { readonly status: 'agreed_ad_referendum'; readonly responses: readonly ResponseAct[] });

type PhaseStatus = 'agreed_ad_referendum' | 'adopted' | 'under_discussion';

/**
 * The responses since the decision to agree, in effective order: the status after them (a response
 * after a decline or after adoption changes nothing). everyPartyActed walks the confirmations before
 * the first decline once, checking after each whether every party had confirmed by then: adopted if
 * so at any of them (before the decline), else back under discussion if a party declined. One walk,
 * not one per confirmation: with 57 parties that was 1,653 folds of the norm's records per response.
 */
export const walkResponses = (
  responses: readonly ResponseAct[],
  track: Pick<TrackFacts, 'parties' | 'joined'>,
  stancesAt: (at: { readonly effectiveOn: string }) => Iterable<string>,
): PhaseStatus => {
  const ordered = [...responses].sort(byPlace);
  const declined = ordered.findIndex((act) => act.response === 'declined');
  const confirmed = declined === -1 ? ordered : ordered.slice(0, declined);
  if (everyPartyActed(confirmed, track, stancesAt)) return 'adopted';
  return declined === -1 ? 'agreed_ad_referendum' : 'under_discussion';
};

/**
 * Whether the party of `act` (a confirmation) already confirmed the same agreement: another
 * confirmation of it with no decline between them in effective order, dated before or after.
 */
const confirmsAgain = (responses: readonly ResponseAct[], act: ResponseAct): boolean => {
  const ordered = [...responses, act].sort(byPlace);
  const at = ordered.indexOf(act);
  const sameRun = (from: number, step: 1 | -1): boolean => {
    for (let i = from + step; i >= 0 && i < ordered.length; i += step) {
      const other = ordered[i]!;
      if (other.response === 'declined') return false;
      if (other.partyId === act.partyId) return true;
    }
    return false;
  };
  return sameRun(at, -1) || sameRun(at, 1);
};

/** For the walk: the parties that took part in the norm by a response's date (its proposers, a stance). */
const stancesAt = (state: NormCore) => partiesTookPartBy(state.core, state.proposedBy);

export const initialNormState = (): NormState => ({ status: 'none' });

/**
 * The norm's status with adoption resolved against the track's parties as the board resolves it:
 * adopted at the confirmation that completed the parties of that moment, so a party that joins
 * later does not make an adopted norm agreed_ad_referendum again. Null before proposal.
 */
export const normStatusOf = (state: NormState, track: Pick<TrackFacts, 'parties' | 'joined'>): NormStatus | null => {
  switch (state.status) {
    case 'none':
      return null;
    case 'agreed_ad_referendum':
      return walkResponses(state.responses, track, stancesAt(state));
    case 'proposed':
    case 'under_discussion':
    case 'withdrawn':
      return state.status;
    default: {
      const unexpected: never = state;
      throw new Error(`unknown norm state ${JSON.stringify(unexpected)}`);
    }
  }
};

type Existing = Exclude<NormState, { status: 'none' }>;

const propose = (command: ProposeNorm, state: NormState): NormEvent[] => {
  const { data, track } = command;
  const subject = `norm ${data.normId}`;
  if (state.status !== 'none') throw SubjectErrors.alreadyExists(subject);
  assertText(subject, 'title', data.title);
  assertText(subject, 'summary', data.summary);
  if (data.proposedBy.length === 0) throw SubjectErrors.noProposer(subject);
  for (const partyId of data.proposedBy) assertPartyRegistered(subject, track, partyId);
  assertSessionRefs(subject, track, data, command.session);
  return [{ type: 'NormProposed', data: compact(data) }];
};

const recordDecision = (command: RecordDecision, state: Existing): NormEvent[] => {
  const { data, track } = command;
  const subject = state.core.label;
  if (data.kind !== 'agree_ad_referendum') throw SubjectErrors.wrongDecisionKind(subject, data.kind, 'agree_ad_referendum');
  if (data.sessionId === undefined || data.sessionId === '') throw SubjectErrors.sessionRequired(subject);
  assertSessionRefs(subject, track, data, command.session);
  if (state.decisionIds.has(data.decisionId)) throw SubjectErrors.duplicate(subject, 'decision', data.decisionId);
  const status = normStatusOf(state, track)!;
  if (status !== 'under_discussion') throw SubjectErrors.notUnderDiscussion(subject, status);
  assertInStatusOrder(state.core, command.effectiveOn, 'a decision');
  const consensus = consensusAt(state.core, track, command.effectiveOn, state.proposedBy);
  if (!consensus.reached) throw SubjectErrors.noConsensus(subject, consensus.reason!);
  return [{ type: 'DecisionRecorded', data: compact({ normId: state.core.id, ...data, kind: 'agree_ad_referendum' as const }) }];
};

const recordCapitalResponse = (command: RecordCapitalResponse, state: Existing): NormEvent[] => {
  const { data, track } = command;
  const subject = state.core.label;
  if (state.responseIds.has(data.responseId)) throw SubjectErrors.duplicate(subject, 'response', data.responseId);
  assertPartyRegistered(subject, track, data.partyId);
  if (data.response !== 'confirmed' && data.response !== 'declined') throw SubjectErrors.invalidResponse(subject, data.response);
  if (state.status !== 'agreed_ad_referendum') throw SubjectErrors.notAgreedAdReferendum(subject, normStatusOf(state, track)!);
  assertInStatusOrder(state.core, command.effectiveOn, 'a capital response', ['CapitalResponseRecorded']);
  // Judged at its own place in effective order, as the board takes it: responses arrive out of order
  // (a letter dated before a decline already recorded still answered an agreement then). A decline
  // dated before a confirmation recorded earlier leaves that confirmation on the record, counting
  // for nothing, as on the board.
  const act: PartyAct = { partyId: data.partyId, effectiveOn: command.effectiveOn, recordedAt: RECORDED_NOW };
  const earlier = state.responses.filter((r) => byPlace(r, act) <= 0);
  const before = walkResponses(earlier, track, stancesAt(state));
  if (before !== 'agreed_ad_referendum') {
    throw earlier.length === state.responses.length ? SubjectErrors.notAgreedAdReferendum(subject, before) : SubjectErrors.notAgreedAdReferendumOn(subject, before, command.effectiveOn);
  }
  // A second confirmation would hide which communication counts; the clerk should know it is redundant.
  if (data.response === 'confirmed' && confirmsAgain(state.responses, { ...act, responseId: data.responseId, response: 'confirmed' })) {
    throw SubjectErrors.alreadyConfirmed(subject, data.partyId);
  }
  return [{ type: 'CapitalResponseRecorded', data: compact({ normId: state.core.id, ...data }) }];
};

const withdraw = (command: WithdrawSubject, state: Existing): NormEvent[] => {
  const { data, track } = command;
  const subject = state.core.label;
  assertWithdrawnByProposers(subject, track, state.proposedBy, data.partyIds);
  assertSessionRefs(subject, track, data, command.session);
  const status = normStatusOf(state, track)!;
  if (status !== 'proposed' && status !== 'under_discussion') throw SubjectErrors.alreadyAgreed(subject, status);
  assertWithdrawalLast(state.core, command.effectiveOn);
  return [{ type: 'NormWithdrawn', data: compact({ normId: state.core.id, ...data }) }];
};

export const decideNorm = (command: NormCommand, state: NormState): NormEvent[] => {
  if (command.type === 'ProposeNorm') return propose(command, state);
  if (state.status === 'none') throw SubjectErrors.notFound('norm');
  const subject = state.core.label;
  switch (command.type) {
    case 'StatePosition':
      if (state.status === 'withdrawn') throw SubjectErrors.withdrawn(subject);
      return [{ type: 'PositionStated', data: { normId: state.core.id, ...decidePosition(state.core, command) } }];
    case 'RecordDecision':
      if (state.status === 'withdrawn') throw SubjectErrors.withdrawn(subject);
      return recordDecision(command, state);
    case 'RecordCapitalResponse':
      if (state.status === 'withdrawn') throw SubjectErrors.withdrawn(subject);
      return recordCapitalResponse(command, state);
    case 'WithdrawSubject':
      if (state.status === 'withdrawn') throw SubjectErrors.alreadyWithdrawn(subject);
      return withdraw(command, state);
    case 'CorrectRecord':
      return [{ type: 'RecordCorrected', data: { normId: state.core.id, ...decideCorrection(state.core, command) } }];
    default: {
      const unexpected: never = command;
      throw new Error(`unknown norm command ${JSON.stringify(unexpected)}`);
    }
  }
};

export const evolveNorm = (state: NormState, event: FoldedEvent<NormEvent>): NormState => {
  if (event.type === 'NormProposed') {
    return {
      status: 'proposed',
      core: withRecord(openCore('norm', event.data.normId, event.data.trackId), event),
      proposedBy: event.data.proposedBy,
      decisionIds: new Set(),
      responseIds: new Set(),
    };
  }
  // Events of a stream that was never proposed cannot be folded into anything meaningful.
  if (state.status === 'none') return state;
  switch (event.type) {
    case 'PositionStated': {
      const core = withRecord(state.core, event);
      return state.status === 'proposed' ? { ...state, core, status: 'under_discussion' } : { ...state, core };
    }
    case 'DecisionRecorded': {
      const { core, proposedBy, responseIds } = state;
      return {
        status: 'agreed_ad_referendum',
        core: withRecord(core, event),
        proposedBy,
        responseIds,
        decisionIds: new Set(state.decisionIds).add(event.data.decisionId),
        responses: [],
      };
    }
    case 'CapitalResponseRecorded': {
      const core = withRecord(state.core, event);
      const responseIds = new Set(state.responseIds).add(event.data.responseId);
      if (state.status !== 'agreed_ad_referendum') return { ...state, core, responseIds };
      const { responseId, partyId, response } = event.data;
      const act: ResponseAct = { responseId, partyId, response, effectiveOn: event.effectiveOn, recordedAt: event.recordedAt, revision: event.revision };
      return { ...state, core, responseIds, responses: [...state.responses, act] };
    }
    case 'NormWithdrawn': {
      const { proposedBy, decisionIds, responseIds } = state;
      return { status: 'withdrawn', core: withRecord(state.core, event), proposedBy, decisionIds, responseIds };
    }
    case 'RecordCorrected':
      return { ...state, core: withCorrection(state.core, event) };
    default: {
      // A type this build never writes (a foreign bundle imported as is) leaves the fold unchanged,
      // as it does in the projections; a newer build's events are refused before (event-schema.ts).
      const unknown: never = event;
      void unknown;
      return state;
    }
  }
};

export const normDecider: Decider<NormCommand, NormState, NormEvent> = {
  initialState: initialNormState,
  decide: decideNorm,
  evolve: evolveNorm,
};
