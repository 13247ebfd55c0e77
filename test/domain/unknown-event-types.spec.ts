import type { Decider, DomainEvent, FoldedEvent } from '../../src/shared/domain/decider.js';
import { sessionDecider } from '../../src/sessions/domain/session.decider.js';
import { cbmDecider } from '../../src/subjects/domain/cbm.decider.js';
import { normDecider } from '../../src/subjects/domain/norm.decider.js';
import { topicDecider } from '../../src/subjects/domain/topic.decider.js';
import { trackDecider } from '../../src/tracks/domain/track.decider.js';

/*
 * An event type this build never writes, in a stream it folds (a foreign bundle imported as is:
 * bundles verify whatever their types): every decider leaves its state unchanged, as the
 * projections do, so the board and the commands read the stream alike. (The subject deciders threw,
 * so every command on such a stream was a 500 while its board row showed.) A newer build's events
 * never get here: their schema version is refused first (test/unit/event-schema.spec.ts).
 */
const foreign = { type: 'SomethingElse', data: { anything: [1, 2] }, eventId: 'ev-foreign', revision: 0, effectiveOn: '2026-01-05', recordedAt: '2026-01-05T09:00:00.000Z' };

const folded = (type: string, data: Record<string, unknown>) =>
  ({ type, data, eventId: `ev-${type}`, revision: 0, effectiveOn: '2026-01-05', recordedAt: '2026-01-05T09:00:00.000Z' }) as unknown as FoldedEvent<DomainEvent>;

describe.each([
  ['track', trackDecider, folded('TrackEstablished', { trackId: 'seg', name: 'Expert group' })],
  ['session', sessionDecider, folded('SessionScheduled', { trackId: 'seg', sessionId: 's1', number: 1, place: 'Geneva', scheduledFor: '2026-02-10' })],
  ['norm', normDecider, folded('NormProposed', { trackId: 'seg', normId: 'n1', title: 'A norm', summary: 'It says.', proposedBy: ['us'] })],
  ['cbm', cbmDecider, folded('CbmProposed', { trackId: 'seg', cbmId: 'c1', title: 'A CBM', proposedBy: ['us'] })],
  ['topic', topicDecider, folded('TopicOpened', { trackId: 'seg', topicId: 't1', title: 'A topic' })],
] as Array<[string, Decider<unknown, unknown, DomainEvent>, FoldedEvent<DomainEvent>]>)('the %s decider and an event type it does not know', (_kind, decider, creation) => {
  it('folds it as nothing: the state is the one before it', () => {
    const initial = decider.initialState();
    const created = decider.evolve(initial, creation);
    expect(created).not.toEqual(initial);
    // (A session keeps the type of every record by id, to name a correction's target: that is all it notes.)
    const { eventTypes: _before, ...before } = created as { eventTypes?: unknown };
    const { eventTypes: _after, ...after } = decider.evolve(created, foreign as unknown as FoldedEvent<DomainEvent>) as { eventTypes?: unknown };
    expect(after).toEqual(before);
  });
});
