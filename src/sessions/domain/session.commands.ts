import type { SessionFacts, TrackFacts } from '../../shared/domain/facts.js';
import type { AgendaItem, FieldChangeData, MinutesProcedure } from './session.events.js';
import type { StatementAtSession } from './statements-at-session.js';

/**
 * Commands of the session aggregate. The handler resolves `effectiveOn` (DESIGN §7 defaults) and
 * loads the facts of other streams (`track`, `atSession`) fresh before each decision, so the
 * decider stays pure. Optional body fields stay absent when not given.
 */
export interface ScheduleSession {
  readonly type: 'ScheduleSession';
  readonly sessionId: string;
  readonly trackId: string;
  readonly number: number;
  readonly place: string;
  readonly hostPartyId?: string;
  readonly scheduledFor: string;
  readonly provisionalAgenda?: readonly AgendaItem[];
  readonly track: TrackFacts;
  readonly effectiveOn: string;
}

export interface RescheduleSession {
  readonly type: 'RescheduleSession';
  readonly sessionId: string;
  readonly scheduledFor: string;
  readonly reason: string;
  readonly effectiveOn: string;
}

export interface CancelSession {
  readonly type: 'CancelSession';
  readonly sessionId: string;
  readonly reason: string;
  readonly effectiveOn: string;
}

export interface HoldSession {
  readonly type: 'HoldSession';
  readonly sessionId: string;
  readonly heldOn: string;
  readonly place: string;
  readonly agenda: readonly AgendaItem[];
  readonly attendance: Readonly<Record<string, readonly string[]>>;
  readonly headsOfDelegation?: Readonly<Record<string, string>>;
  /** The facts of the session's own track. */
  readonly track: TrackFacts;
  readonly effectiveOn: string;
}

export interface RecordProceduralDecision {
  readonly type: 'RecordProceduralDecision';
  readonly sessionId: string;
  readonly decisionId: string;
  readonly kind: 'procedural';
  readonly agendaItemId?: string;
  readonly text: string;
  readonly effectiveOn: string;
}

export interface AssignActionItem {
  readonly type: 'AssignActionItem';
  readonly sessionId: string;
  readonly actionItemId: string;
  readonly assignee: string;
  readonly text: string;
  readonly dueOn?: string;
  readonly effectiveOn: string;
}

export interface CompleteActionItem {
  readonly type: 'CompleteActionItem';
  readonly sessionId: string;
  readonly actionItemId: string;
  readonly note?: string;
  readonly effectiveOn: string;
}

export interface CirculateMinutes {
  readonly type: 'CirculateMinutes';
  readonly sessionId: string;
  readonly effectiveOn: string;
}

export interface LaunchSilenceProcedure {
  readonly type: 'LaunchSilenceProcedure';
  readonly sessionId: string;
  readonly deadline: string;
  readonly effectiveOn: string;
}

export interface BreakSilence {
  readonly type: 'BreakSilence';
  readonly sessionId: string;
  readonly partyId: string;
  readonly reason: string;
  /** The facts of the session's own track. */
  readonly track: TrackFacts;
  readonly effectiveOn: string;
}

export interface AdoptMinutes {
  readonly type: 'AdoptMinutes';
  readonly sessionId: string;
  readonly procedure: MinutesProcedure;
  readonly atSessionId?: string;
  readonly agendaItemId?: string;
  /** Facts of `atSessionId` (may be this very session); `undefined` when it does not exist. */
  readonly atSession?: SessionFacts;
  readonly effectiveOn: string;
}

export interface CorrectSessionRecord {
  readonly type: 'CorrectRecord';
  readonly sessionId: string;
  readonly correctionId: string;
  readonly target: { readonly eventId: string } | { readonly statementId: string };
  readonly changes: readonly FieldChangeData[];
  readonly reason: string;
  readonly requestedBy: string;
  readonly corrigendumId?: string;
  /** The facts of the session's own track: the corrected attendance must still be of its delegates. */
  readonly track: TrackFacts;
  /**
   * The statements made at this session, as corrected (read by the handler when a change touches
   * the attendance; empty otherwise): each one's delegate must still have attended.
   */
  readonly statements: readonly StatementAtSession[];
  /**
   * The body's effectiveOn when given (then `effectiveOnGiven: true`), else any concrete day (the
   * recording day): the correction then takes its target's effective date (DESIGN §7).
   */
  readonly effectiveOn: string;
  readonly effectiveOnGiven: boolean;
}

export type SessionCommand =
  | ScheduleSession
  | RescheduleSession
  | CancelSession
  | HoldSession
  | RecordProceduralDecision
  | AssignActionItem
  | CompleteActionItem
  | CirculateMinutes
  | LaunchSilenceProcedure
  | BreakSilence
  | AdoptMinutes
  | CorrectSessionRecord;
