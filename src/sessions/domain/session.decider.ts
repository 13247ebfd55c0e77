import {
  CorrectionErrors,
  assertChanged,
  assertCorrectable,
  assertCorrigendum,
  applyCorrection,
  EFFECTIVE_ON_FIELD,
  effectiveOnAfter,
  writePath,
  type CorrectableRecord,
} from '../../shared/domain/corrections.js';
import { LIMITS, textProblem } from '../../shared/domain/limits.js';
import type { Decider, FoldedEvent } from '../../shared/domain/decider.js';
import type { TrackFacts } from '../../shared/domain/facts.js';
import { isCalendarDate, ownValue } from '../../shared/domain/ids.js';
import type {
  AdoptMinutes,
  BreakSilence,
  CorrectSessionRecord,
  HoldSession,
  ScheduleSession,
  SessionCommand,
} from './session.commands.js';
import { SessionErrors } from './session.errors.js';
import type { AgendaItem, MinutesProcedure, SessionEvent, SessionHeldData } from './session.events.js';
import type { StatementAtSession } from './statements-at-session.js';

export type MinutesState =
  | { readonly status: 'none' }
  | { readonly status: 'circulated'; readonly circulatedOn: string }
  | { readonly status: 'silence_procedure'; readonly deadline: string; readonly launchedOn: string }
  | { readonly status: 'adopted'; readonly procedure: MinutesProcedure; readonly adoptedOn: string };

export interface ActionItemState {
  readonly actionItemId: string;
  /** Effective date of its assignment. */
  readonly assignedOn: string;
  readonly completedOn?: string;
}

interface SessionBase {
  readonly sessionId: string;
  readonly trackId: string;
  readonly number: number;
  readonly scheduledPlace: string;
  readonly hostPartyId?: string;
  readonly scheduledFor: string;
  readonly originallyScheduledFor?: string;
  readonly provisionalAgenda: readonly AgendaItem[];
  /** eventId → type of every event of the stream, so a correction aimed at the wrong record says which it is. */
  readonly eventTypes: ReadonlyMap<string, SessionEvent['type']>;
}

export type ScheduledSession = SessionBase & { readonly status: 'scheduled' };
export type CancelledSession = SessionBase & { readonly status: 'cancelled'; readonly cancelledOn: string };
export type HeldSession = SessionBase & {
  readonly status: 'held';
  /** The SessionHeld record as it stands after every correction so far. */
  readonly held: CorrectableRecord<SessionHeldData>;
  readonly decisionIds: ReadonlySet<string>;
  readonly actionItems: ReadonlyMap<string, ActionItemState>;
  readonly minutes: MinutesState;
  readonly correctionIds: ReadonlySet<string>;
};

export type SessionState = { readonly status: 'initial' } | ScheduledSession | CancelledSession | HeldSession;
export type ExistingSession = Exclude<SessionState, { status: 'initial' }>;

export const initialSessionState = (): SessionState => ({ status: 'initial' });

const existing = (command: SessionCommand, state: SessionState): ExistingSession => {
  if (state.status === 'initial') throw SessionErrors.notFound(command.sessionId);
  return state;
};

/** The session must be held for `action` (422 session-not-held otherwise; 409 when it was cancelled). */
const held = (state: ExistingSession, action: string): HeldSession => {
  if (state.status === 'cancelled') throw SessionErrors.cancelled(state.sessionId, action, state.cancelledOn);
  if (state.status !== 'held') throw SessionErrors.notHeld(state.sessionId, action, state.status);
  return state;
};

/** Held and minutes not yet adopted: after adoption only corrections may follow. */
const open = (state: ExistingSession, action: string): HeldSession => {
  const session = held(state, action);
  if (session.minutes.status === 'adopted') throw SessionErrors.minutesAdopted(session.sessionId, action, session.minutes.adoptedOn);
  return session;
};

/**
 * The read side folds a session in effective order, the decider in recorded order: they agree
 * because what needs the session held, or follows a step of its minutes, is recorded in the order it
 * took effect. `what` ("a decision") may not take effect before `since` (the step it follows).
 */
const assertNotBefore = (session: HeldSession, what: string, effectiveOn: string, since: { readonly what: string; readonly on: string }): void => {
  if (effectiveOn < since.on) throw SessionErrors.beforeEarlierStep(session.sessionId, what, effectiveOn, since);
};

