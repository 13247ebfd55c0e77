import type { SubjectFacts } from '../../shared/domain/facts.js';
import type { EventStore } from '../../shared/event-store/event-store.port.js';
import { loadFolded } from '../../shared/event-store/folded-stream-cache.js';
import { loadTrackFacts } from '../../tracks/application/track-facts.loader.js';
import { normDecider, normStatusOf } from '../domain/norm.decider.js';
import { normStreamId } from '../domain/norm.events.js';

/** A norm as a CBM command needs it (its track, its status); `undefined` when it was never proposed. */
export const loadNormFacts = async (store: EventStore, normId: string): Promise<SubjectFacts | undefined> => {
  // Same evolve as the norm's own commands fold with, so both share one cached fold of the stream.
  const { state } = await loadFolded(store, normStreamId(normId), normDecider.evolve, normDecider.initialState);
  if (state.core === undefined) return undefined;
  const track = await loadTrackFacts(store, state.core.trackId);
  return { kind: 'norm', id: normId, trackId: state.core.trackId, status: normStatusOf(state, track ?? { parties: [] }) };
};
