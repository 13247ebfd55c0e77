/**
 * The payloads this read side reads, as fixed in the engineers' conventions (DESIGN.md §3, §7).
 * Declared here, narrowed to the fields the folds use, because the session and subject features
 * publish their *.events.ts in parallel; the track payloads come from the track feature itself.
 * Optional fields are absent, never null, on the write side; corrections may remove them.
 */
import type { FieldChange, CorrectionTarget } from '../../shared/domain/corrections.js';

export type SubjectKind = 'norm' | 'cbm' | 'topic';
export const SUBJECT_KINDS: readonly SubjectKind[] = ['norm', 'cbm', 'topic'];

export type Stance = 'supports' | 'conditional' | 'reserves' | 'opposes' | 'abstains';
export type NormStatus = 'proposed' | 'under_discussion' | 'agreed_ad_referendum' | 'adopted' | 'withdrawn';
export type CbmStatus = 'proposed' | 'under_discussion' | 'agreed' | 'implementing' | 'implemented' | 'suspended' | 'withdrawn';
export type SessionStatus = 'scheduled' | 'held' | 'cancelled';
export type MinutesStatus = 'none' | 'circulated' | 'silence_procedure' | 'adopted';

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
  readonly scheduledFor: string;
  readonly reason: string;
}
export interface SessionCancelledData {
  readonly reason: string;
}
export interface SessionHeldData {
  readonly heldOn: string;
  readonly place: string;
  readonly agenda: readonly AgendaItem[];
  readonly attendance: Readonly<Record<string, readonly string[]>>;
  readonly headsOfDelegation?: Readonly<Record<string, string>>;
}
export interface ProceduralDecisionData {
  readonly decisionId: string;
  readonly kind: 'procedural';
  readonly agendaItemId?: string;
  readonly text: string;
}
export interface ActionItemAssignedData {
  readonly actionItemId: string;
  readonly assignee: string;
  readonly text: string;
  readonly dueOn?: string;
}
export interface ActionItemCompletedData {
  readonly actionItemId: string;
  readonly note?: string;
}
export interface SilenceProcedureLaunchedData {
  readonly deadline: string;
}
export interface SilenceBrokenData {
  readonly partyId: string;
  readonly reason: string;
}
export interface MinutesAdoptedData {
  readonly procedure: 'in_session' | 'silence';
  readonly atSessionId?: string;
  readonly agendaItemId?: string;
}

export interface SubjectCreatedData {
  readonly trackId: string;
  readonly title: string;
  readonly summary?: string;
  readonly proposedBy?: readonly string[];
  readonly linkedNorms?: readonly string[];
  readonly sessionId?: string;
  readonly agendaItemId?: string;
}
export interface PositionStatedData {
  readonly statementId: string;
  readonly partyId: string;
  readonly delegateId?: string;
  readonly stance: Stance;
  readonly condition?: string;
  readonly sessionId?: string;
  readonly agendaItemId?: string;
}
export interface SubjectDecisionData {
  readonly decisionId: string;
  readonly kind: 'agree_ad_referendum' | 'agree_cbm';
  readonly sessionId: string;
  readonly agendaItemId?: string;
  readonly text?: string;
}
export interface CapitalResponseRecordedData {
  readonly responseId: string;
  readonly partyId: string;
  readonly response: 'confirmed' | 'declined';
}
export interface WithdrawnData {
  readonly partyIds: readonly string[];
  readonly reason?: string;
}
export interface CbmLinkedToNormData {
  readonly normId: string;
}
export interface CbmImplementationReportedData {
  readonly reportId: string;
  readonly partyId: string;
  readonly text: string;
  readonly sessionId?: string;
}
export interface CbmSuspensionData {
  readonly partyId: string;
  readonly reason: string;
}
export interface RecordCorrectedData {
  readonly correctionId: string;
  readonly target: CorrectionTarget;
  readonly changes: readonly FieldChange[];
  readonly reason: string;
  readonly requestedBy: string;
  readonly corrigendumId?: string;
}

/** The event that brings each kind of subject into being. */
export const CREATION_EVENT: Readonly<Record<SubjectKind, string>> = {
  norm: 'NormProposed',
  cbm: 'CbmProposed',
  topic: 'TopicOpened',
};

export const BLOCKING_STANCES: ReadonlySet<string> = new Set<Stance>(['conditional', 'reserves', 'opposes']);