/** The session held: its heldOn (what commands default to), or its record's effective date if earlier. */
const heldStep = (session: HeldSession) => {
  const { effectiveOn, data } = session.held;
  return { what: 'session itself, held', on: typeof data.heldOn === 'string' && data.heldOn < effectiveOn ? data.heldOn : effectiveOn };
};

/** The step of the minutes the next one follows: the latest of circulation, silence procedure, silence broken (else the session). */
const minutesStep = (session: HeldSession): { readonly what: string; readonly on: string } => {
  const minutes = session.minutes;
  if (minutes.status === 'circulated') return { what: 'circulation of the minutes (or the silence broken)', on: minutes.circulatedOn };
  if (minutes.status === 'silence_procedure') return { what: 'silence procedure', on: minutes.launchedOn };
  return heldStep(session);
};

const assertUniqueItems = (sessionId: string, items: readonly AgendaItem[], which: string): void => {
  const seen = new Set<string>();
  for (const { itemId } of items) {
    if (seen.has(itemId)) throw SessionErrors.duplicateAgendaItem(sessionId, itemId, which);
    seen.add(itemId);
  }
};

const assertParty = (sessionId: string, track: TrackFacts, partyId: string, context = ''): void => {
  if (!track.parties.includes(partyId)) throw SessionErrors.unknownParty(sessionId, track.trackId, partyId, track.parties, context);
};

/**
 * The write-side guards of a held record (DESIGN §4): every party registered, every delegate of
 * that party, no delegate twice, each head of delegation among their party's attendees. Used
 * when the session is held and again on the record as a correction would leave it.
 */
const assertAttendance = (
  sessionId: string,
  track: TrackFacts,
  attendance: Readonly<Record<string, readonly string[]>>,
  headsOfDelegation: Readonly<Record<string, string>> | undefined,
  context = '',
): void => {
  const delegates = new Map(track.delegates.map((d) => [d.delegateId, d]));
  const seen = new Set<string>();
  for (const [partyId, present] of Object.entries(attendance)) {
    assertParty(sessionId, track, partyId, context);
    for (const delegateId of present) {
      const delegate = delegates.get(delegateId);
      if (delegate === undefined) throw SessionErrors.unknownDelegate(sessionId, track.trackId, partyId, delegateId, context);
      if (delegate.partyId !== partyId) throw SessionErrors.delegateNotOfParty(sessionId, delegateId, partyId, delegate.partyId, context);
      if (seen.has(delegateId)) throw SessionErrors.duplicateAttendee(sessionId, delegateId, context);
      seen.add(delegateId);
    }
  }
  for (const [partyId, delegateId] of Object.entries(headsOfDelegation ?? {})) {
    const present = ownValue(attendance, partyId) ?? [];
    if (!present.includes(delegateId)) throw SessionErrors.headNotPresent(sessionId, partyId, delegateId, present, context);
  }
};

const schedule = (command: ScheduleSession, state: SessionState): SessionEvent[] => {
  // The handler expects a new stream; this guard keeps the decider honest on its own.
  if (state.status !== 'initial') throw SessionErrors.alreadyScheduled(state.sessionId, state.trackId);
  const { sessionId, trackId, number, place, hostPartyId, scheduledFor, provisionalAgenda, track } = command;
  if (hostPartyId !== undefined) assertParty(sessionId, track, hostPartyId, 'host ');
  if (provisionalAgenda !== undefined) assertUniqueItems(sessionId, provisionalAgenda, 'provisional agenda');
  return [
    {
      type: 'SessionScheduled',
      data: {
        trackId,
        sessionId,
        number,
        place,
        ...(hostPartyId !== undefined ? { hostPartyId } : {}),
        scheduledFor,
        ...(provisionalAgenda !== undefined ? { provisionalAgenda } : {}),
      },
    },
  ];
};

const hold = (command: HoldSession, state: ExistingSession): SessionEvent[] => {
  const action = 'be held';
  if (state.status === 'cancelled') throw SessionErrors.cancelled(state.sessionId, action, state.cancelledOn);
  if (state.status === 'held') throw SessionErrors.alreadyHeld(state.sessionId, action, state.held.data.heldOn);
  const { sessionId } = state;
  assertUniqueItems(sessionId, command.agenda, 'agenda');
  assertAttendance(sessionId, command.track, command.attendance, command.headsOfDelegation);
  const { heldOn, place, agenda, attendance, headsOfDelegation } = command;
  return [
    {
      type: 'SessionHeld',
      data: { sessionId, heldOn, place, agenda, attendance, ...(headsOfDelegation !== undefined ? { headsOfDelegation } : {}) },
    },
  ];
};

