/**
 * The fold of one session stream in effective order, after corrections (DESIGN.md §4 session
 * register). Like subjects, a session's state depends only on its own stream under a cut; the
 * register adds what other streams say about it (subject decisions, corrections) when rendering.
 */
import { compareStrings, parseStreamId, sortedIds, sortedRecord, type EffectiveKey } from './ledger-event.js';
import type {
  ActionItemAssignedData,
  ActionItemCompletedData,
  AgendaItem,
  MinutesAdoptedData,
  MinutesStatus,
  ProceduralDecisionData,
  SessionHeldData,
  SessionRescheduledData,
  SessionScheduledData,
  SessionStatus,
  SilenceProcedureLaunchedData,
} from './ledger-payloads.js';
import type { StreamTimeline, TimelineRecord } from './timeline.projection.js';

export interface ActionItemState {
  readonly actionItemId: string;
  readonly assignee: string;
  readonly text: string;
  readonly dueOn: string | null;
  readonly assignedOn: string;
  readonly status: 'open' | 'completed';
  readonly completedOn: string | null;
}

export interface ProceduralDecision {
  readonly decisionId: string;
  readonly kind: string;
  readonly agendaItemId: string | null;
  readonly text: string | null;
  readonly effectiveOn: string;
  readonly eventId: string;
  readonly position: string;
}

export interface MinutesState {
  readonly status: MinutesStatus;
  readonly adoptedOn: string | null;
  readonly procedure: 'in_session' | 'silence' | null;
  readonly atSessionId: string | null;
  readonly silenceDeadline: string | null;
}

export interface SessionState {
  readonly sessionId: string;
  readonly trackId: string;
  readonly number: number;
  readonly status: SessionStatus;
  readonly scheduledFor: string;
  /** The first date it was scheduled for, once rescheduled; null otherwise. */
  readonly originallyScheduledFor: string | null;
  readonly place: string;
  readonly hostPartyId: string | null;
  readonly provisionalAgenda: readonly AgendaItem[];
  readonly cancelledOn: string | null;
  readonly heldOn: string | null;
  readonly heldEventId: string | null;
  readonly agenda: readonly AgendaItem[];
  /** partyId → delegateIds, sorted, after corrections. */
  readonly attendance: Readonly<Record<string, readonly string[]>>;
  readonly headsOfDelegation: Readonly<Record<string, string>>;
  readonly decisions: readonly ProceduralDecision[];
  /** By actionItemId. */
  readonly actionItems: Readonly<Record<string, ActionItemState>>;
  readonly minutes: MinutesState;
  readonly lastKey: EffectiveKey;
}

const str = (value: unknown): string | null => (typeof value === 'string' ? value : null);
const keyOf = (record: TimelineRecord): EffectiveKey => ({ effectiveOn: record.effectiveOn, position: record.position });

const attendanceOf = (value: unknown): Record<string, readonly string[]> => {
  const out: Record<string, readonly string[]> = {};
  if (typeof value !== 'object' || value === null) return out;
  for (const [partyId, delegates] of Object.entries(value)) {
    if (Array.isArray(delegates)) out[partyId] = sortedIds(delegates.filter((d): d is string => typeof d === 'string'));
  }
  return sortedRecord(out);
};

const headsOf = (value: unknown): Record<string, string> => {
  const out: Record<string, string> = {};
  if (typeof value !== 'object' || value === null) return out;
  for (const [partyId, delegateId] of Object.entries(value)) if (typeof delegateId === 'string') out[partyId] = delegateId;
  return sortedRecord(out);
};

const NO_MINUTES: MinutesState = { status: 'none', adoptedOn: null, procedure: null, atSessionId: null, silenceDeadline: null };

