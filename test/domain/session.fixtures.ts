import type { SessionFacts, TrackFacts } from '../../src/shared/domain/facts.js';
import type { SessionEvent } from '../../src/sessions/domain/session.events.js';
import type { Given } from '../support/decider-spec.js';

export const track: TrackFacts = {
  trackId: 'us-cn-seg',
  parties: ['us', 'cn'],
  agencies: [
    { agencyId: 'us-dos', partyId: 'us' },
    { agencyId: 'cn-mfa', partyId: 'cn' },
  ],
  delegates: [
    { delegateId: 'smith', partyId: 'us', agencyId: 'us-dos' },
    { delegateId: 'jones', partyId: 'us', agencyId: 'us-dos' },
    { delegateId: 'li', partyId: 'cn', agencyId: 'cn-mfa' },
    { delegateId: 'wang', partyId: 'cn', agencyId: 'cn-mfa' },
  ],
};

export const S = 'seg-07';
export const HELD_ID = 'ev-held';

export const scheduled: Given<SessionEvent> = {
  type: 'SessionScheduled',
  eventId: 'ev-scheduled',
  effectiveOn: '2026-02-01',
  data: { trackId: 'us-cn-seg', sessionId: S, number: 7, place: 'Geneva', scheduledFor: '2026-03-10' },
};
export const cancelled: Given<SessionEvent> = { type: 'SessionCancelled', effectiveOn: '2026-03-02', data: { sessionId: S, reason: 'weather' } };
export const heldData = {
  sessionId: S,
  heldOn: '2026-03-10',
  place: 'Geneva',
  agenda: [
    { itemId: 'a1', title: 'Opening' },
    { itemId: 'a2', title: 'Norms' },
  ],
  attendance: { us: ['smith'], cn: ['li'] },
  headsOfDelegation: { us: 'smith' },
};
export const held: Given<SessionEvent> = { type: 'SessionHeld', eventId: HELD_ID, effectiveOn: '2026-03-10', data: heldData };
export const decided: Given<SessionEvent> = { type: 'DecisionRecorded', data: { sessionId: S, decisionId: 'd1', kind: 'procedural', text: 'Agenda adopted' } };
export const assigned: Given<SessionEvent> = {
  type: 'ActionItemAssigned',
  data: { sessionId: S, actionItemId: 'ai-1', assignee: 'secretariat', text: 'Draft report' },
};
export const completed: Given<SessionEvent> = { type: 'ActionItemCompleted', effectiveOn: '2026-03-20', data: { sessionId: S, actionItemId: 'ai-1' } };
export const circulated: Given<SessionEvent> = { type: 'MinutesCirculated', effectiveOn: '2026-03-15', data: { sessionId: S } };
export const silence: Given<SessionEvent> = {
  type: 'SilenceProcedureLaunched',
  effectiveOn: '2026-03-16',
  data: { sessionId: S, deadline: '2026-04-01' },
};
export const broken: Given<SessionEvent> = {
  type: 'SilenceBroken',
  effectiveOn: '2026-03-20',
  data: { sessionId: S, partyId: 'cn', reason: 'para 4' },
};
export const adopted: Given<SessionEvent> = { type: 'MinutesAdopted', effectiveOn: '2026-04-01', data: { sessionId: S, procedure: 'silence' } };

export const atSession = (over: Partial<SessionFacts> = {}): SessionFacts => ({
  sessionId: 'seg-08',
  trackId: 'us-cn-seg',
  status: 'held',
  heldOn: '2026-06-10',
  attendance: { us: ['smith'] },
  agendaItemIds: ['b1', 'b2'],
  minutesStatus: 'none',
  ...over,
});