const breakSilence = (command: BreakSilence, state: ExistingSession): SessionEvent[] => {
  const action = 'record the silence broken';
  const session = open(state, action);
  if (session.minutes.status !== 'silence_procedure') throw SessionErrors.noSilenceProcedure(session.sessionId, action, session.minutes.status);
  // On the deadline day itself the silence may still be broken; after it, the procedure has succeeded.
  if (command.effectiveOn > session.minutes.deadline) {
    throw SessionErrors.silenceDeadlinePassed(session.sessionId, session.minutes.deadline, command.effectiveOn);
  }
  assertParty(session.sessionId, command.track, command.partyId);
  assertNotBefore(session, 'breaking the silence', command.effectiveOn, minutesStep(session));
  return [{ type: 'SilenceBroken', data: { sessionId: session.sessionId, partyId: command.partyId, reason: command.reason } }];
};

const adopt = (command: AdoptMinutes, state: ExistingSession): SessionEvent[] => {
  const action = 'adopt its minutes';
  const session = open(state, action);
  const { sessionId, minutes } = session;
  if (minutes.status === 'circulated' || minutes.status === 'silence_procedure') assertNotBefore(session, 'adopting the minutes', command.effectiveOn, minutesStep(session));
  if (command.procedure === 'silence') {
    if (command.atSessionId !== undefined || command.agendaItemId !== undefined) throw SessionErrors.atSessionNotAllowed(sessionId);
    if (minutes.status !== 'silence_procedure') throw SessionErrors.noSilenceProcedure(sessionId, `${action} by silence`, minutes.status);
    if (command.effectiveOn < minutes.deadline) throw SessionErrors.silenceDeadlineNotReached(sessionId, minutes.deadline, command.effectiveOn);
    return [{ type: 'MinutesAdopted', data: { sessionId, procedure: 'silence' } }];
  }
  if (minutes.status === 'silence_procedure') throw SessionErrors.silenceProcedureRunning(sessionId, `${action} in session`, minutes.deadline);
  if (minutes.status !== 'circulated') throw SessionErrors.minutesNotCirculated(sessionId, `${action} in session`);
  const { atSessionId, agendaItemId, atSession } = command;
  if (atSessionId === undefined) throw SessionErrors.atSessionRequired(sessionId);
  if (atSession === undefined) throw SessionErrors.unknownAtSession(sessionId, atSessionId);
  if (atSession.trackId !== session.trackId) throw SessionErrors.atSessionOfOtherTrack(sessionId, atSessionId, session.trackId, atSession.trackId);
  if (atSession.status !== 'held') throw SessionErrors.atSessionNotHeld(sessionId, atSessionId, atSession.status);
  if (agendaItemId !== undefined && !atSession.agendaItemIds.includes(agendaItemId)) {
    throw SessionErrors.unknownAgendaItem(sessionId, agendaItemId, atSessionId, atSession.agendaItemIds);
  }
  return [
    {
      type: 'MinutesAdopted',
      data: { sessionId, procedure: 'in_session', atSessionId, ...(agendaItemId !== undefined ? { agendaItemId } : {}) },
    },
  ];
};

const isStringRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Shape checks a correction could break (a DTO validated the original body, not the corrected one). */
const assertHeldShape = (sessionId: string, correctionId: string, data: SessionHeldData): void => {
  const invalid = (problem: string) => SessionErrors.invalidCorrectedRecord(sessionId, correctionId, problem);
  if (!isCalendarDate(data.heldOn)) throw invalid(`heldOn must be a date YYYY-MM-DD, not ${JSON.stringify(data.heldOn ?? null)}`);
  const placeProblem = textProblem(data.place, LIMITS.name);
  if (placeProblem !== undefined) throw invalid(`place ${placeProblem}`);
  if (!isStringRecord(data.attendance)) throw invalid('attendance must be an object {partyId: [delegateId]}');
  for (const [partyId, present] of Object.entries(data.attendance)) {
    if (!Array.isArray(present) || present.some((d) => typeof d !== 'string')) {
      throw invalid(`attendance.${partyId} must be a list of delegateIds`);
    }
  }
  if (data.headsOfDelegation !== undefined) {
    if (!isStringRecord(data.headsOfDelegation)) throw invalid('headsOfDelegation must be an object {partyId: delegateId}');
    for (const [partyId, head] of Object.entries(data.headsOfDelegation)) {
      if (typeof head !== 'string') throw invalid(`headsOfDelegation.${partyId} must be a delegateId`);
    }
  }
};

