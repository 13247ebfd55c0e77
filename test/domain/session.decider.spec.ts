import { ConflictError, NotFoundError, UnprocessableError, type DomainError } from '../../src/shared/domain/domain-error.js';
import type { SessionCommand } from '../../src/sessions/domain/session.commands.js';
import { sessionDecider } from '../../src/sessions/domain/session.decider.js';
import type { SessionEvent } from '../../src/sessions/domain/session.events.js';
import { deciderSpec, type Given } from '../support/decider-spec.js';
import {
  adopted,
  assigned,
  atSession,
  broken,
  cancelled,
  circulated,
  completed,
  decided,
  held,
  HELD_ID,
  S,
  scheduled,
  silence,
  track,
} from './session.fixtures.js';

const spec = deciderSpec(sessionDecider);
type ErrorClass = abstract new (...args: never[]) => DomainError;
type Happy = [string, Given<SessionEvent>[], SessionCommand, SessionEvent[]];
type Guard = [string, Given<SessionEvent>[], SessionCommand, ErrorClass, string, RegExp];

const on = '2026-03-10';
const schedule = { type: 'ScheduleSession', sessionId: S, trackId: 'us-cn-seg', number: 7, place: 'Geneva', scheduledFor: '2026-03-10', track, effectiveOn: '2026-02-01' } as const;
const hold = {
  type: 'HoldSession',
  sessionId: S,
  heldOn: '2026-03-10',
  place: 'Geneva',
  agenda: [{ itemId: 'a1', title: 'Opening' }],
  attendance: { us: ['smith', 'jones'], cn: ['li'] },
  track,
  effectiveOn: on,
} as const;
const decision = { type: 'RecordProceduralDecision', sessionId: S, decisionId: 'd2', kind: 'procedural', text: 'Next session in Beijing', effectiveOn: on } as const;
const assign = { type: 'AssignActionItem', sessionId: S, actionItemId: 'ai-2', assignee: 'us', text: 'Circulate paper', effectiveOn: on } as const;
const complete = { type: 'CompleteActionItem', sessionId: S, actionItemId: 'ai-1', effectiveOn: '2026-05-01' } as const;
const circulate = { type: 'CirculateMinutes', sessionId: S, effectiveOn: '2026-03-15' } as const;
const launch = { type: 'LaunchSilenceProcedure', sessionId: S, deadline: '2026-04-01', effectiveOn: '2026-03-16' } as const;
const breakSilence = { type: 'BreakSilence', sessionId: S, partyId: 'cn', reason: 'para 4', track, effectiveOn: '2026-03-20' } as const;
const adoptBySilence = { type: 'AdoptMinutes', sessionId: S, procedure: 'silence', effectiveOn: '2026-04-01' } as const;
const adoptInSession = {
  type: 'AdoptMinutes',
  sessionId: S,
  procedure: 'in_session',
  atSessionId: 'seg-08',
  atSession: atSession(),
  effectiveOn: '2026-06-10',
} as const;

const heldSession = [scheduled, held];

