import { ConflictError, NotFoundError, UnprocessableError, type DomainError } from '../../src/shared/domain/domain-error.js';
import type { TrackCommand } from '../../src/tracks/domain/track.commands.js';
import { trackDecider } from '../../src/tracks/domain/track.decider.js';
import type { TrackEvent } from '../../src/tracks/domain/track.events.js';
import { deciderSpec, type Given } from '../support/decider-spec.js';

const spec = deciderSpec(trackDecider);
const on = '2026-01-10';

const established: Given<TrackEvent> = { type: 'TrackEstablished', data: { trackId: 'us-cn-seg', name: 'US-China SEG' }, effectiveOn: '2026-01-05' };
const us: Given<TrackEvent> = { type: 'PartyRegistered', data: { trackId: 'us-cn-seg', partyId: 'us', name: 'United States' }, effectiveOn: '2026-01-06' };
const cn: Given<TrackEvent> = { type: 'PartyRegistered', data: { trackId: 'us-cn-seg', partyId: 'cn', name: 'China' } };
const usDos: Given<TrackEvent> = { type: 'AgencyRegistered', data: { trackId: 'us-cn-seg', agencyId: 'us-dos', partyId: 'us', name: 'State' } };
const cnMfa: Given<TrackEvent> = { type: 'AgencyRegistered', data: { trackId: 'us-cn-seg', agencyId: 'cn-mfa', partyId: 'cn', name: 'MFA' } };
const smith: Given<TrackEvent> = {
  type: 'DelegateRegistered',
  data: { trackId: 'us-cn-seg', delegateId: 'smith', partyId: 'us', agencyId: 'us-dos' },
};
const registry = [established, us, cn, usDos, cnMfa];

const base = { trackId: 'us-cn-seg', effectiveOn: on };

describe('track decider: happy paths', () => {
  const cases: Array<[string, Given<TrackEvent>[], TrackCommand, TrackEvent[]]> = [
    [
      'establishes a track, optional fields absent',
      [],
      { type: 'EstablishTrack', ...base, name: 'US-China SEG' },
      [{ type: 'TrackEstablished', data: { trackId: 'us-cn-seg', name: 'US-China SEG' } }],
    ],
    [
      'establishes a track with mandate and cadence',
      [],
      { type: 'EstablishTrack', ...base, name: 'SEG', mandateRef: 'A/RES/76/19', cadence: 'biannual' },
      [{ type: 'TrackEstablished', data: { trackId: 'us-cn-seg', name: 'SEG', mandateRef: 'A/RES/76/19', cadence: 'biannual' } }],
    ],
    [
      'registers a party',
      [established],
      { type: 'RegisterParty', ...base, partyId: 'us', name: 'United States' },
      [{ type: 'PartyRegistered', data: { trackId: 'us-cn-seg', partyId: 'us', name: 'United States' } }],
    ],
    [
      'registers an agency of a registered party',
      [established, us],
      { type: 'RegisterAgency', ...base, agencyId: 'us-dos', partyId: 'us', name: 'State' },
      [{ type: 'AgencyRegistered', data: { trackId: 'us-cn-seg', agencyId: 'us-dos', partyId: 'us', name: 'State' } }],
    ],
    [
      'registers a delegate, optional fields absent',
      registry,
      { type: 'RegisterDelegate', ...base, delegateId: 'li', partyId: 'cn', agencyId: 'cn-mfa' },
      [{ type: 'DelegateRegistered', data: { trackId: 'us-cn-seg', delegateId: 'li', partyId: 'cn', agencyId: 'cn-mfa' } }],
    ],
    [
      'registers a delegate with role and name',
      registry,
      { type: 'RegisterDelegate', ...base, delegateId: 'li', partyId: 'cn', agencyId: 'cn-mfa', role: 'head', name: 'Li Wei' },
      [
        {
          type: 'DelegateRegistered',
          data: { trackId: 'us-cn-seg', delegateId: 'li', partyId: 'cn', agencyId: 'cn-mfa', role: 'head', name: 'Li Wei' },
        },
      ],
    ],
  ];
  it.each(cases)('%s', (_name, given, command, expected) => spec.given(given).when(command).then(expected));
});

describe('track decider: guards', () => {
  type ErrorClass = abstract new (...args: never[]) => DomainError;
  const cases: Array<[string, Given<TrackEvent>[], TrackCommand, ErrorClass, string, RegExp]> = [
    [
      'establish twice',
      [established],
      { type: 'EstablishTrack', ...base, name: 'again' },
      ConflictError,
      'track-already-established',
      /^track us-cn-seg: already established on 2026-01-05/,
    ],
    [
      'register a party on a track never established',
      [],
      { type: 'RegisterParty', ...base, partyId: 'us', name: 'US' },
      NotFoundError,
      'track-not-found',
      /^track us-cn-seg: does not exist/,
    ],
    [
      'register an agency on a track never established',
      [],
      { type: 'RegisterAgency', ...base, agencyId: 'a', partyId: 'us', name: 'A' },
      NotFoundError,
      'track-not-found',
      /does not exist/,
    ],
    [
      'register a delegate on a track never established',
      [],
      { type: 'RegisterDelegate', ...base, delegateId: 'd', partyId: 'us', agencyId: 'a' },
      NotFoundError,
      'track-not-found',
      /does not exist/,
    ],
    [
      'duplicate party',
      [established, us],
      { type: 'RegisterParty', ...base, partyId: 'us', name: 'US again' },
      ConflictError,
      'party-already-registered',
      /^track us-cn-seg: party us is already registered \(since 2026-01-06\)/,
    ],
    [
      'agency of an unregistered party',
      [established, us],
      { type: 'RegisterAgency', ...base, agencyId: 'ru-mid', partyId: 'ru', name: 'MID' },
      UnprocessableError,
      'unknown-party',
      /^track us-cn-seg: party ru is not registered on this track \(registered: us\)/,
    ],
    [
      'duplicate agency',
      registry,
      { type: 'RegisterAgency', ...base, agencyId: 'us-dos', partyId: 'us', name: 'State' },
      ConflictError,
      'agency-already-registered',
      /agency us-dos is already registered \(agency of us\)/,
    ],
    [
      'delegate of an unregistered party',
      registry,
      { type: 'RegisterDelegate', ...base, delegateId: 'ivanov', partyId: 'ru', agencyId: 'us-dos' },
      UnprocessableError,
      'unknown-party',
      /party ru is not registered on this track \(registered: cn, us\)/,
    ],
    [
      'delegate of an unregistered agency',
      registry,
      { type: 'RegisterDelegate', ...base, delegateId: 'jones', partyId: 'us', agencyId: 'us-dod' },
      UnprocessableError,
      'unknown-agency',
      /agency us-dod is not registered on this track/,
    ],
    [
      'delegate whose agency belongs to another party',
      registry,
      { type: 'RegisterDelegate', ...base, delegateId: 'jones', partyId: 'us', agencyId: 'cn-mfa' },
      UnprocessableError,
      'agency-not-of-party',
      /agency cn-mfa is an agency of cn, not of us/,
    ],
    [
      'duplicate delegate',
      [...registry, smith],
      { type: 'RegisterDelegate', ...base, delegateId: 'smith', partyId: 'us', agencyId: 'us-dos' },
      ConflictError,
      'delegate-already-registered',
      /delegate smith is already registered \(of us, us-dos\)/,
    ],
  ];
  it.each(cases)('%s', (_name, given, command, errorClass, code, message) =>
    spec.given(given).when(command).thenThrows(errorClass, code, message),
  );
});
