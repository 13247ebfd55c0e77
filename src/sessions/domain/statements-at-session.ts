/**
 * The statements made at one session, with their party and delegate as corrected: what an
 * attendance correction must keep true (DESIGN §4: a delegate who states a position attended the
 * session). Built from the PositionStated and RecordCorrected events of the subject streams, in the
 * order they were recorded (each correction's `from` was checked against the value before it).
 */
export interface StatementAtSession {
  readonly streamId: string;
  readonly statementId: string;
  readonly partyId: string;
  /** undefined when the statement names no delegate (or a correction removed it). */
  readonly delegateId: string | undefined;
}

export interface SubjectStreamEvent {
  readonly streamId: string;
  readonly eventId: string;
  readonly type: string;
  readonly data: Readonly<Record<string, unknown>>;
}

interface Statement {
  readonly streamId: string;
  readonly statementId: string;
  readonly eventId: string;
  sessionId: string | undefined;
  partyId: string;
  delegateId: string | undefined;
}

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

export const statementsAtSession = (events: Iterable<SubjectStreamEvent>, sessionId: string): StatementAtSession[] => {
  const byEventId = new Map<string, Statement>();
  const byStatementId = new Map<string, Statement>();
  const key = (streamId: string, id: string): string => `${streamId}\u0000${id}`;
  for (const event of events) {
    if (event.type === 'PositionStated') {
      const statementId = text(event.data['statementId']);
      const partyId = text(event.data['partyId']);
      if (statementId === undefined || partyId === undefined) continue;
      const statement: Statement = { streamId: event.streamId, statementId, eventId: event.eventId, sessionId: text(event.data['sessionId']), partyId, delegateId: text(event.data['delegateId']) };
      byEventId.set(key(event.streamId, event.eventId), statement);
      byStatementId.set(key(event.streamId, statementId), statement);
    } else if (event.type === 'RecordCorrected') {
      const target = event.data['target'] as { eventId?: unknown; statementId?: unknown } | undefined;
      const statement =
        typeof target?.statementId === 'string'
          ? byStatementId.get(key(event.streamId, target.statementId))
          : typeof target?.eventId === 'string'
            ? byEventId.get(key(event.streamId, target.eventId))
            : undefined;
      if (statement === undefined) continue;
      const changes = Array.isArray(event.data['changes']) ? (event.data['changes'] as ReadonlyArray<{ field?: unknown; to?: unknown }>) : [];
      for (const { field, to } of changes) {
        if (field === 'partyId' && typeof to === 'string') statement.partyId = to;
        else if (field === 'delegateId') statement.delegateId = text(to);
      }
    }
  }
  return [...byEventId.values()]
    .filter((statement) => statement.sessionId === sessionId)
    .map(({ streamId, statementId, partyId, delegateId }) => ({ streamId, statementId, partyId, delegateId }));
};
