import { type StatementAtSession, StatementsAtSession, type SubjectStreamEvent } from '../../src/sessions/domain/statements-at-session.js';

/** The statements made at `sessionId` among `events`, folded one by one as the handler folds the log. */
const statementsAtSession = (events: Iterable<SubjectStreamEvent>, sessionId: string): StatementAtSession[] => {
  const fold = new StatementsAtSession(sessionId);
  for (const event of events) fold.add(event);
  return fold.statements;
};

const stated = (streamId: string, eventId: string, data: Record<string, unknown>): SubjectStreamEvent => ({ streamId, eventId, type: 'PositionStated', data });
const corrected = (streamId: string, target: Record<string, string>, changes: Array<{ field: string; from: unknown; to: unknown }>): SubjectStreamEvent => ({
  streamId,
  eventId: `c-${JSON.stringify(target)}-${changes.length}`,
  type: 'RecordCorrected',
  data: { correctionId: 'c', target, changes, reason: 'r', requestedBy: 'us' },
});

describe('statementsAtSession: the statements made at a session, with party and delegate as corrected', () => {
  it('keeps those naming the session, follows corrections of delegateId and partyId by statementId or eventId, in their stream only', () => {
    const events: SubjectStreamEvent[] = [
      stated('norm-n1', 'e1', { statementId: 'st-1', partyId: 'us', delegateId: 'us-d2', sessionId: 's1' }),
      stated('norm-n1', 'e2', { statementId: 'st-2', partyId: 'us', delegateId: 'us-d2', sessionId: 's2' }),
      stated('cbm-c1', 'e3', { statementId: 'st-1', partyId: 'cn', delegateId: 'cn-d1', sessionId: 's1' }),
      stated('topic-t1', 'e4', { statementId: 'st-9', partyId: 'us', sessionId: 's1' }),
      stated('norm-n2', 'e5', { statementId: 'st-5', partyId: 'us', delegateId: 'us-d2', sessionId: 's1' }),
      // In norm-n1: st-1 moves to cn's delegate; in cbm-c1 nothing targets it (same statementId, other stream).
      corrected('norm-n1', { statementId: 'st-1' }, [{ field: 'partyId', from: 'us', to: 'cn' }, { field: 'delegateId', from: 'us-d2', to: 'cn-d2' }]),
      // norm-n2's statement loses its delegate, by eventId.
      corrected('norm-n2', { eventId: 'e5' }, [{ field: 'delegateId', from: 'us-d2', to: null }]),
      // A correction of another field changes nothing here.
      corrected('topic-t1', { statementId: 'st-9' }, [{ field: 'stance', from: 'supports', to: 'opposes' }]),
    ];
    expect(statementsAtSession(events, 's1')).toEqual([
      { streamId: 'norm-n1', statementId: 'st-1', partyId: 'cn', delegateId: 'cn-d2' },
      { streamId: 'cbm-c1', statementId: 'st-1', partyId: 'cn', delegateId: 'cn-d1' },
      { streamId: 'topic-t1', statementId: 'st-9', partyId: 'us', delegateId: undefined },
      { streamId: 'norm-n2', statementId: 'st-5', partyId: 'us', delegateId: undefined },
    ]);
    expect(statementsAtSession(events, 's2')).toEqual([{ streamId: 'norm-n1', statementId: 'st-2', partyId: 'us', delegateId: 'us-d2' }]);
    expect(statementsAtSession(events, 's3')).toEqual([]);
  });
});
