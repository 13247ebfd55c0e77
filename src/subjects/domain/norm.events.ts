/**
 * Events of a `norm-<id>` stream (published language: stored formats, never renamed; a new shape
 * is a new schemaVersion). Optional fields are absent when not given, never null.
 */
import type { CorrectionFields } from '../../shared/domain/corrections.js';
import type { DomainEvent } from '../../shared/domain/decider.js';
import type { PositionFields } from './position.events.js';

export interface NormProposedData {
  readonly trackId: string;
  readonly normId: string;
  readonly title: string;
  readonly summary: string;
  readonly sourceRef?: string;
  readonly proposedBy: readonly string[];
  readonly sessionId?: string;
  readonly agendaItemId?: string;
}

export type NormPositionStatedData = { readonly normId: string } & PositionFields;

export interface NormDecisionRecordedData {
  readonly normId: string;
  readonly decisionId: string;
  readonly kind: 'agree_ad_referendum';
  readonly sessionId: string;
  readonly agendaItemId?: string;
  readonly text?: string;
}

export type CapitalResponse = 'confirmed' | 'declined';

export interface CapitalResponseRecordedData {
  readonly normId: string;
  readonly responseId: string;
  readonly partyId: string;
  readonly response: CapitalResponse;
  readonly communicationRef?: string;
}

export interface NormWithdrawnData {
  readonly normId: string;
  readonly partyIds: readonly string[];
  readonly reason?: string;
  readonly sessionId?: string;
  readonly agendaItemId?: string;
}

export type NormRecordCorrectedData = { readonly normId: string } & CorrectionFields;

export type NormProposed = DomainEvent<'NormProposed', NormProposedData>;
export type NormPositionStated = DomainEvent<'PositionStated', NormPositionStatedData>;
export type NormDecisionRecorded = DomainEvent<'DecisionRecorded', NormDecisionRecordedData>;
export type CapitalResponseRecorded = DomainEvent<'CapitalResponseRecorded', CapitalResponseRecordedData>;
export type NormWithdrawn = DomainEvent<'NormWithdrawn', NormWithdrawnData>;
export type NormRecordCorrected = DomainEvent<'RecordCorrected', NormRecordCorrectedData>;

export type NormEvent =
  | NormProposed
  | NormPositionStated
  | NormDecisionRecorded
  | CapitalResponseRecorded
  | NormWithdrawn
  | NormRecordCorrected;

export type NormStatus = 'proposed' | 'under_discussion' | 'agreed_ad_referendum' | 'adopted' | 'withdrawn';

export const normStreamId = (normId: string): string => `norm-${normId}`;
