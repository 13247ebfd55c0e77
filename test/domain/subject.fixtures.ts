import type { DomainError } from '../../src/shared/domain/domain-error.js';
import type { SessionFacts, TrackFacts } from '../../src/shared/domain/facts.js';

/** Shared by the norm, CBM and topic decider tables. */
export type ErrorClass = abstract new (...args: never[]) => DomainError;

/** Facts of a session held on us-cn-seg, attended by cn-1 and us-1. */
export const heldSession = (overrides: Partial<SessionFacts> = {}): SessionFacts => ({
  sessionId: 's1',
  trackId: 'us-cn-seg',
  status: 'held',
  heldOn: '2026-03-10',
  attendance: { cn: ['cn-1'], us: ['us-1'] },
  agendaItemIds: ['item-1'],
  minutesStatus: 'none',
  ...overrides,
});

/** Facts of track us-cn-seg: parties cn and us, an agency each, delegates cn-1, us-1 and us-2 (us-2 attends no session). */
export const usCnTrack: TrackFacts = {
  trackId: 'us-cn-seg',
  parties: ['cn', 'us'],
  agencies: [
    { agencyId: 'cn-mfa', partyId: 'cn' },
    { agencyId: 'us-dos', partyId: 'us' },
  ],
  delegates: [
    { delegateId: 'cn-1', partyId: 'cn', agencyId: 'cn-mfa' },
    { delegateId: 'us-1', partyId: 'us', agencyId: 'us-dos' },
    { delegateId: 'us-2', partyId: 'us', agencyId: 'us-dos' },
  ],
};

/**
 * usCnTrack with a third party, uk, registered effective `ukOn` (recorded 2026-06-01); cn and us
 * joined effective `foundedOn`. For "a party joining later" against "a party registered late".
 */
export const usCnTrackWithUk = (ukOn: string, foundedOn: string): TrackFacts => ({
  ...usCnTrack,
  parties: ['cn', 'uk', 'us'],
  joined: {
    cn: { effectiveOn: foundedOn, recordedAt: `${foundedOn}T09:00:00.000Z` },
    us: { effectiveOn: foundedOn, recordedAt: `${foundedOn}T09:00:00.000Z` },
    uk: { effectiveOn: ukOn, recordedAt: '2026-06-01T09:00:00.000Z' },
  },
});
