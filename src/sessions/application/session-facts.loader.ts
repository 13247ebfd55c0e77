import type { SessionFacts } from '../../shared/domain/facts.js';
import type { EventStore } from '../../shared/event-store/event-store.port.js';
import { loadFolded, memoizeByState } from '../../shared/event-store/folded-stream-cache.js';
import { sessionFactsOf } from '../domain/session-facts.js';
import { evolveSession, initialSessionState } from '../domain/session.decider.js';
import { sessionStreamId } from '../domain/session.events.js';

const factsOf = memoizeByState(sessionFactsOf);

/**
 * A session as other commands need it (held? on which day? who attended?), current as of this read
 * (the cached fold is brought up to the stream's last event first); `undefined` when it was never
 * scheduled. The published read port of this feature.
 */
export const loadSessionFacts = async (store: EventStore, sessionId: string): Promise<SessionFacts | undefined> =>
  factsOf((await loadFolded(store, sessionStreamId(sessionId), evolveSession, initialSessionState)).state);