describe('session decider: happy paths', () => {
  const cases: Happy[] = [
    [
      'schedules a session, optional fields absent',
      [],
      schedule,
      [{ type: 'SessionScheduled', data: { trackId: 'us-cn-seg', sessionId: S, number: 7, place: 'Geneva', scheduledFor: '2026-03-10' } }],
    ],
    [
      'schedules a session with host and provisional agenda',
      [],
      { ...schedule, hostPartyId: 'cn', provisionalAgenda: [{ itemId: 'p1', title: 'Opening' }] },
      [
        {
          type: 'SessionScheduled',
          data: {
            trackId: 'us-cn-seg',
            sessionId: S,
            number: 7,
            place: 'Geneva',
            hostPartyId: 'cn',
            scheduledFor: '2026-03-10',
            provisionalAgenda: [{ itemId: 'p1', title: 'Opening' }],
          },
        },
      ],
    ],
    [
      'reschedules a scheduled session',
      [scheduled],
      { type: 'RescheduleSession', sessionId: S, scheduledFor: '2026-03-17', reason: 'visa delays', effectiveOn: '2026-02-20' },
      [{ type: 'SessionRescheduled', data: { sessionId: S, scheduledFor: '2026-03-17', reason: 'visa delays' } }],
    ],
    [
      'cancels a scheduled session',
      [scheduled],
      { type: 'CancelSession', sessionId: S, reason: 'weather', effectiveOn: '2026-03-02' },
      [{ type: 'SessionCancelled', data: { sessionId: S, reason: 'weather' } }],
    ],
    [
      'holds a session without heads of delegation',
      [scheduled],
      hold,
      [
        {
          type: 'SessionHeld',
          data: { sessionId: S, heldOn: '2026-03-10', place: 'Geneva', agenda: [{ itemId: 'a1', title: 'Opening' }], attendance: { us: ['smith', 'jones'], cn: ['li'] } },
        },
      ],
    ],
    [
      'holds a rescheduled session with heads of delegation',
      [scheduled, { type: 'SessionRescheduled', data: { sessionId: S, scheduledFor: '2026-03-17', reason: 'r' } }],
      { ...hold, headsOfDelegation: { us: 'jones', cn: 'li' } },
      [
        {
          type: 'SessionHeld',
          data: {
            sessionId: S,
            heldOn: '2026-03-10',
            place: 'Geneva',
            agenda: [{ itemId: 'a1', title: 'Opening' }],
            attendance: { us: ['smith', 'jones'], cn: ['li'] },
            headsOfDelegation: { us: 'jones', cn: 'li' },
          },
        },
      ],
    ],
    [
      'records a procedural decision',
      heldSession,
      decision,
      [{ type: 'DecisionRecorded', data: { sessionId: S, decisionId: 'd2', kind: 'procedural', text: 'Next session in Beijing' } }],
    ],
    [
      'records a procedural decision under an agenda item',
      [...heldSession, decided],
      { ...decision, agendaItemId: 'a2' },
      [{ type: 'DecisionRecorded', data: { sessionId: S, decisionId: 'd2', kind: 'procedural', agendaItemId: 'a2', text: 'Next session in Beijing' } }],
    ],
    [
      'assigns an action item with a due date',
      [...heldSession, assigned],
      { ...assign, dueOn: '2026-05-01' },
      [{ type: 'ActionItemAssigned', data: { sessionId: S, actionItemId: 'ai-2', assignee: 'us', text: 'Circulate paper', dueOn: '2026-05-01' } }],
    ],
    [
      'completes an action item',
      [...heldSession, assigned],
      { ...complete, note: 'done' },
      [{ type: 'ActionItemCompleted', data: { sessionId: S, actionItemId: 'ai-1', note: 'done' } }],
    ],
    [
      'completes an action item after the minutes are adopted (follow-up, not minutes)',
      [...heldSession, assigned, circulated, silence, adopted],
      complete,
      [{ type: 'ActionItemCompleted', data: { sessionId: S, actionItemId: 'ai-1' } }],
    ],
    ['circulates the minutes', heldSession, circulate, [{ type: 'MinutesCirculated', data: { sessionId: S } }]],
    [
      'launches a silence procedure',
      [...heldSession, circulated],
      launch,
      [{ type: 'SilenceProcedureLaunched', data: { sessionId: S, deadline: '2026-04-01' } }],
    ],
    [
      'breaks the silence, up to the deadline day',
      [...heldSession, circulated, silence],
      { ...breakSilence, effectiveOn: '2026-04-01' },
      [{ type: 'SilenceBroken', data: { sessionId: S, partyId: 'cn', reason: 'para 4' } }],
    ],
    [
      'adopts the minutes by silence on the deadline',
      [...heldSession, circulated, silence],
      adoptBySilence,
      [{ type: 'MinutesAdopted', data: { sessionId: S, procedure: 'silence' } }],
    ],
    [
      'adopts the minutes by silence after the deadline',
      [...heldSession, circulated, silence],
      { ...adoptBySilence, effectiveOn: '2026-04-15' },
      [{ type: 'MinutesAdopted', data: { sessionId: S, procedure: 'silence' } }],
    ],
    [
      'adopts in session at a later held session, under an agenda item',
      [...heldSession, circulated],
      { ...adoptInSession, agendaItemId: 'b2' },
      [{ type: 'MinutesAdopted', data: { sessionId: S, procedure: 'in_session', atSessionId: 'seg-08', agendaItemId: 'b2' } }],
    ],
    [
      'adopts in session after a silence was broken (minutes back to circulated)',
      [...heldSession, circulated, silence, broken],
      adoptInSession,
      [{ type: 'MinutesAdopted', data: { sessionId: S, procedure: 'in_session', atSessionId: 'seg-08' } }],
    ],
    [
      'adopts in session at the session itself',
      [...heldSession, circulated],
      { ...adoptInSession, atSessionId: S, atSession: atSession({ sessionId: S, agendaItemIds: ['a1', 'a2'], minutesStatus: 'circulated' }), agendaItemId: 'a1' },
      [{ type: 'MinutesAdopted', data: { sessionId: S, procedure: 'in_session', atSessionId: S, agendaItemId: 'a1' } }],
    ],
  ];
  it.each(cases)('%s', (_name, given, command, expected) => spec.given(given).when(command).then(expected));
});