/**
 * DESIGN §4 and §5: a delegate who stated a position at the session attended it, and a correction
 * must leave every record satisfying its guards. An attendance correction that removes such a
 * delegate is refused (422), naming the statements to correct first (their delegateId).
 */
const assertStatementsAttended = (
  sessionId: string,
  correctionId: string,
  attendance: Readonly<Record<string, readonly string[]>>,
  statements: readonly StatementAtSession[],
): void => {
  const stranded = statements.filter(({ partyId, delegateId }) => delegateId !== undefined && !(ownValue(attendance, partyId) ?? []).includes(delegateId));
  if (stranded.length > 0) throw SessionErrors.statementsByAbsentDelegates(sessionId, correctionId, stranded);
};

const correct = (command: CorrectSessionRecord, state: ExistingSession): SessionEvent[] => {
  const subject = `session ${state.sessionId}`;
  const { correctionId, target, changes, reason, requestedBy, corrigendumId } = command;
  if (state.status === 'held' && state.correctionIds.has(correctionId)) throw CorrectionErrors.duplicateCorrection(subject, correctionId);
  if (!('eventId' in target)) throw CorrectionErrors.unknownTarget(subject, target);
  const targetType = state.eventTypes.get(target.eventId);
  if (targetType === undefined) throw CorrectionErrors.unknownTarget(subject, target);
  if (state.status !== 'held' || targetType !== 'SessionHeld') {
    throw CorrectionErrors.fieldNotCorrectable(subject, targetType, changes[0]?.field ?? '(none)');
  }
  assertCorrectable(subject, targetType, changes);
  assertCorrigendum(
    subject,
    { sessionId: state.sessionId, minutesStatus: state.minutes.status },
    corrigendumId,
    `the record of session ${state.sessionId} as held`,
  );
  const corrected = assertChanged(subject, state.held, applyCorrection(subject, state.held, changes), changes);
  assertHeldShape(state.sessionId, correctionId, corrected.data);
  assertAttendance(
    state.sessionId,
    command.track,
    corrected.data.attendance,
    corrected.data.headsOfDelegation,
    `after correction ${correctionId}, `,
  );
  assertStatementsAttended(state.sessionId, correctionId, corrected.data.attendance, command.statements);
  return [
    {
      type: 'RecordCorrected',
      data: {
        sessionId: state.sessionId,
        correctionId,
        target: { eventId: target.eventId },
        changes: changes.map(({ field, from, to }) => ({ field, from, to })),
        reason,
        requestedBy,
        ...(corrigendumId !== undefined ? { corrigendumId } : {}),
      },
      // DESIGN §7: a correction takes effect on its target's effective date unless the clerk says otherwise.
      effectiveOn: command.effectiveOnGiven ? command.effectiveOn : state.held.effectiveOn,
    },
  ];
};

