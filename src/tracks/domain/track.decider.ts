import type { Decider, FoldedEvent } from '../../shared/domain/decider.js';
import type { TrackCommand } from './track.commands.js';
import { TrackErrors } from './track.errors.js';
import type { TrackEvent } from './track.events.js';

export interface RegisteredParty {
  readonly partyId: string;
  readonly name: string;
  readonly registeredOn: string;
  /** The registration's recordedAt: orders it against other records of the same day. */
  readonly registeredAt: string;
}

export interface RegisteredAgency {
  readonly agencyId: string;
  readonly partyId: string;
  readonly name: string;
}

export interface RegisteredDelegate {
  readonly delegateId: string;
  readonly partyId: string;
  readonly agencyId: string;
}

export type TrackState =
  | { readonly status: 'initial' }
  | {
      readonly status: 'established';
      readonly trackId: string;
      readonly name: string;
      readonly establishedOn: string;
      /** Maps keep registration order; a track holds tens of entries, so copying on evolve is cheap. */
      readonly parties: ReadonlyMap<string, RegisteredParty>;
      readonly agencies: ReadonlyMap<string, RegisteredAgency>;
      readonly delegates: ReadonlyMap<string, RegisteredDelegate>;
    };

export type EstablishedTrack = Extract<TrackState, { status: 'established' }>;

export const initialTrackState = (): TrackState => ({ status: 'initial' });

const established = (command: TrackCommand, state: TrackState): EstablishedTrack => {
  if (state.status === 'initial') throw TrackErrors.notFound(command.trackId);
  return state;
};

const registeredParty = (state: EstablishedTrack, partyId: string): RegisteredParty => {
  const party = state.parties.get(partyId);
  if (party === undefined) throw TrackErrors.unknownParty(state.trackId, partyId, [...state.parties.keys()]);
  return party;
};

export const decideTrack = (command: TrackCommand, state: TrackState): TrackEvent[] => {
  switch (command.type) {
    case 'EstablishTrack': {
      // The handler expects a new stream; this guard keeps the decider honest on its own.
      if (state.status !== 'initial') throw TrackErrors.alreadyEstablished(state.trackId, state.establishedOn);
      const { trackId, name, mandateRef, cadence } = command;
      return [
        {
          type: 'TrackEstablished',
          data: { trackId, name, ...(mandateRef !== undefined ? { mandateRef } : {}), ...(cadence !== undefined ? { cadence } : {}) },
        },
      ];
    }
    case 'RegisterParty': {
      const track = established(command, state);
      const existing = track.parties.get(command.partyId);
      if (existing !== undefined) throw TrackErrors.partyAlreadyRegistered(track.trackId, command.partyId, existing.registeredOn);
      return [{ type: 'PartyRegistered', data: { trackId: track.trackId, partyId: command.partyId, name: command.name } }];
    }
    case 'RegisterAgency': {
      const track = established(command, state);
      const existing = track.agencies.get(command.agencyId);
      if (existing !== undefined) throw TrackErrors.agencyAlreadyRegistered(track.trackId, command.agencyId, existing.partyId);
      registeredParty(track, command.partyId);
      const { agencyId, partyId, name } = command;
      return [{ type: 'AgencyRegistered', data: { trackId: track.trackId, agencyId, partyId, name } }];
    }
    case 'RegisterDelegate': {
      const track = established(command, state);
      const existing = track.delegates.get(command.delegateId);
      if (existing !== undefined) {
        throw TrackErrors.delegateAlreadyRegistered(track.trackId, command.delegateId, existing.partyId, existing.agencyId);
      }
      registeredParty(track, command.partyId);
      const agency = track.agencies.get(command.agencyId);
      if (agency === undefined) throw TrackErrors.unknownAgency(track.trackId, command.agencyId);
      if (agency.partyId !== command.partyId) {
        throw TrackErrors.agencyNotOfParty(track.trackId, agency.agencyId, agency.partyId, command.partyId);
      }
      const { delegateId, partyId, agencyId, role, name } = command;
      return [
        {
          type: 'DelegateRegistered',
          data: {
            trackId: track.trackId,
            delegateId,
            partyId,
            agencyId,
            ...(role !== undefined ? { role } : {}),
            ...(name !== undefined ? { name } : {}),
          },
        },
      ];
    }
    default: {
      const unknown: never = command;
      throw new Error(`unknown track command ${JSON.stringify(unknown)}`);
    }
  }
};

const withEntry = <V>(map: ReadonlyMap<string, V>, key: string, value: V): ReadonlyMap<string, V> => new Map(map).set(key, value);

export const evolveTrack = (state: TrackState, event: FoldedEvent<TrackEvent>): TrackState => {
  switch (event.type) {
    case 'TrackEstablished':
      return {
        status: 'established',
        trackId: event.data.trackId,
        name: event.data.name,
        establishedOn: event.effectiveOn,
        parties: new Map(),
        agencies: new Map(),
        delegates: new Map(),
      };
    case 'PartyRegistered': {
      if (state.status !== 'established') return state;
      const { partyId, name } = event.data;
      return { ...state, parties: withEntry(state.parties, partyId, { partyId, name, registeredOn: event.effectiveOn, registeredAt: event.recordedAt }) };
    }
    case 'AgencyRegistered': {
      if (state.status !== 'established') return state;
      const { agencyId, partyId, name } = event.data;
      return { ...state, agencies: withEntry(state.agencies, agencyId, { agencyId, partyId, name }) };
    }
    case 'DelegateRegistered': {
      if (state.status !== 'established') return state;
      const { delegateId, partyId, agencyId } = event.data;
      return { ...state, delegates: withEntry(state.delegates, delegateId, { delegateId, partyId, agencyId }) };
    }
    default: {
      // A type this build never writes (a foreign bundle imported as is) leaves the fold unchanged,
      // as it does in the projections; a newer build's events are refused before (event-schema.ts).
      const unknown: never = event;
      void unknown;
      return state;
    }
  }
};

export const trackDecider: Decider<TrackCommand, TrackState, TrackEvent> = {
  initialState: initialTrackState,
  decide: decideTrack,
  evolve: evolveTrack,
};