describe('session decider: guards', () => {
  const adoptedSession = [...heldSession, circulated, silence, adopted];
  const cases: Guard[] = [
    // schedule
    ['schedule an existing session', [scheduled], schedule, ConflictError, 'session-already-exists', /^session seg-07: already scheduled on track us-cn-seg/],
    ['schedule with an unregistered host', [], { ...schedule, hostPartyId: 'ru' }, UnprocessableError, 'unknown-party', /^session seg-07: host party ru is not registered on track us-cn-seg \(registered: cn, us\)/],
    [
      'schedule with a provisional agenda item twice',
      [],
      { ...schedule, provisionalAgenda: [{ itemId: 'p1', title: 'x' }, { itemId: 'p1', title: 'y' }] },
      UnprocessableError,
      'duplicate-agenda-item',
      /agenda item p1 appears more than once in the provisional agenda/,
    ],
    // every other command needs the session
    ['reschedule an unknown session', [], { type: 'RescheduleSession', sessionId: S, scheduledFor: '2026-04-01', reason: 'r', effectiveOn: on }, NotFoundError, 'session-not-found', /^session seg-07: does not exist/],
    ['hold an unknown session', [], hold, NotFoundError, 'session-not-found', /does not exist/],
    // reschedule / cancel
    ['reschedule a held session', heldSession, { type: 'RescheduleSession', sessionId: S, scheduledFor: '2026-04-01', reason: 'r', effectiveOn: on }, ConflictError, 'session-already-held', /^session seg-07: cannot be rescheduled: it was held on 2026-03-10/],
    ['reschedule a cancelled session', [scheduled, cancelled], { type: 'RescheduleSession', sessionId: S, scheduledFor: '2026-04-01', reason: 'r', effectiveOn: on }, ConflictError, 'session-cancelled', /^session seg-07: cannot be rescheduled: it was cancelled on 2026-03-02/],
    ['cancel a held session', heldSession, { type: 'CancelSession', sessionId: S, reason: 'r', effectiveOn: on }, ConflictError, 'session-already-held', /cannot be cancelled: it was held on 2026-03-10/],
    ['cancel twice', [scheduled, cancelled], { type: 'CancelSession', sessionId: S, reason: 'r', effectiveOn: on }, ConflictError, 'session-already-cancelled', /^session seg-07: already cancelled on 2026-03-02/],
    // hold
    ['hold a cancelled session', [scheduled, cancelled], hold, ConflictError, 'session-cancelled', /^session seg-07: cannot be held: it was cancelled on 2026-03-02$/],
    ['hold twice', heldSession, hold, ConflictError, 'session-already-held', /cannot be held: it was held on 2026-03-10/],
    ['hold with an unregistered party', [scheduled], { ...hold, attendance: { ru: ['ivanov'] } }, UnprocessableError, 'unknown-party', /party ru is not registered on track us-cn-seg/],
    ['hold with an unregistered delegate', [scheduled], { ...hold, attendance: { us: ['nobody'] } }, UnprocessableError, 'unknown-delegate', /delegate nobody \(listed for us\) is not registered on track us-cn-seg/],
    ['hold with a delegate listed under another party', [scheduled], { ...hold, attendance: { us: ['smith', 'li'] } }, UnprocessableError, 'delegate-not-of-party', /delegate li is a delegate of cn, not of us/],
    ['hold with a delegate listed twice', [scheduled], { ...hold, attendance: { us: ['smith', 'smith'] } }, UnprocessableError, 'duplicate-attendee', /delegate smith is listed more than once/],
    ['hold with a head of delegation absent', [scheduled], { ...hold, headsOfDelegation: { cn: 'wang' } }, UnprocessableError, 'head-of-delegation-not-present', /head of delegation wang of cn is not among the attendees of cn \(present: li\)/],
    ['hold with a head of a party not attending', [scheduled], { ...hold, attendance: { us: ['smith'] }, headsOfDelegation: { cn: 'li' } }, UnprocessableError, 'head-of-delegation-not-present', /\(present: none\)/],
    ['hold with a head from another party', [scheduled], { ...hold, headsOfDelegation: { us: 'li' } }, UnprocessableError, 'head-of-delegation-not-present', /head of delegation li of us/],
    ['hold with an agenda item twice', [scheduled], { ...hold, agenda: [{ itemId: 'a1', title: 'x' }, { itemId: 'a1', title: 'y' }] }, UnprocessableError, 'duplicate-agenda-item', /agenda item a1 appears more than once in the agenda/],
    // procedural decisions
    ['decision on a session not held', [scheduled], decision, UnprocessableError, 'session-not-held', /^session seg-07: cannot record decision d2: it is scheduled, not held/],
    ['decision on a cancelled session', [scheduled, cancelled], decision, ConflictError, 'session-cancelled', /cannot record decision d2: it was cancelled on 2026-03-02/],
    ['decision id twice', [...heldSession, decided], { ...decision, decisionId: 'd1' }, ConflictError, 'decision-already-recorded', /decision d1 is already recorded/],
    ['decision under an agenda item not held', heldSession, { ...decision, agendaItemId: 'zz' }, UnprocessableError, 'unknown-agenda-item', /agenda item zz is not on the agenda of session seg-07 as held \(items: a1, a2\)/],
    ['decision after adoption', adoptedSession, decision, ConflictError, 'minutes-adopted', /cannot record decision d2: its minutes were adopted on 2026-04-01/],
    // action items
    ['assign on a session not held', [scheduled], assign, UnprocessableError, 'session-not-held', /cannot assign action item ai-2: it is scheduled/],
    ['assign an action item id twice', [...heldSession, assigned], { ...assign, actionItemId: 'ai-1' }, ConflictError, 'action-item-already-assigned', /action item ai-1 is already assigned/],
    ['assign after adoption', adoptedSession, assign, ConflictError, 'minutes-adopted', /minutes were adopted/],
    ['complete an unknown action item', [...heldSession, assigned], { ...complete, actionItemId: 'ai-9' }, NotFoundError, 'action-item-not-found', /^session seg-07: has no action item ai-9$/],
    ['complete on a session never held', [scheduled], complete, NotFoundError, 'action-item-not-found', /has no action item ai-1/],
    ['complete twice', [...heldSession, assigned, completed], complete, ConflictError, 'action-item-already-completed', /action item ai-1 was already completed on 2026-03-20/],
    // minutes
    ['circulate minutes of a session not held', [scheduled], circulate, UnprocessableError, 'session-not-held', /cannot circulate its minutes: it is scheduled, not held/],
    ['circulate during a silence procedure', [...heldSession, circulated, silence], circulate, ConflictError, 'silence-procedure-running', /runs until 2026-04-01/],
    ['circulate after adoption', adoptedSession, circulate, ConflictError, 'minutes-adopted', /cannot circulate its minutes: its minutes were adopted on 2026-04-01/],
    ['silence procedure on a session not held', [scheduled], launch, UnprocessableError, 'session-not-held', /not held/],
    ['silence procedure before circulation', heldSession, launch, ConflictError, 'minutes-not-circulated', /cannot launch a silence procedure: its minutes have not been circulated/],
    ['circulating minutes already circulated', [...heldSession, circulated], circulate, ConflictError, 'minutes-already-circulated', /its minutes are already circulated/],
    ['silence procedure twice', [...heldSession, circulated, silence], launch, ConflictError, 'silence-procedure-running', /cannot launch a silence procedure/],
    ['silence procedure after adoption', adoptedSession, launch, ConflictError, 'minutes-adopted', /minutes were adopted/],
    ['silence deadline before launch', [...heldSession, circulated], { ...launch, deadline: '2026-03-01' }, UnprocessableError, 'deadline-before-launch', /deadline 2026-03-01 is before the launch date 2026-03-16/],
    ['break silence with no procedure running', [...heldSession, circulated], breakSilence, ConflictError, 'no-silence-procedure', /no silence procedure is running on its minutes \(minutes circulated\)/],
    ['break silence after it was broken', [...heldSession, circulated, silence, broken], breakSilence, ConflictError, 'no-silence-procedure', /no silence procedure/],
    ['break silence by an unregistered party', [...heldSession, circulated, silence], { ...breakSilence, partyId: 'ru' }, UnprocessableError, 'unknown-party', /party ru is not registered/],
    ['break silence after the deadline', [...heldSession, circulated, silence], { ...breakSilence, effectiveOn: '2026-04-02' }, ConflictError, 'silence-deadline-passed', /ended on 2026-04-01/],
    // The read side folds a session in effective order: each step must take effect after the one it follows.
    ['a decision effective before the session was held', heldSession, { ...decision, effectiveOn: '2026-03-09' }, ConflictError, 'before-status-change', /a decision cannot take effect on 2026-03-09, before the session itself, held on 2026-03-10/],
    ['an action item effective before the session was held', heldSession, { ...assign, effectiveOn: '2026-03-01' }, ConflictError, 'before-status-change', /an action item cannot take effect on 2026-03-01/],
    ['completing an action item before it was assigned', [...heldSession, { ...assigned, effectiveOn: '2026-03-12' }], { ...complete, effectiveOn: '2026-03-11' }, ConflictError, 'before-status-change', /completing action item ai-1 cannot take effect on 2026-03-11, before the assignment of that item on 2026-03-12/],
    ['circulating the minutes before the session was held', heldSession, { ...circulate, effectiveOn: '2026-03-01' }, ConflictError, 'before-status-change', /circulating the minutes cannot take effect on 2026-03-01, before the session itself, held on 2026-03-10/],
    ['a silence procedure before the circulation', [...heldSession, circulated], { ...launch, effectiveOn: '2026-03-14' }, ConflictError, 'before-status-change', /a silence procedure cannot take effect on 2026-03-14, before the circulation of the minutes/],
    ['breaking the silence before the procedure was launched', [...heldSession, circulated, silence], { ...breakSilence, effectiveOn: '2026-03-15' }, ConflictError, 'before-status-change', /breaking the silence cannot take effect on 2026-03-15, before the silence procedure on 2026-03-16/],
    ['adopting in session before the circulation', [...heldSession, circulated], { ...adoptInSession, effectiveOn: '2026-03-14' }, ConflictError, 'before-status-change', /adopting the minutes cannot take effect on 2026-03-14/],
    ['break silence after adoption', adoptedSession, breakSilence, ConflictError, 'minutes-adopted', /minutes were adopted/],
    // adoption
    ['adopt twice', adoptedSession, adoptBySilence, ConflictError, 'minutes-adopted', /cannot adopt its minutes: its minutes were adopted on 2026-04-01/],
    ['adopt minutes of a session not held', [scheduled], adoptInSession, UnprocessableError, 'session-not-held', /not held/],
    ['adopt in session before circulation', heldSession, adoptInSession, ConflictError, 'minutes-not-circulated', /have not been circulated/],
    ['adopt in session during a silence procedure', [...heldSession, circulated, silence], adoptInSession, ConflictError, 'silence-procedure-running', /runs until 2026-04-01/],
    ['adopt in session without atSessionId', [...heldSession, circulated], { ...adoptInSession, atSessionId: undefined, atSession: undefined }, UnprocessableError, 'at-session-required', /needs atSessionId/],
    ['adopt in session at an unknown session', [...heldSession, circulated], { ...adoptInSession, atSession: undefined }, UnprocessableError, 'unknown-session', /session seg-08 does not exist/],
    ['adopt in session at a session of another track', [...heldSession, circulated], { ...adoptInSession, atSession: atSession({ trackId: 'us-ru' }) }, UnprocessableError, 'session-of-other-track', /session seg-08 belongs to track us-ru, not us-cn-seg/],
    ['adopt in session at a session not held', [...heldSession, circulated], { ...adoptInSession, atSession: atSession({ status: 'scheduled' }) }, UnprocessableError, 'at-session-not-held', /that session is scheduled, not held/],
    ['adopt in session under an agenda item not on that session', [...heldSession, circulated], { ...adoptInSession, agendaItemId: 'a1' }, UnprocessableError, 'unknown-agenda-item', /agenda item a1 is not on the agenda of session seg-08/],
    ['adopt by silence with no procedure', [...heldSession, circulated], adoptBySilence, ConflictError, 'no-silence-procedure', /cannot adopt its minutes by silence/],
    ['adopt by silence before the deadline', [...heldSession, circulated, silence], { ...adoptBySilence, effectiveOn: '2026-03-31' }, ConflictError, 'silence-deadline-not-reached', /on 2026-03-31: the silence procedure runs until 2026-04-01/],
    ['adopt by silence at a session', [...heldSession, circulated, silence], { ...adoptBySilence, atSessionId: 'seg-08' }, UnprocessableError, 'at-session-not-allowed', /leave atSessionId/],
  ];
  it.each(cases)('%s', (_name, given, command, errorClass, code, message) => spec.given(given).when(command).thenThrows(errorClass, code, message));
});

