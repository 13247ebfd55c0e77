import type { SessionFacts } from '../../shared/domain/facts.js';
import type { TopicOpenedData } from './topic.events.js';
import type { CorrectRecord, StatePosition, SubjectCommandBase } from './subject.commands.js';

/** POST /tracks/:trackId/topics: `data` is the body plus `trackId` from the route. */
export interface OpenTopic extends SubjectCommandBase {
  readonly type: 'OpenTopic';
  readonly data: TopicOpenedData;
  readonly session?: SessionFacts;
}

export type TopicCommand = OpenTopic | StatePosition | CorrectRecord;
