import type { FoldedEvent } from '../../shared/domain/decider.js';
import type { TrackFacts } from '../../shared/domain/facts.js';
import { evolveTrack, initialTrackState, type TrackState } from './track.decider.js';
import type { TrackEvent } from './track.events.js';

/** The registry facts other features' deciders need; `undefined` when the track was never established. */
export const trackFactsOf = (state: TrackState): TrackFacts | undefined =>
  state.status === 'initial'
    ? undefined
    : {
        trackId: state.trackId,
        parties: [...state.parties.keys()],
        joined: Object.fromEntries([...state.parties.values()].map((p) => [p.partyId, { effectiveOn: p.registeredOn, recordedAt: p.registeredAt }])),
        agencies: [...state.agencies.values()].map(({ agencyId, partyId }) => ({ agencyId, partyId })),
        delegates: [...state.delegates.values()].map(({ delegateId, partyId, agencyId }) => ({ delegateId, partyId, agencyId })),
      };

/** From the track stream's events (e.g. `readStreamOrEmpty(...).map(foldedEvent)`), in stream order. */
export const buildTrackFacts = (events: readonly FoldedEvent<TrackEvent>[]): TrackFacts | undefined =>
  trackFactsOf(events.reduce(evolveTrack, initialTrackState()));
