import { ConflictError, NotFoundError, UnprocessableError } from '../../shared/domain/domain-error.js';

const subject = (trackId: string): string => `track ${trackId}`;

/** Every rejection of the track decider, named by its reason. */
export const TrackErrors = {
  notFound: (trackId: string) =>
    new NotFoundError('track-not-found', `${subject(trackId)}: does not exist; establish it first (POST /tracks)`),
  alreadyEstablished: (trackId: string, establishedOn: string) =>
    new ConflictError('track-already-established', `${subject(trackId)}: already established on ${establishedOn}; choose another trackId`),
  partyAlreadyRegistered: (trackId: string, partyId: string, registeredOn: string) =>
    new ConflictError(
      'party-already-registered',
      `${subject(trackId)}: party ${partyId} is already registered (since ${registeredOn}); nothing to do`,
    ),
  agencyAlreadyRegistered: (trackId: string, agencyId: string, partyId: string) =>
    new ConflictError(
      'agency-already-registered',
      `${subject(trackId)}: agency ${agencyId} is already registered (agency of ${partyId}); choose another agencyId`,
    ),
  delegateAlreadyRegistered: (trackId: string, delegateId: string, partyId: string, agencyId: string) =>
    new ConflictError(
      'delegate-already-registered',
      `${subject(trackId)}: delegate ${delegateId} is already registered (of ${partyId}, ${agencyId}); choose another delegateId`,
    ),
  unknownParty: (trackId: string, partyId: string, registered: readonly string[]) =>
    new UnprocessableError(
      'unknown-party',
      `${subject(trackId)}: party ${partyId} is not registered on this track (registered: ${list(registered)}); register it first`,
    ),
  unknownAgency: (trackId: string, agencyId: string) =>
    new UnprocessableError(
      'unknown-agency',
      `${subject(trackId)}: agency ${agencyId} is not registered on this track; register it first`,
    ),
  agencyNotOfParty: (trackId: string, agencyId: string, agencyParty: string, partyId: string) =>
    new UnprocessableError(
      'agency-not-of-party',
      `${subject(trackId)}: agency ${agencyId} is an agency of ${agencyParty}, not of ${partyId}; a delegate of ${partyId} needs an agency of ${partyId}`,
    ),
};

const list = (ids: readonly string[]): string => (ids.length === 0 ? 'none' : [...ids].sort().join(', '));
