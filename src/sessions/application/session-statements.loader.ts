import type { EventStore } from '../../shared/event-store/event-store.port.js';
import { upcastData } from '../../shared/event-store/event-schema.js';
import { type CommandContext, keyAlreadyUsed, readStreamOrEmpty } from '../../shared/event-store/handle-command.js';
import { sessionStreamId } from '../domain/session.events.js';
import { type StatementAtSession, StatementsAtSession } from '../domain/statements-at-session.js';

/** The streams positions are stated in (DESIGN §3). */
const SUBJECT_STREAM_PREFIXES = ['norm-', 'cbm-', 'topic-'];

/**
 * The statements made at the session, as corrected, for a change that touches the attendance (a
 * rare command): one filtered scan of the log, as no stream lists the statements of a session; only
 * the statements made at this session are kept meanwhile. The scan runs before the command takes
 * the process-wide lock (session commands run alone, and a scan of 1M events takes seconds that
 * every other command would wait), and `catchUp` inside it reads only what was recorded since.
 */
class StatementsScan {
  private readonly fold: StatementsAtSession;
  private after = 'start';

  constructor(
    private readonly store: EventStore,
    sessionId: string,
  ) {
    this.fold = new StatementsAtSession(sessionId);
  }

  async catchUp(): Promise<StatementAtSession[]> {
    const filter = { streamPrefixes: SUBJECT_STREAM_PREFIXES, eventTypes: ['PositionStated', 'RecordCorrected'] };
    for await (const event of this.store.readAll({ after: this.after, filter })) {
      this.fold.add({ streamId: event.streamId, eventId: event.eventId, type: event.type, data: upcastData(event, event.metadata['schemaVersion'], event.data) });
      this.after = event.position;
    }
    return this.fold.statements;
  }
}

/** Whether the session's stream exists (else the command answers 404 without a scan). */
const exists = async (store: EventStore, streamId: string): Promise<boolean> =>
  (await readStreamOrEmpty(store, streamId, { direction: 'backwards', maxCount: 1 })).length > 0;

/**
 * The scan for an attendance correction of `sessionId`, already read up to now unless the request
 * is about to be answered without it (a retry with its Idempotency-Key, a session that does not
 * exist); catchUp() inside the command reads the rest.
 */
export const scanBeforeTheLock = async (store: EventStore, sessionId: string, context: CommandContext): Promise<StatementsScan> => {
  const scan = new StatementsScan(store, sessionId);
  if (!(await keyAlreadyUsed(store, context)) && (await exists(store, sessionStreamId(sessionId)))) await scan.catchUp();
  return scan;
};