/** One record in effective order; null until the session is scheduled. */
export const evolveSession = (state: SessionState | null, record: TimelineRecord): SessionState | null => {
  if (state === null) {
    if (record.type !== 'SessionScheduled') return null;
    const d = record.data as unknown as SessionScheduledData;
    return {
      sessionId: parseStreamId(record.streamId).id,
      trackId: d.trackId,
      number: d.number,
      status: 'scheduled',
      scheduledFor: d.scheduledFor,
      originallyScheduledFor: null,
      place: d.place,
      hostPartyId: str(d.hostPartyId),
      provisionalAgenda: d.provisionalAgenda ?? [],
      cancelledOn: null,
      heldOn: null,
      heldEventId: null,
      agenda: [],
      attendance: {},
      headsOfDelegation: {},
      decisions: [],
      actionItems: {},
      minutes: NO_MINUTES,
      lastKey: keyOf(record),
    };
  }
  const on = record.effectiveOn;
  const next = ((): SessionState => {
    switch (record.type) {
      case 'SessionRescheduled': {
        const d = record.data as unknown as SessionRescheduledData;
        return { ...state, scheduledFor: d.scheduledFor, originallyScheduledFor: state.originallyScheduledFor ?? state.scheduledFor };
      }
      case 'SessionCancelled':
        return state.status === 'held' ? state : { ...state, status: 'cancelled', cancelledOn: on };
      case 'SessionHeld': {
        const d = record.data as unknown as SessionHeldData;
        return {
          ...state,
          status: 'held',
          heldOn: str(d.heldOn) ?? on,
          heldEventId: record.eventId,
          place: str(d.place) ?? state.place,
          agenda: d.agenda ?? [],
          attendance: attendanceOf(d.attendance),
          headsOfDelegation: headsOf(d.headsOfDelegation),
        };
      }
      case 'DecisionRecorded': {
        const d = record.data as unknown as ProceduralDecisionData;
        const decision: ProceduralDecision = {
          decisionId: d.decisionId,
          kind: d.kind,
          agendaItemId: str(d.agendaItemId),
          text: str(d.text),
          effectiveOn: on,
          eventId: record.eventId,
          position: record.position,
        };
        return { ...state, decisions: [...state.decisions, decision] };
      }
      case 'ActionItemAssigned': {
        const d = record.data as unknown as ActionItemAssignedData;
        if (state.actionItems[d.actionItemId] !== undefined) return state;
        const item: ActionItemState = {
          actionItemId: d.actionItemId,
          assignee: d.assignee,
          text: d.text,
          dueOn: str(d.dueOn),
          assignedOn: on,
          status: 'open',
          completedOn: null,
        };
        return { ...state, actionItems: { ...state.actionItems, [d.actionItemId]: item } };
      }
      case 'ActionItemCompleted': {
        const d = record.data as unknown as ActionItemCompletedData;
        const item = state.actionItems[d.actionItemId];
        if (item === undefined || item.status === 'completed') return state;
        return { ...state, actionItems: { ...state.actionItems, [d.actionItemId]: { ...item, status: 'completed', completedOn: on } } };
      }
      case 'MinutesCirculated':
        return state.minutes.status === 'adopted' ? state : { ...state, minutes: { ...state.minutes, status: 'circulated' } };
      case 'SilenceProcedureLaunched': {
        const d = record.data as unknown as SilenceProcedureLaunchedData;
        return state.minutes.status === 'adopted'
          ? state
          : { ...state, minutes: { ...state.minutes, status: 'silence_procedure', silenceDeadline: d.deadline } };
      }
      case 'SilenceBroken':
        return state.minutes.status === 'silence_procedure'
          ? { ...state, minutes: { ...state.minutes, status: 'circulated', silenceDeadline: null } }
          : state;
      case 'MinutesAdopted': {
        const d = record.data as unknown as MinutesAdoptedData;
        return state.minutes.status === 'adopted'
          ? state
          : {
              ...state,
              minutes: { status: 'adopted', adoptedOn: on, procedure: d.procedure, atSessionId: str(d.atSessionId), silenceDeadline: state.minutes.silenceDeadline },
            };
      }
      default:
        return state;
    }
  })();
  return { ...next, lastKey: keyOf(record) };
};

export const foldSessionTimeline = (timeline: StreamTimeline): SessionState | null => {
  const index = timeline.records.findIndex((r) => r.type === 'SessionScheduled');
  if (index < 0) return null;
  // Scheduling comes first whatever its date: a session held on a day before it was scheduled is still that session.
  const records = index === 0 ? timeline.records : [timeline.records[index]!, ...timeline.records.filter((_, i) => i !== index)];
  return records.reduce<SessionState | null>((state, record) => evolveSession(state, record), null);
};

export const actionItemList = (state: SessionState): ActionItemState[] =>
  Object.values(state.actionItems).sort((a, b) => compareStrings(a.actionItemId, b.actionItemId));
