import type { DomainEvent } from '../../shared/domain/decider.js';

/**
 * Published language of the track stream (`track-<id>`). Other features may import this file; the
 * payloads are storage formats: a change of shape is a new schemaVersion with an upcaster.
 */
export interface TrackEstablishedData {
  readonly trackId: string;
  readonly name: string;
  readonly mandateRef?: string;
  readonly cadence?: string;
}

export interface PartyRegisteredData {
  readonly trackId: string;
  readonly partyId: string;
  readonly name: string;
}

export interface AgencyRegisteredData {
  readonly trackId: string;
  readonly agencyId: string;
  readonly partyId: string;
  readonly name: string;
}

export interface DelegateRegisteredData {
  readonly trackId: string;
  readonly delegateId: string;
  readonly partyId: string;
  readonly agencyId: string;
  readonly role?: string;
  readonly name?: string;
}

export type TrackEstablished = DomainEvent<'TrackEstablished', TrackEstablishedData>;
export type PartyRegistered = DomainEvent<'PartyRegistered', PartyRegisteredData>;
export type AgencyRegistered = DomainEvent<'AgencyRegistered', AgencyRegisteredData>;
export type DelegateRegistered = DomainEvent<'DelegateRegistered', DelegateRegisteredData>;

export type TrackEvent = TrackEstablished | PartyRegistered | AgencyRegistered | DelegateRegistered;

export const trackStreamId = (trackId: string): string => `track-${trackId}`;
