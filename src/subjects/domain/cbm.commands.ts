import type { SessionFacts, SubjectFacts } from '../../shared/domain/facts.js';
import type { CbmProposedData } from './cbm.events.js';
import type { CorrectRecord, RecordDecision, StatePosition, SubjectCommandBase, WithdrawSubject } from './subject.commands.js';

/**
 * POST /tracks/:trackId/cbms: `data` is the body plus `trackId` from the route. `linkedNorms`:
 * the facts of each norm of `data.linkedNorms` that exists (a missing one is simply not there).
 */
export interface ProposeCbm extends SubjectCommandBase {
  readonly type: 'ProposeCbm';
  readonly data: CbmProposedData;
  readonly session?: SessionFacts;
  readonly linkedNorms: readonly SubjectFacts[];
}

/** POST /cbms/:id/links. `norm`: facts of `data.normId`, when it exists. */
export interface LinkCbmToNorm extends SubjectCommandBase {
  readonly type: 'LinkCbmToNorm';
  readonly data: { readonly normId: string; readonly reason?: string };
  readonly norm?: SubjectFacts;
}

/** POST /cbms/:id/implementation-reports. */
export interface ReportImplementation extends SubjectCommandBase {
  readonly type: 'ReportImplementation';
  readonly data: { readonly reportId: string; readonly partyId: string; readonly text: string; readonly sessionId?: string };
  readonly session?: SessionFacts;
}

export interface SuspensionFields {
  readonly partyId: string;
  readonly reason: string;
  readonly sessionId?: string;
}

/** POST /cbms/:id/suspension. */
export interface SuspendCbm extends SubjectCommandBase {
  readonly type: 'SuspendCbm';
  readonly data: SuspensionFields;
  readonly session?: SessionFacts;
}

/** POST /cbms/:id/resumption. */
export interface ResumeCbm extends SubjectCommandBase {
  readonly type: 'ResumeCbm';
  readonly data: SuspensionFields;
  readonly session?: SessionFacts;
}

export type CbmCommand =
  | ProposeCbm
  | StatePosition
  | RecordDecision
  | LinkCbmToNorm
  | ReportImplementation
  | SuspendCbm
  | ResumeCbm
  | WithdrawSubject
  | CorrectRecord;
