/**
 * Every rejection of the norm, cbm and topic deciders, by reason. `subject` names the subject in
 * messages ("norm gge-13i"), so a clerk sees what was refused and what to do about it.
 */
import { ConflictError, NotFoundError, UnprocessableError } from '../../shared/domain/domain-error.js';

export type SubjectKind = 'norm' | 'cbm' | 'topic';

export const subjectLabel = (kind: SubjectKind, id: string): string => `${kind} ${id}`;

const list = (ids: readonly string[]): string => [...ids].sort().join(', ');

export const SubjectErrors = {
  // 404
  notFound: (kind: SubjectKind): NotFoundError => new NotFoundError('not-found', `this ${kind} does not exist: propose or open it first`),
  // 409
  alreadyExists: (subject: string): ConflictError => new ConflictError('already-exists', `${subject} already exists`),
  withdrawn: (subject: string): ConflictError =>
    new ConflictError('subject-withdrawn', `${subject} is withdrawn: nothing more can be recorded on it (corrections excepted)`),
  alreadyWithdrawn: (subject: string): ConflictError => new ConflictError('already-withdrawn', `${subject} is already withdrawn`),
  duplicate: (subject: string, what: 'statement' | 'decision' | 'response' | 'report', id: string): ConflictError =>
    new ConflictError(`duplicate-${what}`, `${subject}: ${what} ${id} is already recorded; choose a new ${what}Id`),
  notUnderDiscussion: (subject: string, status: string): ConflictError =>
    new ConflictError(
      'not-under-discussion',
      `${subject} is ${status}: a decision to agree needs it under_discussion${status === 'proposed' ? ' (no position stated yet)' : ''}`,
    ),
  beforeStatusChange: (subject: string, what: string, effectiveOn: string, latest: { readonly what: string; readonly effectiveOn: string }): ConflictError =>
    new ConflictError(
      'before-status-change',
      `${subject}: ${what} cannot take effect on ${effectiveOn}, before the ${latest.what} that took effect on ${latest.effectiveOn}; ` +
        `what changes a subject's status is recorded in the order it took effect: use an effectiveOn on or after ${latest.effectiveOn}`,
    ),
  withdrawalBeforeRecord: (subject: string, effectiveOn: string, latest: { readonly what: string; readonly effectiveOn: string }): ConflictError =>
    new ConflictError(
      'before-status-change',
      `${subject}: a withdrawal cannot take effect on ${effectiveOn}, before the ${latest.what} that took effect on ${latest.effectiveOn}; ` +
        `nothing is recorded on a withdrawn subject, so its withdrawal takes effect on or after every record on it: use an effectiveOn on or after ${latest.effectiveOn}`,
    ),
  recordAfterWithdrawal: (subject: string, what: string, effectiveOn: string, withdrawnOn: string): UnprocessableError =>
    new UnprocessableError(
      'after-withdrawal',
      `${subject}: after this correction the ${what} would take effect on ${effectiveOn}, after the subject was withdrawn on ${withdrawnOn}; nothing is recorded on a withdrawn subject`,
    ),
  noConsensus: (subject: string, reason: string): ConflictError =>
    new ConflictError('no-consensus', `${subject}: no consensus: ${reason}`),
  notAgreedAdReferendum: (subject: string, status: string): ConflictError =>
    new ConflictError('not-agreed-ad-referendum', `${subject} is ${status}: capital responses are recorded only while it is agreed_ad_referendum`),
  notAgreedAdReferendumOn: (subject: string, status: string, effectiveOn: string): ConflictError =>
    new ConflictError(
      'not-agreed-ad-referendum',
      `${subject} was ${status} on ${effectiveOn}: capital responses are recorded only while it is agreed_ad_referendum`,
    ),
  alreadyConfirmed: (subject: string, partyId: string): ConflictError =>
    new ConflictError('already-confirmed', `${subject}: ${partyId} has already confirmed it`),
  alreadyAgreed: (subject: string, status: string): ConflictError =>
    new ConflictError('already-agreed', `${subject} is ${status}: it can be withdrawn only before agreement`),
  notAgreed: (subject: string, status: string): ConflictError =>
    new ConflictError('not-agreed', `${subject} is ${status}: implementation can be reported only once it is agreed (and not suspended)`),
  notAgreedOn: (subject: string, status: string, effectiveOn: string): ConflictError =>
    new ConflictError('not-agreed', `${subject} was ${status} on ${effectiveOn}: implementation can be reported only once it is agreed (and not suspended)`),
  cannotSuspend: (subject: string, status: string): ConflictError =>
    new ConflictError('cannot-suspend', `${subject} is ${status}: it can be suspended only while implementing or implemented`),
  notSuspended: (subject: string, status: string): ConflictError =>
    new ConflictError('not-suspended', `${subject} is ${status}: only a suspended cbm can be resumed`),
  // 422
  unknownParty: (subject: string, partyId: string, trackId: string): UnprocessableError =>
    new UnprocessableError('unknown-party', `${subject}: party ${partyId} is not registered on track ${trackId}`),
  noProposer: (subject: string): UnprocessableError => new UnprocessableError('no-proposer', `${subject}: proposedBy needs at least one party`),
  unknownSession: (subject: string, sessionId: string): UnprocessableError =>
    new UnprocessableError('unknown-session', `${subject}: there is no session ${sessionId}`),
  sessionNotHeld: (subject: string, sessionId: string, why: string): UnprocessableError =>
    new UnprocessableError('session-not-held', `${subject}: session ${sessionId} ${why}`),
  sessionRequired: (subject: string): UnprocessableError =>
    new UnprocessableError('session-required', `${subject}: a decision is taken at a held session: give its sessionId`),
  agendaItemWithoutSession: (subject: string, agendaItemId: string): UnprocessableError =>
    new UnprocessableError('agenda-item-without-session', `${subject}: agendaItemId ${agendaItemId} needs the sessionId whose agenda it is on`),
  unknownAgendaItem: (subject: string, sessionId: string, agendaItemId: string): UnprocessableError =>
    new UnprocessableError('unknown-agenda-item', `${subject}: agenda item ${agendaItemId} is not on the agenda of session ${sessionId}`),
  unknownDelegate: (subject: string, delegateId: string, trackId: string): UnprocessableError =>
    new UnprocessableError('unknown-delegate', `${subject}: delegate ${delegateId} is not registered on track ${trackId}`),
  delegateNotOfParty: (subject: string, delegateId: string, partyId: string, actualPartyId: string): UnprocessableError =>
    new UnprocessableError('delegate-not-of-party', `${subject}: delegate ${delegateId} belongs to ${actualPartyId}, not to ${partyId}`),
  delegateNotPresent: (subject: string, delegateId: string, sessionId: string): UnprocessableError =>
    new UnprocessableError('delegate-not-present', `${subject}: delegate ${delegateId} did not attend session ${sessionId}`),
  invalidStance: (subject: string, stance: unknown): UnprocessableError =>
    new UnprocessableError('invalid-stance', `${subject}: ${JSON.stringify(stance)} is not a stance (supports, conditional, reserves, opposes, abstains)`),
  conditionRequired: (subject: string): UnprocessableError =>
    new UnprocessableError('condition-required', `${subject}: a conditional stance needs its condition`),
  invalidCorrectedRecord: (subject: string, field: string, problem: string): UnprocessableError =>
    new UnprocessableError('invalid-corrected-record', `${subject}: the correction would leave the record invalid: ${field} ${problem}`),
  fieldRequired: (subject: string, field: string): UnprocessableError =>
    new UnprocessableError('field-required', `${subject}: ${field} must be a non-empty text`),
  wrongDecisionKind: (subject: string, kind: string, expected: string): UnprocessableError =>
    new UnprocessableError('wrong-decision-kind', `${subject}: a decision of kind ${kind} cannot be recorded here; use ${expected}`),
  invalidResponse: (subject: string, response: unknown): UnprocessableError =>
    new UnprocessableError('invalid-response', `${subject}: response must be confirmed or declined, not ${JSON.stringify(response)}`),
  notAllProposers: (subject: string, missing: readonly string[]): UnprocessableError =>
    new UnprocessableError('not-all-proposers', `${subject}: a withdrawal needs every proposer; missing ${list(missing)}`),
  notAProposer: (subject: string, strangers: readonly string[], proposedBy: readonly string[]): UnprocessableError =>
    new UnprocessableError(
      'not-a-proposer',
      `${subject}: ${list(strangers)} did not propose it; a withdrawal is by its proposers (${list(proposedBy)})`,
    ),
  alreadyLinked: (subject: string, normId: string): ConflictError =>
    new ConflictError('already-linked', `${subject} already links norm ${normId}`),
  unknownNorm: (subject: string, normId: string, trackId: string): UnprocessableError =>
    new UnprocessableError('unknown-norm', `${subject}: there is no norm ${normId} on track ${trackId}`),
} as const;
