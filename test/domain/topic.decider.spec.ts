import type { CorrectionFields } from '../../src/shared/domain/corrections.js';
import { ConflictError, NotFoundError, UnprocessableError } from '../../src/shared/domain/domain-error.js';
import type { SessionFacts } from '../../src/shared/domain/facts.js';
import type { PositionFields } from '../../src/subjects/domain/position.events.js';
import { latestStances, recordSessionOf } from '../../src/subjects/domain/subject-core.js';
import type { TopicCommand } from '../../src/subjects/domain/topic.commands.js';
import { topicDecider } from '../../src/subjects/domain/topic.decider.js';
import type { TopicEvent } from '../../src/subjects/domain/topic.events.js';
import { deciderSpec, type Given } from '../support/decider-spec.js';
import { type ErrorClass, heldSession, usCnTrack } from './subject.fixtures.js';

const spec = deciderSpec(topicDecider);

const track = usCnTrack;
const session = heldSession;
const s1 = session();

const opened: Given<TopicEvent> = { type: 'TopicOpened', eventId: 'ev-opened', data: { trackId: 'us-cn-seg', topicId: 'inet-gov', title: 'Internet governance', sessionId: 's1' } };
const stated = (statementId: string, partyId: string, stance: PositionFields['stance'], delegateId?: string): Given<TopicEvent> => ({
  type: 'PositionStated',
  eventId: `ev-${statementId}`,
  data: { topicId: 'inet-gov', statementId, partyId, ...(delegateId !== undefined ? { delegateId } : {}), stance, text: 'said', channel: 'oral', sessionId: 's1' },
});

const open = (data: { title?: string; summary?: string; sessionId?: string } = {}, facts?: SessionFacts): TopicCommand => ({
  type: 'OpenTopic',
  effectiveOn: '2026-03-10',
  track,
  ...(facts !== undefined ? { session: facts } : {}),
  data: { trackId: 'us-cn-seg', topicId: 'inet-gov', title: 'Internet governance', ...data },
});
const statePosition = (data: Partial<PositionFields> = {}, facts: SessionFacts | undefined = s1): TopicCommand => ({
  type: 'StatePosition',
  effectiveOn: '2026-03-10',
  track,
  ...(facts !== undefined ? { session: facts } : {}),
  data: { statementId: 'st-new', partyId: 'cn', stance: 'reserves', text: 'we reserve', channel: 'oral', sessionId: 's1', ...data },
});
const correct = (target: CorrectionFields['target'], changes: CorrectionFields['changes'], targetSession: SessionFacts = s1, corrigendumId?: string): TopicCommand => ({
  type: 'CorrectRecord',
  effectiveOn: '2026-03-10',
  track,
  targetSession,
  data: { correctionId: 'corr-1', target, changes, reason: 'typo', requestedBy: 'secretariat', ...(corrigendumId !== undefined ? { corrigendumId } : {}) },
});
const corrected = (target: CorrectionFields['target'], changes: CorrectionFields['changes'], extra: object = {}): TopicEvent[] => [
  { type: 'RecordCorrected', data: { topicId: 'inet-gov', correctionId: 'corr-1', target, changes, reason: 'typo', requestedBy: 'secretariat', ...extra } },
];

const refusals = (cases: ReadonlyArray<[string, ReadonlyArray<Given<TopicEvent>>, TopicCommand, ErrorClass, string, (RegExp | string)?]>) =>
  it.each(cases.map(([name, given, command, errorClass, code, message]) => ({ name, given, command, errorClass, code, message })))(
    '$name',
    ({ given, command, errorClass, code, message }) => {
      spec.given(given).when(command).thenThrows(errorClass, code, message);
    },
  );

