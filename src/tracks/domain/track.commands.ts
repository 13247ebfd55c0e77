/**
 * Commands of the track aggregate. The handler fills `effectiveOn` (DESIGN §7 defaults resolved)
 * and the route's `trackId`; optional body fields stay absent when not given.
 */
export interface EstablishTrack {
  readonly type: 'EstablishTrack';
  readonly trackId: string;
  readonly name: string;
  readonly mandateRef?: string;
  readonly cadence?: string;
  readonly effectiveOn: string;
}

export interface RegisterParty {
  readonly type: 'RegisterParty';
  readonly trackId: string;
  readonly partyId: string;
  readonly name: string;
  readonly effectiveOn: string;
}

export interface RegisterAgency {
  readonly type: 'RegisterAgency';
  readonly trackId: string;
  readonly agencyId: string;
  readonly partyId: string;
  readonly name: string;
  readonly effectiveOn: string;
}

export interface RegisterDelegate {
  readonly type: 'RegisterDelegate';
  readonly trackId: string;
  readonly delegateId: string;
  readonly partyId: string;
  readonly agencyId: string;
  readonly role?: string;
  readonly name?: string;
  readonly effectiveOn: string;
}

export type TrackCommand = EstablishTrack | RegisterParty | RegisterAgency | RegisterDelegate;
