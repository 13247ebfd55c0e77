import { everyPartyActed, partiesAt, partiesTakingPartAt } from '../../src/shared/domain/facts.js';
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
      joined: {
        us: { effectiveOn: '2026-01-01', recordedAt: '2026-01-01T00:00:00.000Z' },
        cn: { effectiveOn: '2026-01-01', recordedAt: '2026-01-01T00:00:00.000Z' },
      },
    });
  });
});

describe('partiesAt and everyPartyActed: the parties of a moment, as the board folds them', () => {
  const track = {
    parties: ['us', 'cn', 'ru'],
    joined: {
      us: { effectiveOn: '2026-01-01', recordedAt: '2026-01-01T09:00:00.000Z' },
      cn: { effectiveOn: '2026-01-01', recordedAt: '2026-01-01T09:00:01.000Z' },
      ru: { effectiveOn: '2026-05-01', recordedAt: '2026-05-01T09:00:00.000Z' },
    },
  };
  const act = (partyId: string, effectiveOn: string, recordedAt = `${effectiveOn}T12:00:00.000Z`) => ({ partyId, effectiveOn, recordedAt });

  it.each([
    ['before anyone joined', act('x', '2025-12-31'), []],
    ['on the day, recorded between two registrations', act('x', '2026-01-01', '2026-01-01T09:00:00.500Z'), ['us']],
    ['after both, before ru', act('x', '2026-04-30'), ['us', 'cn']],
    ['on and after the day ru joined', act('x', '2026-05-01'), ['us', 'cn', 'ru']],
  ])('%s', (_why, at, expected) => {
    expect(partiesAt(track, at)).toEqual(expected);
  });

  it('facts without join dates count every party at every point', () => {
    expect(partiesAt({ parties: ['us', 'cn'] }, act('x', '2000-01-01'))).toEqual(['us', 'cn']);
  });

  it.each([
    ['both parties of the moment confirmed: reached, and a party joining later does not undo it', [act('us', '2026-03-01'), act('cn', '2026-03-02')], true],
    ['one of two', [act('us', '2026-03-01')], false],
    ['after ru joined, us and cn are not enough', [act('us', '2026-06-01'), act('cn', '2026-06-02')], false],
    ['after ru joined, all three', [act('us', '2026-06-01'), act('cn', '2026-06-02'), act('ru', '2026-06-03')], true],
    // A party that acted took part, whatever its registration's date (a track set up after the sessions it records).
    ['before anyone registered, the one party that took part acted', [act('us', '2025-06-01')], true],
  ])('everyPartyActed: %s', (_why, acts, expected) => {
    expect(everyPartyActed(acts, track)).toBe(expected);
  });

  it('everyPartyActed: parties with a stance by an act\'s date count too, whatever their registration\'s date', () => {
    const stances = (parties: string[]) => () => parties;
    expect(everyPartyActed([act('us', '2025-06-01')], track, stances(['us', 'cn']))).toBe(false);
    expect(everyPartyActed([act('us', '2025-06-01'), act('cn', '2025-06-02')], track, stances(['us', 'cn']))).toBe(true);
    // A stance of a party not registered at all (not on the track) does not count.
    expect(everyPartyActed([act('us', '2026-03-01'), act('cn', '2026-03-02')], track, stances(['uk']))).toBe(true);
  });

  it('partiesTakingPartAt: the parties of the moment, and registered parties that took part by then', () => {
    expect(partiesTakingPartAt(track, act('x', '2025-12-31'), ['cn', 'uk'])).toEqual(['cn']);
    expect(partiesTakingPartAt(track, act('x', '2026-04-30'), ['ru'])).toEqual(['cn', 'ru', 'us']);
  });
});
