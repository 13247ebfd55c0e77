/**
 * The payloads this read side reads: the published language of the session and subject features
 * (their *.events.ts), re-exported under the names the folds use, plus what only the read side needs.
 * Optional fields are absent, never null, on the write side; a correction may also remove them.
 */
import type { CorrectionFields } from '../../shared/domain/corrections.js';
import type { SessionFacts } from '../../shared/domain/facts.js';
import type { CbmDecisionRecordedData, CbmProposedData } from '../../subjects/domain/cbm.events.js';
import type { NormDecisionRecordedData, NormProposedData } from '../../subjects/domain/norm.events.js';
import type { PositionFields, Stance } from '../../subjects/domain/position.events.js';
import type { TopicOpenedData } from '../../subjects/domain/topic.events.js';

export type {
  ActionItemAssignedData,
  ActionItemCompletedData,
  AgendaItem,
  MinutesAdoptedData,
  ProceduralDecisionRecordedData as ProceduralDecisionData,
  SessionHeldData,
  SessionRescheduledData,
  SessionScheduledData,
  SilenceProcedureLaunchedData,
} from '../../sessions/domain/session.events.js';
export type { CbmImplementationReportedData, CbmLinkedToNormData, CbmStatus } from '../../subjects/domain/cbm.events.js';
export type { CapitalResponseRecordedData, NormStatus } from '../../subjects/domain/norm.events.js';
export type { Stance } from '../../subjects/domain/position.events.js';
export type { MinutesStatus } from '../../shared/domain/facts.js';

export type SessionStatus = SessionFacts['status'];
export type SubjectKind = 'norm' | 'cbm' | 'topic';

/** What the folds read of NormProposed, CbmProposed and TopicOpened alike. */
export type SubjectCreatedData = Pick<NormProposedData | CbmProposedData | TopicOpenedData, 'trackId' | 'title' | 'summary' | 'sessionId'> & {
  readonly proposedBy?: readonly string[];
  readonly linkedNorms?: readonly string[];
};
export type PositionStatedData = PositionFields;
export type SubjectDecisionData = NormDecisionRecordedData | CbmDecisionRecordedData;
export type RecordCorrectedData = CorrectionFields;

/** The event that brings each kind of subject into being. */
export const CREATION_EVENT: Readonly<Record<SubjectKind, string>> = {
  norm: 'NormProposed',
  cbm: 'CbmProposed',
  topic: 'TopicOpened',
};

/**
 * The record that brings a stream into being, by stream kind: sessions and subjects exist, in
 * valid time, from their earliest record (the timeline keeps this one inside a cut as soon as any
 * other record of the stream is), since it takes effect on the day it is recorded unless the clerk
 * says otherwise (DESIGN.md §7).
 */
export const STREAM_CREATION: Readonly<Record<string, string>> = { session: 'SessionScheduled', ...CREATION_EVENT };

export const BLOCKING_STANCES: ReadonlySet<string> = new Set<Stance>(['conditional', 'reserves', 'opposes']);
