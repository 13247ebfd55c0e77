import type { SessionFacts } from '../../shared/domain/facts.js';
import type { CapitalResponse, NormProposedData } from './norm.events.js';
import type { CorrectRecord, RecordDecision, StatePosition, SubjectCommandBase, WithdrawSubject } from './subject.commands.js';

/** POST /tracks/:trackId/norms: `data` is the body plus `trackId` from the route. */
export interface ProposeNorm extends SubjectCommandBase {
  readonly type: 'ProposeNorm';
  readonly data: NormProposedData;
  readonly session?: SessionFacts;
}

export interface CapitalResponseFields {
  readonly responseId: string;
  readonly partyId: string;
  readonly response: CapitalResponse;
  readonly communicationRef?: string;
}

/** POST /norms/:id/capital-responses. */
export interface RecordCapitalResponse extends SubjectCommandBase {
  readonly type: 'RecordCapitalResponse';
  readonly data: CapitalResponseFields;
}

export type NormCommand = ProposeNorm | StatePosition | RecordDecision | RecordCapitalResponse | WithdrawSubject | CorrectRecord;
