import type { SubjectFacts } from '../../shared/domain/facts.js';
import type { EventStore } from '../../shared/event-store/event-store.port.js';
import { fold, readStreamOrEmpty } from '../../shared/event-store/handle-command.js';
import { loadTrackFacts } from '../../tracks/application/track-facts.loader.js';
import { normDecider, normStatusOf } from '../domain/norm.decider.js';
import { normStreamId } from '../domain/norm.events.js';

/** A norm as a CBM command needs it (its track, its status); `undefined` when it was never proposed. */
export const loadNormFacts = async (store: EventStore, normId: string): Promise<SubjectFacts | undefined> => {
  const state = fold(normDecider, await readStreamOrEmpty(store, normStreamId(normId)));
  if (state.core === undefined) return undefined;
  const track = await loadTrackFacts(store, state.core.trackId);
  return { kind: 'norm', id: normId, trackId: state.core.trackId, status: normStatusOf(state, { parties: track?.parties ?? [] }) };
};
