import type { DomainEvent } from '../../shared/domain/decider.js';

/**
 * Published language of the session stream (`session-<id>`). Other features may import this file;
 * the payloads are storage formats: a change of shape is a new schemaVersion with an upcaster.
 */
export interface AgendaItem {
  readonly itemId: string;
  readonly title: string;
}

export interface SessionScheduledData {
  readonly trackId: string;
  readonly sessionId: string;
  readonly number: number;
  readonly place: string;
  readonly hostPartyId?: string;
  readonly scheduledFor: string;
  readonly provisionalAgenda?: readonly AgendaItem[];
}

export interface SessionRescheduledData {
  readonly sessionId: string;
  readonly scheduledFor: string;
  readonly reason: string;
}

export interface SessionCancelledData {
  readonly sessionId: string;
  readonly reason: string;
}

export interface SessionHeldData {
  readonly sessionId: string;
  readonly heldOn: string;
  readonly place: string;
  readonly agenda: readonly AgendaItem[];
  /** partyId → delegateIds present. */
  readonly attendance: Readonly<Record<string, readonly string[]>>;
  /** partyId → delegateId. */
  readonly headsOfDelegation?: Readonly<Record<string, string>>;
}

export interface ProceduralDecisionRecordedData {
  readonly sessionId: string;
  readonly decisionId: string;
  readonly kind: 'procedural';
  readonly agendaItemId?: string;
  readonly text: string;
}

export interface ActionItemAssignedData {
  readonly sessionId: string;
  readonly actionItemId: string;
  readonly assignee: string;
  readonly text: string;
  readonly dueOn?: string;
}

export interface ActionItemCompletedData {
  readonly sessionId: string;
  readonly actionItemId: string;
  readonly note?: string;
}

export interface MinutesCirculatedData {
  readonly sessionId: string;
}

export interface SilenceProcedureLaunchedData {
  readonly sessionId: string;
  readonly deadline: string;
}

export interface SilenceBrokenData {
  readonly sessionId: string;
  readonly partyId: string;
  readonly reason: string;
}

export type MinutesProcedure = 'in_session' | 'silence';

export interface MinutesAdoptedData {
  readonly sessionId: string;
  readonly procedure: MinutesProcedure;
  readonly atSessionId?: string;
  readonly agendaItemId?: string;
}

export interface FieldChangeData {
  readonly field: string;
  readonly from: unknown;
  readonly to: unknown;
}

export interface SessionRecordCorrectedData {
  readonly sessionId: string;
  readonly correctionId: string;
  readonly target: { readonly eventId: string } | { readonly statementId: string };
  readonly changes: readonly FieldChangeData[];
  readonly reason: string;
  readonly requestedBy: string;
  readonly corrigendumId?: string;
}

export type SessionScheduled = DomainEvent<'SessionScheduled', SessionScheduledData>;
export type SessionRescheduled = DomainEvent<'SessionRescheduled', SessionRescheduledData>;
export type SessionCancelled = DomainEvent<'SessionCancelled', SessionCancelledData>;
export type SessionHeld = DomainEvent<'SessionHeld', SessionHeldData>;
/** Same type string as the norm/cbm DecisionRecorded; on the session stream its kind is always `procedural`. */
export type ProceduralDecisionRecorded = DomainEvent<'DecisionRecorded', ProceduralDecisionRecordedData>;
export type ActionItemAssigned = DomainEvent<'ActionItemAssigned', ActionItemAssignedData>;
export type ActionItemCompleted = DomainEvent<'ActionItemCompleted', ActionItemCompletedData>;
export type MinutesCirculated = DomainEvent<'MinutesCirculated', MinutesCirculatedData>;
export type SilenceProcedureLaunched = DomainEvent<'SilenceProcedureLaunched', SilenceProcedureLaunchedData>;
export type SilenceBroken = DomainEvent<'SilenceBroken', SilenceBrokenData>;
export type MinutesAdopted = DomainEvent<'MinutesAdopted', MinutesAdoptedData>;
export type SessionRecordCorrected = DomainEvent<'RecordCorrected', SessionRecordCorrectedData>;

export type SessionEvent =
  | SessionScheduled
  | SessionRescheduled
  | SessionCancelled
  | SessionHeld
  | ProceduralDecisionRecorded
  | ActionItemAssigned
  | ActionItemCompleted
  | MinutesCirculated
  | SilenceProcedureLaunched
  | SilenceBroken
  | MinutesAdopted
  | SessionRecordCorrected;

export const sessionStreamId = (sessionId: string): string => `session-${sessionId}`;
