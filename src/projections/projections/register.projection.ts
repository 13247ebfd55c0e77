/**
 * The session register (DESIGN.md §4): each session's schedule, what happened when it was held,
 * the agencies present (from the delegates present and the track's delegate registry), decisions
 * taken at it (its own procedural ones and those on subjects), action items and minutes with every
 * correction, in any stream, to a record made at it. No clock: "today" is passed in.
 */
import { compareEffective, compareStrings, sortedIds, sortedRecord } from './ledger-event.js';
import type { AgendaItem, MinutesStatus, SessionStatus, SubjectKind } from './ledger-payloads.js';
import { agencyOfDelegate } from './registry.projection.js';
import { actionItemList, type SessionState } from './session.projection.js';
import type { TrackProjection } from './track.projection.js';

export interface RegisterOptions {
  /** YYYY-MM-DD: what "overdue" is measured against when the cut has no `asOf`. */
  readonly today: string;
}

export interface RegisterDecision {
  readonly decisionId: string;
  readonly kind: string;
  /** The subject decided on; null for a procedural decision of the session. */
  readonly subject: { readonly kind: SubjectKind; readonly id: string } | null;
  readonly agendaItemId: string | null;
  readonly text: string | null;
  readonly effectiveOn: string;
  readonly eventId: string;
}

export interface RegisterActionItem {
  readonly actionItemId: string;
  readonly assignee: string;
  readonly text: string;
  readonly status: 'open' | 'completed';
  readonly dueOn: string | null;
  readonly completedOn: string | null;
  readonly overdue: boolean;
}

export interface RegisterMinutes {
  readonly status: MinutesStatus;
  readonly adoptedOn: string | null;
  readonly procedure: 'in_session' | 'silence' | null;
  readonly atSessionId: string | null;
  readonly silenceDeadline: string | null;
  /** correctionIds, sorted (ids are unique per stream, so one may repeat across streams). */
  readonly corrections: readonly string[];
}

export interface SessionRegisterEntry {
  readonly sessionId: string;
  readonly trackId: string;
  readonly number: number;
  readonly status: SessionStatus;
  readonly scheduledFor: string;
  readonly originallyScheduledFor: string | null;
  readonly cancelledOn: string | null;
  readonly heldOn: string | null;
  readonly heldEventId: string | null;
  readonly place: string;
  readonly hostPartyId: string | null;
  readonly provisionalAgenda: readonly AgendaItem[];
  readonly agenda: readonly AgendaItem[];
  readonly headsOfDelegation: Readonly<Record<string, string>>;
  readonly attendance: Readonly<Record<string, readonly string[]>>;
  readonly agenciesPresent: Readonly<Record<string, readonly string[]>>;
  /** In effective order. */
  readonly decisions: readonly RegisterDecision[];
  /** Sorted by actionItemId. */
  readonly actionItems: readonly RegisterActionItem[];
  readonly minutes: RegisterMinutes;
}

/** GET /tracks/:trackId/sessions. */
export interface SessionRegister {
  readonly trackId: string;
  readonly asOf: string | null;
  readonly knownAt: string | null;
  readonly sessions: readonly SessionRegisterEntry[];
}

/** GET /sessions/:id. */
export type SessionDetail = SessionRegisterEntry & { readonly asOf: string | null; readonly knownAt: string | null };

/** Open and due strictly before the reference day: `asOf` when the cut has one, else today. */
export const isOverdue = (item: { status: string; dueOn: string | null }, reference: string): boolean =>
  item.status === 'open' && item.dueOn !== null && item.dueOn < reference;

export const sessionEntryOf = (track: TrackProjection, session: SessionState, options: RegisterOptions): SessionRegisterEntry => {
  const reference = track.cut.asOf ?? options.today;
  const agencyOf = agencyOfDelegate(track.registry);
  const agenciesPresent: Record<string, readonly string[]> = {};
  for (const [partyId, delegates] of Object.entries(session.attendance)) {
    agenciesPresent[partyId] = sortedIds(delegates.flatMap((d) => agencyOf.get(d) ?? []));
  }
  const decisions: Array<RegisterDecision & { position: string }> = session.decisions.map((d) => ({
    decisionId: d.decisionId,
    kind: d.kind,
    subject: null,
    agendaItemId: d.agendaItemId,
    text: d.text,
    effectiveOn: d.effectiveOn,
    eventId: d.eventId,
    position: d.position,
  }));
  for (const subject of track.subjects) {
    for (const d of subject.decisions) {
      if (d.sessionId !== session.sessionId) continue;
      decisions.push({
        decisionId: d.decisionId,
        kind: d.kind,
        subject: { kind: subject.kind, id: subject.id },
        agendaItemId: d.agendaItemId,
        text: d.text,
        effectiveOn: d.effectiveOn,
        eventId: d.eventId,
        position: d.position,
      });
    }
  }
  decisions.sort(compareEffective);
  const corrections = track.sessionCorrections
    .filter((c) => c.sessionId === session.sessionId)
    .map((c) => c.correctionId)
    .sort(compareStrings);
  return {
    sessionId: session.sessionId,
    trackId: session.trackId,
    number: session.number,
    status: session.status,
    scheduledFor: session.scheduledFor,
    originallyScheduledFor: session.originallyScheduledFor,
    cancelledOn: session.cancelledOn,
    heldOn: session.heldOn,
    heldEventId: session.heldEventId,
    place: session.place,
    hostPartyId: session.hostPartyId,
    provisionalAgenda: session.provisionalAgenda,
    agenda: session.agenda,
    headsOfDelegation: session.headsOfDelegation,
    attendance: session.attendance,
    agenciesPresent: sortedRecord(agenciesPresent),
    decisions: decisions.map(({ position: _position, ...d }) => d),
    actionItems: actionItemList(session).map((item) => ({
      actionItemId: item.actionItemId,
      assignee: item.assignee,
      text: item.text,
      status: item.status,
      dueOn: item.dueOn,
      completedOn: item.completedOn,
      overdue: isOverdue(item, reference),
    })),
    minutes: {
      status: session.minutes.status,
      adoptedOn: session.minutes.adoptedOn,
      procedure: session.minutes.procedure,
      atSessionId: session.minutes.atSessionId,
      silenceDeadline: session.minutes.silenceDeadline,
      corrections,
    },
  };
};

export const sessionRegisterOf = (track: TrackProjection, options: RegisterOptions): SessionRegister => ({
  trackId: track.trackId,
  asOf: track.cut.asOf,
  knownAt: track.cut.knownAt,
  sessions: track.sessions.map((s) => sessionEntryOf(track, s, options)),
});

/** Null when the session is not of this track or not scheduled under the cut. */
export const sessionDetailOf = (track: TrackProjection, sessionId: string, options: RegisterOptions): SessionDetail | null => {
  const session = track.sessions.find((s) => s.sessionId === sessionId);
  return session === undefined ? null : { ...sessionEntryOf(track, session, options), asOf: track.cut.asOf, knownAt: track.cut.knownAt };
};
