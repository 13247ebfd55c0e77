import { buildTrackFacts } from '../../src/tracks/domain/track-facts.js';
import type { TrackEvent } from '../../src/tracks/domain/track.events.js';
import type { FoldedEvent } from '../../src/shared/domain/decider.js';

const folded = (events: TrackEvent[]): FoldedEvent<TrackEvent>[] =>
  events.map((event, revision) => ({ ...event, eventId: `e${revision}`, revision, effectiveOn: '2026-01-01', recordedAt: '2026-01-01T00:00:00.000Z' }));

describe('buildTrackFacts', () => {
  it('is undefined for a track never established', () => {
    expect(buildTrackFacts([])).toBeUndefined();
  });

  it('lists parties, agencies and delegates in registration order', () => {
    const facts = buildTrackFacts(
      folded([
        { type: 'TrackEstablished', data: { trackId: 't', name: 'T' } },
        { type: 'PartyRegistered', data: { trackId: 't', partyId: 'us', name: 'US' } },
        { type: 'PartyRegistered', data: { trackId: 't', partyId: 'cn', name: 'CN' } },
        { type: 'AgencyRegistered', data: { trackId: 't', agencyId: 'us-dos', partyId: 'us', name: 'State' } },
        { type: 'AgencyRegistered', data: { trackId: 't', agencyId: 'cn-mfa', partyId: 'cn', name: 'MFA' } },
        { type: 'DelegateRegistered', data: { trackId: 't', delegateId: 'smith', partyId: 'us', agencyId: 'us-dos', role: 'head' } },
      ]),
    );
    expect(facts).toEqual({
      trackId: 't',
      parties: ['us', 'cn'],
      agencies: [
        { agencyId: 'us-dos', partyId: 'us' },
        { agencyId: 'cn-mfa', partyId: 'cn' },
      ],
      delegates: [{ delegateId: 'smith', partyId: 'us', agencyId: 'us-dos' }],
    });
  });
});
