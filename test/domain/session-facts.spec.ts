import type { FoldedEvent } from '../../src/shared/domain/decider.js';
import { buildSessionFacts } from '../../src/sessions/domain/session-facts.js';
import type { SessionEvent } from '../../src/sessions/domain/session.events.js';
import type { Given } from '../support/decider-spec.js';
import { cancelled, circulated, held, HELD_ID, S, scheduled, silence } from './session.fixtures.js';

const folded = (events: Given<SessionEvent>[]): FoldedEvent<SessionEvent>[] =>
  events.map((event, revision) => ({
    ...event,
    eventId: event.eventId ?? `e${revision}`,
    revision,
    effectiveOn: event.effectiveOn ?? '2026-01-01',
    recordedAt: '2026-01-01T00:00:00.000Z',
  }));

const correction = (
  correctionId: string,
  changes: Array<{ field: string; from: unknown; to: unknown }>,
  eventId = HELD_ID,
): Given<SessionEvent> => ({
  type: 'RecordCorrected',
  data: { sessionId: S, correctionId, target: { eventId }, changes, reason: 'r', requestedBy: 'cn' },
});

describe('buildSessionFacts', () => {
  it('is undefined for a session never scheduled', () => {
    expect(buildSessionFacts([])).toBeUndefined();
  });

  it('a scheduled session: no attendance, provisional agenda ids, minutes none', () => {
    const withAgenda: Given<SessionEvent> = {
      type: 'SessionScheduled',
      data: { trackId: 'us-cn-seg', sessionId: S, number: 7, place: 'Geneva', scheduledFor: '2026-03-10', provisionalAgenda: [{ itemId: 'p1', title: 'x' }] },
    };
    expect(buildSessionFacts(folded([withAgenda]))).toEqual({
      sessionId: S,
      trackId: 'us-cn-seg',
      status: 'scheduled',
      attendance: {},
      agendaItemIds: ['p1'],
      minutesStatus: 'none',
    });
  });

  it('a cancelled session', () => {
    expect(buildSessionFacts(folded([scheduled, cancelled]))?.status).toBe('cancelled');
  });

  it('a held session with its minutes status', () => {
    expect(buildSessionFacts(folded([scheduled, held, circulated, silence]))).toEqual({
      sessionId: S,
      trackId: 'us-cn-seg',
      status: 'held',
      heldOn: '2026-03-10',
      attendance: { us: ['smith'], cn: ['li'] },
      agendaItemIds: ['a1', 'a2'],
      minutesStatus: 'silence_procedure',
    });
  });

  it('applies corrections of attendance and heldOn, in stream order', () => {
    const facts = buildSessionFacts(
      folded([
        scheduled,
        held,
        correction('c1', [{ field: 'attendance.cn', from: ['li'], to: ['li', 'wang'] }]),
        correction('c2', [
          { field: 'attendance.us', from: ['smith'], to: null },
          { field: 'heldOn', from: '2026-03-10', to: '2026-03-11' },
        ]),
        correction('c3', [{ field: 'attendance', from: { cn: ['li', 'wang'] }, to: { cn: ['wang'], us: ['jones'] } }]),
      ]),
    );
    expect(facts?.attendance).toEqual({ cn: ['wang'], us: ['jones'] });
    expect(facts?.heldOn).toBe('2026-03-11');
  });

  it('ignores a correction aimed at another record', () => {
    const facts = buildSessionFacts(
      folded([scheduled, held, correction('c1', [{ field: 'attendance.cn', from: null, to: ['wang'] }], 'ev-scheduled')]),
    );
    expect(facts?.attendance).toEqual({ us: ['smith'], cn: ['li'] });
  });
});
