import type { TrackFacts } from '../../shared/domain/facts.js';
import type { EventStore } from '../../shared/event-store/event-store.port.js';
import { loadFolded, memoizeByState } from '../../shared/event-store/folded-stream-cache.js';
import { trackFactsOf } from '../domain/track-facts.js';
import { evolveTrack, initialTrackState } from '../domain/track.decider.js';
import { trackStreamId } from '../domain/track.events.js';
import { NotFoundError } from '../../shared/domain/domain-error.js';

const factsOf = memoizeByState(trackFactsOf);

/**
 * The track's registry as other features' commands need it, current as of this read (the cached
 * fold is brought up to the stream's last event first); the published read port of this feature
 * (other features import this file, never the decider).
 */
export const loadTrackFacts = async (store: EventStore, trackId: string): Promise<TrackFacts | undefined> =>
  factsOf((await loadFolded(store, trackStreamId(trackId), evolveTrack, initialTrackState)).state);

/** Same, for a track named by the route: it must exist (404 otherwise). */
export const requireTrackFacts = async (store: EventStore, trackId: string): Promise<TrackFacts> => {
  const facts = await loadTrackFacts(store, trackId);
  // Worded and coded as handleCommand words a missing route subject, so clients see one 404.
  if (facts === undefined) throw new NotFoundError('not-found', `track ${trackId} does not exist`);
  return facts;
};
