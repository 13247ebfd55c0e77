import type { SessionFacts } from '../../shared/domain/facts.js';
import type { EventStore } from '../../shared/event-store/event-store.port.js';
import { foldedEvent, readStreamOrEmpty } from '../../shared/event-store/handle-command.js';
import { buildSessionFacts } from '../domain/session-facts.js';
import { sessionStreamId, type SessionEvent } from '../domain/session.events.js';

/**
 * A session as other commands need it (held? on which day? who attended?), read fresh from its
 * stream; `undefined` when it was never scheduled. The published read port of this feature.
 */
export const loadSessionFacts = async (store: EventStore, sessionId: string): Promise<SessionFacts | undefined> =>
  buildSessionFacts((await readStreamOrEmpty(store, sessionStreamId(sessionId))).map((event) => foldedEvent<SessionEvent>(event)));
