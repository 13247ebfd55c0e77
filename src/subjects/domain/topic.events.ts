/**
 * Events of a `topic-<id>` stream (published language). Topics carry positions and no agreement
 * status. Optional fields are absent when not given, never null.
 */
import type { CorrectionFields } from '../../shared/domain/corrections.js';
import type { DomainEvent } from '../../shared/domain/decider.js';
import type { PositionFields } from './position.events.js';

export interface TopicOpenedData {
  readonly trackId: string;
  readonly topicId: string;
  readonly title: string;
  readonly summary?: string;
  readonly sessionId?: string;
}

export type TopicPositionStatedData = { readonly topicId: string } & PositionFields;
export type TopicRecordCorrectedData = { readonly topicId: string } & CorrectionFields;

export type TopicOpened = DomainEvent<'TopicOpened', TopicOpenedData>;
export type TopicPositionStated = DomainEvent<'PositionStated', TopicPositionStatedData>;
export type TopicRecordCorrected = DomainEvent<'RecordCorrected', TopicRecordCorrectedData>;

export type TopicEvent = TopicOpened | TopicPositionStated | TopicRecordCorrected;

export const topicStreamId = (topicId: string): string => `topic-${topicId}`;
