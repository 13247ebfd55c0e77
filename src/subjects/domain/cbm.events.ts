/**
 * Events of a `cbm-<id>` stream (published language: stored formats, never renamed; a new shape
 * is a new schemaVersion). Optional fields are absent when not given, never null.
 */
import type { CorrectionFields } from '../../shared/domain/corrections.js';
import type { DomainEvent } from '../../shared/domain/decider.js';
import type { PositionFields } from './position.events.js';

export interface CbmProposedData {
  readonly trackId: string;
  readonly cbmId: string;
  readonly title: string;
  readonly summary?: string;
  readonly sourceRef?: string;
  readonly proposedBy: readonly string[];
  readonly linkedNorms?: readonly string[];
  readonly sessionId?: string;
  readonly agendaItemId?: string;
}

export type CbmPositionStatedData = { readonly cbmId: string } & PositionFields;

export interface CbmDecisionRecordedData {
  readonly cbmId: string;
  readonly decisionId: string;
  readonly kind: 'agree_cbm';
  readonly sessionId: string;
  readonly agendaItemId?: string;
  readonly text?: string;
}

export interface CbmLinkedToNormData {
  readonly cbmId: string;
  readonly normId: string;
  readonly reason?: string;
}

export interface CbmImplementationReportedData {
  readonly cbmId: string;
  readonly reportId: string;
  readonly partyId: string;
  readonly text: string;
  readonly sessionId?: string;
}

export interface CbmSuspensionData {
  readonly cbmId: string;
  readonly partyId: string;
  readonly reason: string;
  readonly sessionId?: string;
}

export interface CbmWithdrawnData {
  readonly cbmId: string;
  readonly partyIds: readonly string[];
  readonly reason?: string;
  readonly sessionId?: string;
  readonly agendaItemId?: string;
}

export type CbmRecordCorrectedData = { readonly cbmId: string } & CorrectionFields;

export type CbmProposed = DomainEvent<'CbmProposed', CbmProposedData>;
export type CbmLinkedToNorm = DomainEvent<'CbmLinkedToNorm', CbmLinkedToNormData>;
export type CbmPositionStated = DomainEvent<'PositionStated', CbmPositionStatedData>;
export type CbmDecisionRecorded = DomainEvent<'DecisionRecorded', CbmDecisionRecordedData>;
export type CbmImplementationReported = DomainEvent<'CbmImplementationReported', CbmImplementationReportedData>;
export type CbmSuspended = DomainEvent<'CbmSuspended', CbmSuspensionData>;
export type CbmResumed = DomainEvent<'CbmResumed', CbmSuspensionData>;
export type CbmWithdrawn = DomainEvent<'CbmWithdrawn', CbmWithdrawnData>;
export type CbmRecordCorrected = DomainEvent<'RecordCorrected', CbmRecordCorrectedData>;

export type CbmEvent =
  | CbmProposed
  | CbmLinkedToNorm
  | CbmPositionStated
  | CbmDecisionRecorded
  | CbmImplementationReported
  | CbmSuspended
  | CbmResumed
  | CbmWithdrawn
  | CbmRecordCorrected;

export type CbmStatus = 'proposed' | 'under_discussion' | 'agreed' | 'implementing' | 'implemented' | 'suspended' | 'withdrawn';

export const cbmStreamId = (cbmId: string): string => `cbm-${cbmId}`;