describe('session decider: corrections of the held record', () => {
  const correct = {
    type: 'CorrectRecord',
    sessionId: S,
    correctionId: 'c1',
    target: { eventId: HELD_ID },
    changes: [{ field: 'place', from: 'Geneva', to: 'Vienna' }],
    reason: 'typo',
    requestedBy: 'cn',
    track,
    statements: [],
    effectiveOn: '2026-05-05',
    effectiveOnGiven: false,
  } as const;
  /** What the handler reads for an attendance change: statements made at the session, as corrected. */
  const statements = [
    { streamId: 'norm-n1', statementId: 'st-1', partyId: 'cn', delegateId: 'li' },
    { streamId: 'cbm-c1', statementId: 'st-2', partyId: 'cn', delegateId: 'wang' },
    { streamId: 'topic-t1', statementId: 'st-3', partyId: 'cn', delegateId: 'wang' },
    { streamId: 'norm-n1', statementId: 'st-4', partyId: 'cn', delegateId: undefined },
  ];
  const corrected = (over: Partial<Record<string, unknown>> = {}, effectiveOn = '2026-03-10'): SessionEvent => ({
    type: 'RecordCorrected',
    data: {
      sessionId: S,
      correctionId: 'c1',
      target: { eventId: HELD_ID },
      changes: [{ field: 'place', from: 'Geneva', to: 'Vienna' }],
      reason: 'typo',
      requestedBy: 'cn',
      ...over,
    },
    effectiveOn,
  });
  const earlier: Given<SessionEvent> = {
    type: 'RecordCorrected',
    effectiveOn: '2026-03-10',
    data: {
      sessionId: S,
      correctionId: 'c0',
      target: { eventId: HELD_ID },
      changes: [{ field: 'attendance.cn', from: ['li'], to: ['li', 'wang'] }],
      reason: 'wang omitted',
      requestedBy: 'cn',
    },
  };
  const adoptedSession = [...heldSession, circulated, silence, adopted];

  const happy: Happy[] = [
    ['pre-adoption amendment, effectiveOn defaults to the target\'s', [...heldSession, circulated], correct, [corrected()]],
    ['an explicit effectiveOn is kept', heldSession, { ...correct, effectiveOnGiven: true, effectiveOn: '2026-03-12' }, [corrected({}, '2026-03-12')]],
    ['after adoption with a corrigendum', adoptedSession, { ...correct, corrigendumId: 'corr-1' }, [corrected({ corrigendumId: 'corr-1' })]],
    [
      'attendance of a party, from the value after an earlier correction',
      [...heldSession, earlier],
      { ...correct, changes: [{ field: 'attendance.cn', from: ['li', 'wang'], to: ['wang'] }] },
      [corrected({ changes: [{ field: 'attendance.cn', from: ['li', 'wang'], to: ['wang'] }] })],
    ],
    [
      'attendance without a delegate whose statements name another delegate, or none',
      [...heldSession, earlier],
      { ...correct, statements: statements.filter((st) => st.delegateId !== 'wang'), changes: [{ field: 'attendance.cn', from: ['li', 'wang'], to: ['li'] }] },
      [corrected({ changes: [{ field: 'attendance.cn', from: ['li', 'wang'], to: ['li'] }] })],
    ],
    [
      'adds a party absent from the record (from null)',
      heldSession,
      { ...correct, changes: [{ field: 'attendance.us', from: ['smith'], to: ['smith', 'jones'] }, { field: 'headsOfDelegation.cn', from: null, to: 'li' }] },
      [corrected({ changes: [{ field: 'attendance.us', from: ['smith'], to: ['smith', 'jones'] }, { field: 'headsOfDelegation.cn', from: null, to: 'li' }] })],
    ],
    [
      'removes a head of delegation with to: null, then the delegate',
      heldSession,
      {
        ...correct,
        changes: [
          { field: 'headsOfDelegation.us', from: 'smith', to: null },
          { field: 'attendance.us', from: ['smith'], to: null },
        ],
      },
      [
        corrected({
          changes: [
            { field: 'headsOfDelegation.us', from: 'smith', to: null },
            { field: 'attendance.us', from: ['smith'], to: null },
          ],
        }),
      ],
    ],
    [
      'the date it was held',
      heldSession,
      { ...correct, changes: [{ field: 'heldOn', from: '2026-03-10', to: '2026-03-11' }] },
      [corrected({ changes: [{ field: 'heldOn', from: '2026-03-10', to: '2026-03-11' }] })],
    ],
  ];
  it.each(happy)('%s', (_name, given, command, expected) => spec.given(given).when(command).then(expected));

  const guards: Guard[] = [
    ['on an unknown session', [], correct, NotFoundError, 'session-not-found', /does not exist/],
    ['a correction id twice', [...heldSession, earlier], { ...correct, correctionId: 'c0' }, ConflictError, 'duplicate-correction', /correction c0 is already recorded/],
    ['a statement target', heldSession, { ...correct, target: { statementId: 'st-1' } }, UnprocessableError, 'unknown-target', /no statement st-1 to correct/],
    ['an unknown event', heldSession, { ...correct, target: { eventId: 'nope' } }, UnprocessableError, 'unknown-target', /no event nope to correct/],
    ['an event that is not the held record', heldSession, { ...correct, target: { eventId: 'ev-scheduled' } }, UnprocessableError, 'field-not-correctable', /a SessionScheduled record cannot be corrected/],
    ['the schedule of a session never held', [scheduled], { ...correct, target: { eventId: 'ev-scheduled' } }, UnprocessableError, 'field-not-correctable', /SessionScheduled/],
    ['a field that is not correctable', heldSession, { ...correct, changes: [{ field: 'agenda', from: [], to: [] }] }, UnprocessableError, 'field-not-correctable', /agenda of a SessionHeld record cannot be corrected/],
    ['a change to the value it already has', heldSession, { ...correct, changes: [{ field: 'place', from: 'Geneva', to: 'Geneva' }] }, ConflictError, 'correction-changes-nothing', /^session seg-07: this correction changes nothing \(place would keep its value\)/],
    ['a stale from', heldSession, { ...correct, changes: [{ field: 'place', from: 'Paris', to: 'Vienna' }] }, ConflictError, 'stale-from', /^session seg-07: correction of place expects it to be "Paris" but it is "Geneva"/],
    ['a from stale after an earlier correction', [...heldSession, earlier], { ...correct, changes: [{ field: 'attendance.cn', from: ['li'], to: ['wang'] }] }, ConflictError, 'stale-from', /expects it to be \["li"\] but it is \["li","wang"\]/],
    ['after adoption without a corrigendum', adoptedSession, correct, ConflictError, 'corrigendum-required', /minutes of session seg-07 are adopted, so correcting .* needs a corrigendumId/],
    ['attendance moved to a delegate of another party', heldSession, { ...correct, changes: [{ field: 'attendance.us', from: ['smith'], to: ['li'] }] }, UnprocessableError, 'delegate-not-of-party', /after correction c1, delegate li is a delegate of cn, not of us/],
    ['attendance of an unregistered party', heldSession, { ...correct, changes: [{ field: 'attendance.ru', from: null, to: ['ivanov'] }] }, UnprocessableError, 'unknown-party', /after correction c1, party ru is not registered/],
    ['a head of delegation removed from attendance', heldSession, { ...correct, changes: [{ field: 'attendance.us', from: ['smith'], to: ['jones'] }] }, UnprocessableError, 'head-of-delegation-not-present', /after correction c1, head of delegation smith of us is not among the attendees of us \(present: jones\)/],
    [
      'attendance without a delegate who made statements at the session (correct their delegateId first)',
      [...heldSession, earlier],
      { ...correct, statements, changes: [{ field: 'attendance.cn', from: ['li', 'wang'], to: ['li'] }] },
      UnprocessableError,
      'statements-by-absent-delegate',
      /^session seg-07: after correction c1, delegate wang would not have attended it, yet made st-2 \(cbm-c1\), st-3 \(topic-t1\) at it: correct the delegateId of those statements first$/,
    ],
    [
      'a whole party\'s attendance removed while its delegates made statements',
      [...heldSession, earlier],
      { ...correct, statements, changes: [{ field: 'attendance.cn', from: ['li', 'wang'], to: null }] },
      UnprocessableError,
      'statements-by-absent-delegate',
      /delegates li, wang would not have attended it, yet made st-2 \(cbm-c1\), st-1 \(norm-n1\), st-3 \(topic-t1\) at it/,
    ],
    ['heldOn to something not a date', heldSession, { ...correct, changes: [{ field: 'heldOn', from: '2026-03-10', to: 'March' }] }, UnprocessableError, 'invalid-corrected-record', /correction c1 would leave the held record invalid: heldOn must be a date/],
    ['attendance to something not a list', heldSession, { ...correct, changes: [{ field: 'attendance.cn', from: ['li'], to: 'li' }] }, UnprocessableError, 'invalid-corrected-record', /attendance.cn must be a list of delegateIds/],
    ['place longer than a held record may carry', heldSession, { ...correct, changes: [{ field: 'place', from: 'Geneva', to: 'p'.repeat(201) }] }, UnprocessableError, 'invalid-corrected-record', /place must be at most 200 characters long/],
  ];
  it.each(guards)('%s', (_name, given, command, errorClass, code, message) => spec.given(given).when(command).thenThrows(errorClass, code, message));

  it('a heldOn corrected to an earlier day moves the held record there, as on the register: a decision on the new day is recorded', () => {
    const movedEarlier: Given<SessionEvent> = {
      ...earlier,
      data: { ...(earlier.data as object), correctionId: 'c-date', changes: [{ field: 'heldOn', from: '2026-03-10', to: '2026-03-08' }] } as never,
    };
    const { state } = spec.given([...heldSession, movedEarlier]);
    expect(state.status === 'held' && state.held.effectiveOn).toBe('2026-03-08');
    spec.given([...heldSession, movedEarlier]).when({ ...decision, effectiveOn: '2026-03-08' }).then([
      { type: 'DecisionRecorded', data: { sessionId: S, decisionId: 'd2', kind: 'procedural', text: 'Next session in Beijing' } },
    ]);
    spec.given([...heldSession, movedEarlier]).when({ ...decision, effectiveOn: '2026-03-07' }).thenThrows(ConflictError, 'before-status-change', /before the session itself, held on 2026-03-08/);
  });

  it('a session held with an effective date after its heldOn still takes a decision dated on its heldOn (the default)', () => {
    spec.given([scheduled, { ...held, effectiveOn: '2026-03-12' }]).when({ ...decision, effectiveOn: '2026-03-10' }).then([
      { type: 'DecisionRecorded', data: { sessionId: S, decisionId: 'd2', kind: 'procedural', text: 'Next session in Beijing' } },
    ]);
  });

  it('folds corrections into the held record', () => {
    const { state } = spec.given([...heldSession, earlier]);
    expect(state.status === 'held' && state.held.data.attendance).toEqual({ us: ['smith'], cn: ['li', 'wang'] });
    expect(state.status === 'held' && [...state.correctionIds]).toEqual(['c0']);
  });
});
