import { ConflictError, NotFoundError, UnprocessableError } from '../../shared/domain/domain-error.js';
import type { StatementAtSession } from './statements-at-session.js';

const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

const subject = (sessionId: string): string => `session ${sessionId}`;
const list = (ids: readonly string[]): string => (ids.length === 0 ? 'none' : [...ids].sort().join(', '));

/**
 * Every rejection of the session decider, named by its reason. `action` completes the sentence
 * "session X: cannot <action>", so one factory serves every command it guards.
 */
export const SessionErrors = {
  notFound: (sessionId: string) =>
    new NotFoundError('session-not-found', `${subject(sessionId)}: does not exist; schedule it first (POST /tracks/:trackId/sessions)`),
  alreadyScheduled: (sessionId: string, trackId: string) =>
    new ConflictError('session-already-exists', `${subject(sessionId)}: already scheduled on track ${trackId}; choose another sessionId`),
  cancelled: (sessionId: string, action: string, cancelledOn: string) =>
    new ConflictError('session-cancelled', `${subject(sessionId)}: cannot ${action}: it was cancelled on ${cancelledOn}`),
  alreadyCancelled: (sessionId: string, cancelledOn: string) =>
    new ConflictError('session-already-cancelled', `${subject(sessionId)}: already cancelled on ${cancelledOn}; nothing to do`),
  alreadyHeld: (sessionId: string, action: string, heldOn: string) =>
    new ConflictError('session-already-held', `${subject(sessionId)}: cannot ${action}: it was held on ${heldOn}; correct the record instead`),
  /** 422 as DESIGN §7 lists "session not held", whether the session is the route's or named in the body (one status per type). */
  notHeld: (sessionId: string, action: string, status: string) =>
    new UnprocessableError('session-not-held', `${subject(sessionId)}: cannot ${action}: it is ${status}, not held; record it held first`),
  minutesAdopted: (sessionId: string, action: string, adoptedOn: string) =>
    new ConflictError(
      'minutes-adopted',
      `${subject(sessionId)}: cannot ${action}: its minutes were adopted on ${adoptedOn}; only corrections (with a corrigendumId) may follow`,
    ),
  unknownParty: (sessionId: string, trackId: string, partyId: string, registered: readonly string[], context = '') =>
    new UnprocessableError(
      'unknown-party',
      `${subject(sessionId)}: ${context}party ${partyId} is not registered on track ${trackId} (registered: ${list(registered)}); register it first`,
    ),
  unknownDelegate: (sessionId: string, trackId: string, partyId: string, delegateId: string, context = '') =>
    new UnprocessableError(
      'unknown-delegate',
      `${subject(sessionId)}: ${context}delegate ${delegateId} (listed for ${partyId}) is not registered on track ${trackId}; register the delegate first`,
    ),
  delegateNotOfParty: (sessionId: string, delegateId: string, partyId: string, delegateParty: string, context = '') =>
    new UnprocessableError(
      'delegate-not-of-party',
      `${subject(sessionId)}: ${context}delegate ${delegateId} is a delegate of ${delegateParty}, not of ${partyId}; list them under ${delegateParty}`,
    ),
  duplicateAttendee: (sessionId: string, delegateId: string, context = '') =>
    new UnprocessableError('duplicate-attendee', `${subject(sessionId)}: ${context}delegate ${delegateId} is listed more than once in the attendance`),
  headNotPresent: (sessionId: string, partyId: string, delegateId: string, present: readonly string[], context = '') =>
    new UnprocessableError(
      'head-of-delegation-not-present',
      `${subject(sessionId)}: ${context}head of delegation ${delegateId} of ${partyId} is not among the attendees of ${partyId} (present: ${list(present)})`,
    ),
  duplicateAgendaItem: (sessionId: string, itemId: string, which: string) =>
    new UnprocessableError('duplicate-agenda-item', `${subject(sessionId)}: agenda item ${itemId} appears more than once in the ${which}; item ids must be unique`),
  unknownAgendaItem: (sessionId: string, itemId: string, agendaOf: string, items: readonly string[]) =>
    new UnprocessableError(
      'unknown-agenda-item',
      `${subject(sessionId)}: agenda item ${itemId} is not on the agenda of session ${agendaOf} as held (items: ${list(items)})`,
    ),
  duplicateDecision: (sessionId: string, decisionId: string) =>
    new ConflictError('decision-already-recorded', `${subject(sessionId)}: decision ${decisionId} is already recorded; choose another decisionId`),
  duplicateActionItem: (sessionId: string, actionItemId: string) =>
    new ConflictError('action-item-already-assigned', `${subject(sessionId)}: action item ${actionItemId} is already assigned; choose another actionItemId`),
  actionItemNotFound: (sessionId: string, actionItemId: string) =>
    new NotFoundError('action-item-not-found', `${subject(sessionId)}: has no action item ${actionItemId}`),
  actionItemCompleted: (sessionId: string, actionItemId: string, completedOn: string) =>
    new ConflictError('action-item-already-completed', `${subject(sessionId)}: action item ${actionItemId} was already completed on ${completedOn}`),
  beforeEarlierStep: (sessionId: string, what: string, effectiveOn: string, since: { readonly what: string; readonly on: string }) =>
    new ConflictError(
      'before-status-change',
      `${subject(sessionId)}: ${what} cannot take effect on ${effectiveOn}, before the ${since.what} on ${since.on}; ` +
        `a session's steps are recorded in the order they took effect: use an effectiveOn on or after ${since.on}`,
    ),
  minutesAlreadyCirculated: (sessionId: string) =>
    new ConflictError(
      'minutes-already-circulated',
      `${subject(sessionId)}: its minutes are already circulated; launch a silence procedure or adopt them (a retry sent with its Idempotency-Key answers the first response)`,
    ),
  minutesNotCirculated: (sessionId: string, action: string) =>
    new ConflictError('minutes-not-circulated', `${subject(sessionId)}: cannot ${action}: its minutes have not been circulated; circulate them first`),
  silenceProcedureRunning: (sessionId: string, action: string, deadline: string) =>
    new ConflictError(
      'silence-procedure-running',
      `${subject(sessionId)}: cannot ${action}: a silence procedure on its minutes runs until ${deadline}; adopt by silence after the deadline, or record the silence broken`,
    ),
  noSilenceProcedure: (sessionId: string, action: string, minutesStatus: string) =>
    new ConflictError(
      'no-silence-procedure',
      `${subject(sessionId)}: cannot ${action}: no silence procedure is running on its minutes (minutes ${minutesStatus.replace('_', ' ')})`,
    ),
  silenceDeadlineNotReached: (sessionId: string, deadline: string, effectiveOn: string) =>
    new ConflictError(
      'silence-deadline-not-reached',
      `${subject(sessionId)}: cannot adopt the minutes by silence on ${effectiveOn}: the silence procedure runs until ${deadline}`,
    ),
  silenceDeadlinePassed: (sessionId: string, deadline: string, effectiveOn: string) =>
    new ConflictError(
      'silence-deadline-passed',
      `${subject(sessionId)}: cannot record the silence broken on ${effectiveOn}: the silence procedure ended on ${deadline}; adopt the minutes by silence`,
    ),
  deadlineBeforeLaunch: (sessionId: string, deadline: string, effectiveOn: string) =>
    new UnprocessableError(
      'deadline-before-launch',
      `${subject(sessionId)}: the silence deadline ${deadline} is before the launch date ${effectiveOn}`,
    ),
  atSessionRequired: (sessionId: string) =>
    new UnprocessableError('at-session-required', `${subject(sessionId)}: adoption in_session needs atSessionId, the held session that adopted the minutes`),
  atSessionNotAllowed: (sessionId: string) =>
    new UnprocessableError(
      'at-session-not-allowed',
      `${subject(sessionId)}: adoption by silence takes place at no session; leave atSessionId and agendaItemId out`,
    ),
  unknownAtSession: (sessionId: string, atSessionId: string) =>
    new UnprocessableError('unknown-session', `${subject(sessionId)}: session ${atSessionId} does not exist`),
  atSessionOfOtherTrack: (sessionId: string, atSessionId: string, trackId: string, otherTrackId: string) =>
    new UnprocessableError(
      'session-of-other-track',
      `${subject(sessionId)}: session ${atSessionId} belongs to track ${otherTrackId}, not ${trackId}`,
    ),
  atSessionNotHeld: (sessionId: string, atSessionId: string, status: string) =>
    new UnprocessableError(
      'at-session-not-held',
      `${subject(sessionId)}: its minutes cannot be adopted at session ${atSessionId}: that session is ${status}, not held`,
    ),
  statementsByAbsentDelegates: (sessionId: string, correctionId: string, statements: readonly StatementAtSession[]) => {
    const listed = [...statements].sort((a, b) => (a.streamId === b.streamId ? compareText(a.statementId, b.statementId) : compareText(a.streamId, b.streamId)));
    const delegates = [...new Set(listed.map((s) => s.delegateId!))].sort(compareText);
    return new UnprocessableError(
      'statements-by-absent-delegate',
      `${subject(sessionId)}: after correction ${correctionId}, ${delegates.length === 1 ? 'delegate' : 'delegates'} ${delegates.join(', ')} would not have attended it, yet made ${listed
        .map((s) => `${s.statementId} (${s.streamId})`)
        .join(', ')} at it: correct the delegateId of ${listed.length === 1 ? 'that statement' : 'those statements'} first`,
    );
  },
  invalidCorrectedRecord: (sessionId: string, correctionId: string, problem: string) =>
    new UnprocessableError('invalid-corrected-record', `${subject(sessionId)}: correction ${correctionId} would leave the held record invalid: ${problem}`),
};
