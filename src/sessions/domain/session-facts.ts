import type { FoldedEvent } from '../../shared/domain/decider.js';
import type { SessionFacts } from '../../shared/domain/facts.js';
import { evolveSession, initialSessionState, type SessionState } from './session.decider.js';
import type { SessionEvent } from './session.events.js';

/**
 * What other features' deciders need of a session, with the held record's corrections applied
 * (heldOn, attendance); `undefined` when the session was never scheduled. Before it is held,
 * `agendaItemIds` are those of the provisional agenda.
 */
export const sessionFactsOf = (state: SessionState): SessionFacts | undefined => {
  switch (state.status) {
    case 'initial':
      return undefined;
    case 'scheduled':
    case 'cancelled':
      return {
        sessionId: state.sessionId,
        trackId: state.trackId,
        status: state.status,
        attendance: {},
        agendaItemIds: state.provisionalAgenda.map((item) => item.itemId),
        minutesStatus: 'none',
      };
    case 'held': {
      const { heldOn, attendance, agenda } = state.held.data;
      return {
        sessionId: state.sessionId,
        trackId: state.trackId,
        status: 'held',
        heldOn,
        attendance,
        agendaItemIds: agenda.map((item) => item.itemId),
        minutesStatus: state.minutes.status,
      };
    }
    default: {
      const unknown: never = state;
      return unknown;
    }
  }
};

/** From the session stream's events (e.g. `readStreamOrEmpty(...).map(foldedEvent)`), in stream order. */
export const buildSessionFacts = (events: readonly FoldedEvent<SessionEvent>[]): SessionFacts | undefined =>
  sessionFactsOf(events.reduce(evolveSession, initialSessionState()));
