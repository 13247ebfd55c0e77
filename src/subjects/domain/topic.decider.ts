/** The topic aggregate: positions and corrections, no agreement status (DESIGN.md §2). */
import type { Decider, FoldedEvent } from '../../shared/domain/decider.js';
import type { OpenTopic, TopicCommand } from './topic.commands.js';
import type { TopicEvent } from './topic.events.js';
import { decideCorrection, decidePosition, openCore, type SubjectCore, withCorrection, withRecord } from './subject-core.js';
import { SubjectErrors } from './subject.errors.js';
import { assertSessionRefs, assertText, compact } from './subject-guards.js';

export type TopicState = { readonly status: 'none'; readonly core?: undefined } | { readonly status: 'opened'; readonly core: SubjectCore };

export const initialTopicState = (): TopicState => ({ status: 'none' });

const open = (command: OpenTopic, state: TopicState): TopicEvent[] => {
  const { data, track } = command;
  const subject = `topic ${data.topicId}`;
  if (state.status !== 'none') throw SubjectErrors.alreadyExists(subject);
  assertText(subject, 'title', data.title);
  assertSessionRefs(subject, track, data, command.session);
  return [{ type: 'TopicOpened', data: compact(data) }];
};

export const decideTopic = (command: TopicCommand, state: TopicState): TopicEvent[] => {
  if (command.type === 'OpenTopic') return open(command, state);
  if (state.status === 'none') throw SubjectErrors.notFound('topic');
  switch (command.type) {
    case 'StatePosition':
      return [{ type: 'PositionStated', data: { topicId: state.core.id, ...decidePosition(state.core, command) } }];
    case 'CorrectRecord':
      return [{ type: 'RecordCorrected', data: { topicId: state.core.id, ...decideCorrection(state.core, command) } }];
    default: {
      const unexpected: never = command;
      throw new Error(`unknown topic command ${JSON.stringify(unexpected)}`);
    }
  }
};

export const evolveTopic = (state: TopicState, event: FoldedEvent<TopicEvent>): TopicState => {
  switch (event.type) {
    case 'TopicOpened':
      return { status: 'opened', core: withRecord(openCore('topic', event.data.topicId, event.data.trackId), event) };
    case 'PositionStated':
      return state.status === 'none' ? state : { ...state, core: withRecord(state.core, event) };
    case 'RecordCorrected':
      return state.status === 'none' ? state : { ...state, core: withCorrection(state.core, event) };
    default: {
      // A type this build never writes (a foreign bundle imported as is) leaves the fold unchanged,
      // as it does in the projections; a newer build's events are refused before (event-schema.ts).
      const unknown: never = event;
      void unknown;
      return state;
    }
  }
};

export const topicDecider: Decider<TopicCommand, TopicState, TopicEvent> = {
  initialState: initialTopicState,
  decide: decideTopic,
  evolve: evolveTopic,
};
