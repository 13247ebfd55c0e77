/** The write-side guards of DESIGN.md §4 shared by norm, cbm and topic deciders (pure: facts come on the command). */
import type { SessionFacts, TrackFacts } from '../../shared/domain/facts.js';
import { isBlank } from '../../shared/domain/limits.js';
import { isStance, type Stance } from './position.events.js';
import { SubjectErrors } from './subject.errors.js';
import { ownValue } from '../../shared/domain/ids.js';

/**
 * The party is registered on the track (DESIGN.md §4), whatever its registration's date: an act
 * dated before it shows the party took part then, and the rules count it from then on
 * (partiesTakingPartAt). Refusing it left no way to record last year's sessions on a track set up
 * today: a registration cannot be corrected.
 */
export const assertPartyRegistered = (subject: string, track: TrackFacts, partyId: string): void => {
  if (!track.parties.includes(partyId)) throw SubjectErrors.unknownParty(subject, partyId, track.trackId);
};

/** `session` must be the facts of `sessionId`: a held session of the subject's track. */
/**
 * A withdrawal is by the subject's proposers (DESIGN §4: "by every proposer"): every party named
 * must be registered and have proposed it, and every proposer must be named.
 */
export const assertWithdrawnByProposers = (subject: string, track: TrackFacts, proposedBy: readonly string[], partyIds: readonly string[]): void => {
  for (const partyId of partyIds) assertPartyRegistered(subject, track, partyId);
  const missing = proposedBy.filter((p) => !partyIds.includes(p));
  if (missing.length > 0) throw SubjectErrors.notAllProposers(subject, missing);
  const strangers = partyIds.filter((p) => !proposedBy.includes(p));
  if (strangers.length > 0) throw SubjectErrors.notAProposer(subject, strangers, proposedBy);
};

export const assertHeldSession = (subject: string, track: TrackFacts, sessionId: string, session: SessionFacts | undefined): SessionFacts => {
  if (session === undefined || session.sessionId !== sessionId) throw SubjectErrors.unknownSession(subject, sessionId);
  if (session.trackId !== track.trackId) throw SubjectErrors.sessionNotHeld(subject, sessionId, `belongs to track ${session.trackId}, not ${track.trackId}`);
  if (session.status !== 'held') throw SubjectErrors.sessionNotHeld(subject, sessionId, `is ${session.status}, not held`);
  return session;
};

/** Optional sessionId (held, same track) and agendaItemId (on that session's agenda). */
export const assertSessionRefs = (
  subject: string,
  track: TrackFacts,
  refs: { readonly sessionId?: string; readonly agendaItemId?: string },
  session: SessionFacts | undefined,
): SessionFacts | undefined => {
  if (refs.sessionId === undefined) {
    if (refs.agendaItemId !== undefined) throw SubjectErrors.agendaItemWithoutSession(subject, refs.agendaItemId);
    return undefined;
  }
  const held = assertHeldSession(subject, track, refs.sessionId, session);
  if (refs.agendaItemId !== undefined && !held.agendaItemIds.includes(refs.agendaItemId)) {
    throw SubjectErrors.unknownAgendaItem(subject, refs.sessionId, refs.agendaItemId);
  }
  return held;
};

/** A delegate must be of the party and, for a statement at a session, have attended it (after corrections of attendance). */
export const assertDelegate = (
  subject: string,
  track: TrackFacts,
  partyId: string,
  delegateId: string | undefined,
  session: SessionFacts | undefined,
): void => {
  if (delegateId === undefined) return;
  const delegate = track.delegates.find((d) => d.delegateId === delegateId);
  if (delegate === undefined) throw SubjectErrors.unknownDelegate(subject, delegateId, track.trackId);
  if (delegate.partyId !== partyId) throw SubjectErrors.delegateNotOfParty(subject, delegateId, partyId, delegate.partyId);
  if (session !== undefined && !(ownValue(session.attendance, partyId) ?? []).includes(delegateId)) {
    throw SubjectErrors.delegateNotPresent(subject, delegateId, session.sessionId);
  }
};

export const assertStance = (subject: string, stance: unknown, condition: unknown): Stance => {
  if (!isStance(stance)) throw SubjectErrors.invalidStance(subject, stance);
  if (stance === 'conditional' && (typeof condition !== 'string' || isBlank(condition))) throw SubjectErrors.conditionRequired(subject);
  return stance;
};

export const assertText = (subject: string, field: string, value: unknown): void => {
  if (typeof value !== 'string' || isBlank(value)) throw SubjectErrors.fieldRequired(subject, field);
};

/** Payloads keep optional fields absent, never undefined or null (conventions: data = body verbatim). */
export const compact = <T extends object>(data: T): T =>
  Object.fromEntries(Object.entries(data).filter(([, value]) => value !== undefined && value !== null)) as T;
