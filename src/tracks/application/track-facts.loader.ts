import type { TrackFacts } from '../../shared/domain/facts.js';
import type { EventStore } from '../../shared/event-store/event-store.port.js';
import { foldedEvent, readStreamOrEmpty } from '../../shared/event-store/handle-command.js';
import { buildTrackFacts } from '../domain/track-facts.js';
import { trackStreamId, type TrackEvent } from '../domain/track.events.js';
import { NotFoundError } from '../../shared/domain/domain-error.js';

/**
 * The track's registry as other features' commands need it, read fresh from its stream; the
 * published read port of this feature (other features import this file, never the decider).
 */
export const loadTrackFacts = async (store: EventStore, trackId: string): Promise<TrackFacts | undefined> =>
  buildTrackFacts((await readStreamOrEmpty(store, trackStreamId(trackId))).map((event) => foldedEvent<TrackEvent>(event)));

/** Same, for a track named by the route: it must exist (404 otherwise). */
export const requireTrackFacts = async (store: EventStore, trackId: string): Promise<TrackFacts> => {
  const facts = await loadTrackFacts(store, trackId);
  // Worded and coded as handleCommand words a missing route subject, so clients see one 404.
  if (facts === undefined) throw new NotFoundError('not-found', `track ${trackId} does not exist`);
  return facts;
};