export const decideSession = (command: SessionCommand, state: SessionState): SessionEvent[] => {
  if (command.type === 'ScheduleSession') return schedule(command, state);
  const session = existing(command, state);
  const { sessionId } = session;
  switch (command.type) {
    case 'RescheduleSession': {
      const action = 'be rescheduled';
      if (session.status === 'cancelled') throw SessionErrors.cancelled(sessionId, action, session.cancelledOn);
      if (session.status === 'held') throw SessionErrors.alreadyHeld(sessionId, action, session.held.data.heldOn);
      return [{ type: 'SessionRescheduled', data: { sessionId, scheduledFor: command.scheduledFor, reason: command.reason } }];
    }
    case 'CancelSession': {
      if (session.status === 'cancelled') throw SessionErrors.alreadyCancelled(sessionId, session.cancelledOn);
      if (session.status === 'held') throw SessionErrors.alreadyHeld(sessionId, 'be cancelled', session.held.data.heldOn);
      return [{ type: 'SessionCancelled', data: { sessionId, reason: command.reason } }];
    }
    case 'HoldSession':
      return hold(command, session);
    case 'RecordProceduralDecision': {
      const current = open(session, `record decision ${command.decisionId}`);
      if (current.decisionIds.has(command.decisionId)) throw SessionErrors.duplicateDecision(sessionId, command.decisionId);
      assertNotBefore(current, 'a decision', command.effectiveOn, heldStep(current));
      const { decisionId, kind, agendaItemId, text } = command;
      if (agendaItemId !== undefined) {
        const items = current.held.data.agenda.map((item) => item.itemId);
        if (!items.includes(agendaItemId)) throw SessionErrors.unknownAgendaItem(sessionId, agendaItemId, sessionId, items);
      }
      return [
        {
          type: 'DecisionRecorded',
          data: { sessionId, decisionId, kind, ...(agendaItemId !== undefined ? { agendaItemId } : {}), text },
        },
      ];
    }
    case 'AssignActionItem': {
      const current = open(session, `assign action item ${command.actionItemId}`);
      if (current.actionItems.has(command.actionItemId)) throw SessionErrors.duplicateActionItem(sessionId, command.actionItemId);
      assertNotBefore(current, 'an action item', command.effectiveOn, heldStep(current));
      const { actionItemId, assignee, text, dueOn } = command;
      return [
        {
          type: 'ActionItemAssigned',
          data: { sessionId, actionItemId, assignee, text, ...(dueOn !== undefined ? { dueOn } : {}) },
        },
      ];
    }
    case 'CompleteActionItem': {
      // Allowed after the minutes are adopted: completing an item is follow-up work, not part of the minutes.
      const item = session.status === 'held' ? session.actionItems.get(command.actionItemId) : undefined;
      if (item === undefined || session.status !== 'held') throw SessionErrors.actionItemNotFound(sessionId, command.actionItemId);
      if (item.completedOn !== undefined) throw SessionErrors.actionItemCompleted(sessionId, item.actionItemId, item.completedOn);
      assertNotBefore(session, `completing action item ${item.actionItemId}`, command.effectiveOn, { what: 'assignment of that item', on: item.assignedOn });
      const { actionItemId, note } = command;
      return [{ type: 'ActionItemCompleted', data: { sessionId, actionItemId, ...(note !== undefined ? { note } : {}) } }];
    }
    case 'CirculateMinutes': {
      const action = 'circulate its minutes';
      const current = open(session, action);
      // A conflict, not an empty success: every 201 records something, so its Idempotency-Key is remembered.
      if (current.minutes.status === 'circulated') throw SessionErrors.minutesAlreadyCirculated(sessionId);
      if (current.minutes.status === 'silence_procedure') throw SessionErrors.silenceProcedureRunning(sessionId, action, current.minutes.deadline);
      assertNotBefore(current, 'circulating the minutes', command.effectiveOn, minutesStep(current));
      return [{ type: 'MinutesCirculated', data: { sessionId } }];
    }
    case 'LaunchSilenceProcedure': {
      const action = 'launch a silence procedure';
      const current = open(session, action);
      if (current.minutes.status === 'silence_procedure') throw SessionErrors.silenceProcedureRunning(sessionId, action, current.minutes.deadline);
      if (current.minutes.status !== 'circulated') throw SessionErrors.minutesNotCirculated(sessionId, action);
      assertNotBefore(current, 'a silence procedure', command.effectiveOn, minutesStep(current));
      if (command.deadline < command.effectiveOn) throw SessionErrors.deadlineBeforeLaunch(sessionId, command.deadline, command.effectiveOn);
      return [{ type: 'SilenceProcedureLaunched', data: { sessionId, deadline: command.deadline } }];
    }
    case 'BreakSilence':
      return breakSilence(command, session);
    case 'AdoptMinutes':
      return adopt(command, session);
    case 'CorrectRecord':
      return correct(command, session);
    default: {
      const unknown: never = command;
      throw new Error(`unknown session command ${JSON.stringify(unknown)}`);
    }
  }
};