describe('topic decider', () => {
  it('opens a topic, with or without a session', () => {
    spec.given([]).when(open({ sessionId: 's1' }, s1)).then([{ type: 'TopicOpened', data: opened.data } as TopicEvent]);
    spec.given([]).when(open({ summary: 'who runs the DNS' })).then([
      { type: 'TopicOpened', data: { trackId: 'us-cn-seg', topicId: 'inet-gov', title: 'Internet governance', summary: 'who runs the DNS' } },
    ]);
  });

  it('records positions without any status machine', () => {
    const given = spec.given([opened, stated('st-1', 'us', 'opposes')]);
    given.when(statePosition({ delegateId: 'cn-1' })).then([
      { type: 'PositionStated', data: { topicId: 'inet-gov', statementId: 'st-new', partyId: 'cn', delegateId: 'cn-1', stance: 'reserves', text: 'we reserve', channel: 'oral', sessionId: 's1' } },
    ]);
    expect(given.state.status).toBe('opened');
  });

  it('corrects a position and folds it into the latest stances', () => {
    const changes = [{ field: 'stance', from: 'opposes', to: 'supports' }];
    spec.given([opened, stated('st-1', 'us', 'opposes')]).when(correct({ statementId: 'st-1' }, changes)).then(corrected({ statementId: 'st-1' }, changes));
    const state = spec.given([opened, stated('st-1', 'us', 'opposes'), ...corrected({ statementId: 'st-1' }, changes)]).state;
    expect(state.status === 'opened' && Object.fromEntries(latestStances(state.core))).toEqual({ us: 'supports' });
    expect(recordSessionOf(state, { statementId: 'st-1' })).toBe('s1');
  });

  it('moves a statement to the other party with that party’s attending delegate', () => {
    const changes = [
      { field: 'partyId', from: 'us', to: 'cn' },
      { field: 'delegateId', from: 'us-1', to: 'cn-1' },
    ];
    spec.given([opened, stated('st-1', 'us', 'opposes', 'us-1')]).when(correct({ statementId: 'st-1' }, changes)).then(corrected({ statementId: 'st-1' }, changes));
  });

  it('corrects after adoption of the minutes with a corrigendum', () => {
    const changes = [{ field: 'title', from: 'Internet governance', to: 'Governance of the internet' }];
    const adopted = session({ minutesStatus: 'adopted' });
    spec.given([opened]).when(correct({ eventId: 'ev-opened' }, changes, adopted)).thenThrows(ConflictError, 'corrigendum-required', /^topic inet-gov: /);
    spec.given([opened]).when(correct({ eventId: 'ev-opened' }, changes, adopted, 'cg-1')).then(corrected({ eventId: 'ev-opened' }, changes, { corrigendumId: 'cg-1' }));
  });

  refusals([
    ['opening an existing topic', [opened], open(), ConflictError, 'already-exists', 'topic inet-gov already exists'],
    ['opening at a session not held', [], open({ sessionId: 's1' }, session({ status: 'scheduled' })), UnprocessableError, 'session-not-held'],
    ['opening at an unknown session', [], open({ sessionId: 's1' }), UnprocessableError, 'unknown-session'],
    ['a blank title', [], open({ title: '' }), UnprocessableError, 'field-required'],
    ['a position on a topic never opened', [], statePosition(), NotFoundError, 'not-found'],
    ['a statementId already used', [opened, stated('st-new', 'us', 'supports')], statePosition(), ConflictError, 'duplicate-statement'],
    ['an unregistered party', [opened], statePosition({ partyId: 'ru' }), UnprocessableError, 'unknown-party'],
    ['a conditional stance without condition', [opened], statePosition({ stance: 'conditional' }), UnprocessableError, 'condition-required'],
    ['a delegate who did not attend', [opened], statePosition({ delegateId: 'cn-1' }, session({ attendance: { cn: [] } })), UnprocessableError, 'delegate-not-present'],
    ['a session of another track', [opened], statePosition({}, session({ trackId: 'uk-fr' })), UnprocessableError, 'session-not-held'],
    ['a stale from', [opened, stated('st-1', 'us', 'opposes')], correct({ statementId: 'st-1' }, [{ field: 'stance', from: 'supports', to: 'abstains' }]), ConflictError, 'stale-from'],
    ['moving a statement to a party whose delegate did not attend', [opened, stated('st-1', 'us', 'opposes', 'us-1')], correct({ statementId: 'st-1' }, [{ field: 'partyId', from: 'us', to: 'cn' }, { field: 'delegateId', from: 'us-1', to: 'cn-1' }], session({ attendance: { us: ['us-1'] } })), UnprocessableError, 'delegate-not-present'],
    ['a field that is not correctable', [opened], correct({ eventId: 'ev-opened' }, [{ field: 'topicId', from: 'inet-gov', to: 'x' }]), UnprocessableError, 'field-not-correctable'],
    ['an unknown target', [opened], correct({ eventId: 'nope' }, [{ field: 'title', from: 'a', to: 'b' }]), UnprocessableError, 'unknown-target'],
  ]);
});