/** Replays a stored correction without re-checking it: the decider checked it when it was recorded. */
const replayCorrection = (
  sessionId: string,
  record: CorrectableRecord<SessionHeldData>,
  changes: readonly { field: string; from?: unknown; to: unknown }[],
): CorrectableRecord<SessionHeldData> =>
  changes.reduce((current, change) => {
    if (change.field === EFFECTIVE_ON_FIELD) return typeof change.to === 'string' ? { ...current, effectiveOn: change.to } : current;
    // As the register folds it: correcting heldOn moves the record when the two agreed.
    return { ...current, data: writePath(`session ${sessionId}`, current.data, change.field, change.to), effectiveOn: effectiveOnAfter(current.type, current.effectiveOn, change) };
  }, record);

export const evolveSession = (state: SessionState, event: FoldedEvent<SessionEvent>): SessionState => {
  if (event.type === 'SessionScheduled') {
    const { sessionId, trackId, number, place, hostPartyId, scheduledFor, provisionalAgenda } = event.data;
    return {
      status: 'scheduled',
      sessionId,
      trackId,
      number,
      scheduledPlace: place,
      ...(hostPartyId !== undefined ? { hostPartyId } : {}),
      scheduledFor,
      provisionalAgenda: provisionalAgenda ?? [],
      eventTypes: new Map([[event.eventId, event.type]]),
    };
  }
  if (state.status === 'initial') return state;
  const eventTypes = new Map(state.eventTypes).set(event.eventId, event.type);
  const base = { ...state, eventTypes };
  switch (event.type) {
    case 'SessionRescheduled':
      return {
        ...base,
        scheduledFor: event.data.scheduledFor,
        originallyScheduledFor: state.originallyScheduledFor ?? state.scheduledFor,
      };
    case 'SessionCancelled':
      return state.status === 'scheduled' ? { ...base, status: 'cancelled', cancelledOn: event.effectiveOn } : base;
    case 'SessionHeld':
      return state.status === 'scheduled'
        ? {
            ...base,
            status: 'held',
            held: { eventId: event.eventId, type: event.type, data: event.data, effectiveOn: event.effectiveOn },
            decisionIds: new Set(),
            actionItems: new Map(),
            minutes: { status: 'none' },
            correctionIds: new Set(),
          }
        : base;
    default:
      break;
  }
  if (base.status !== 'held') return base;
  switch (event.type) {
    case 'DecisionRecorded':
      return { ...base, decisionIds: new Set(base.decisionIds).add(event.data.decisionId) };
    case 'ActionItemAssigned':
      return { ...base, actionItems: new Map(base.actionItems).set(event.data.actionItemId, { actionItemId: event.data.actionItemId, assignedOn: event.effectiveOn }) };
    case 'ActionItemCompleted':
      return {
        ...base,
        actionItems: new Map(base.actionItems).set(event.data.actionItemId, {
          actionItemId: event.data.actionItemId,
          assignedOn: base.actionItems.get(event.data.actionItemId)?.assignedOn ?? event.effectiveOn,
          completedOn: event.effectiveOn,
        }),
      };
    case 'MinutesCirculated':
      return { ...base, minutes: { status: 'circulated', circulatedOn: event.effectiveOn } };
    case 'SilenceProcedureLaunched':
      return { ...base, minutes: { status: 'silence_procedure', deadline: event.data.deadline, launchedOn: event.effectiveOn } };
    case 'SilenceBroken':
      return { ...base, minutes: { status: 'circulated', circulatedOn: event.effectiveOn } };
    case 'MinutesAdopted':
      return { ...base, minutes: { status: 'adopted', procedure: event.data.procedure, adoptedOn: event.effectiveOn } };
    case 'RecordCorrected': {
      const { target, changes, correctionId } = event.data;
      const correctionIds = new Set(base.correctionIds).add(correctionId);
      if (!('eventId' in target) || target.eventId !== base.held.eventId) return { ...base, correctionIds };
      return { ...base, correctionIds, held: replayCorrection(base.sessionId, base.held, changes) };
    }
    default: {
      // A type this build never writes (a foreign bundle imported as is) leaves the fold unchanged,
      // as it does in the projections; a newer build's events are refused before (event-schema.ts).
      const unknown: never = event;
      void unknown;
      return base;
    }
  }
};

export const sessionDecider: Decider<SessionCommand, SessionState, SessionEvent> = {
  initialState: initialSessionState,
  decide: decideSession,
  evolve: evolveSession,
};
