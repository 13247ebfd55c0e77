/**
 * Everything the read side knows about one track under one cut: the registry, every subject and
 * session state, and which corrections touch records made at each session. Board, matrix, tracker,
 * register and subject detail are views of this (board.projection.ts, register.projection.ts).
 */
import { resolveCut, type Cut, type ResolvedCut } from './cut.js';
import { compareStrings, parseStreamId, type LedgerEvent } from './ledger-event.js';
import { SUBJECT_KINDS, type SubjectKind } from './ledger-payloads.js';
import { foldRegistry, type TrackRegistry } from './registry.projection.js';
import { foldSessionTimeline, type SessionState } from './session.projection.js';
import { foldSubjectTimeline, subjectKindOf, type SubjectState } from './subject.projection.js';
import { streamTimeline, type StreamTimeline } from './timeline.projection.js';

/** A correction, in any stream, of a record made at a session (DESIGN.md §4 minutes.corrections). */
export interface SessionCorrectionRef {
  readonly sessionId: string;
  readonly correctionId: string;
  readonly streamId: string;
  /** The RecordCorrected event. */
  readonly eventId: string;
  readonly targetEventId: string;
  readonly recordedAt: string;
}

export interface TrackProjection {
  readonly trackId: string;
  readonly cut: ResolvedCut;
  /** Null when the track is not established under the cut. */
  readonly registry: TrackRegistry | null;
  /** Norms, then CBMs, then topics, each sorted by id. */
  readonly subjects: readonly SubjectState[];
  /** Sorted by number, then sessionId. */
  readonly sessions: readonly SessionState[];
  readonly sessionCorrections: readonly SessionCorrectionRef[];
  /** The corrected timeline of every stream of the track, by streamId (subject history reads it). */
  readonly timelines: ReadonlyMap<string, StreamTimeline>;
}

/**
 * The corrections of one stream that touch a record made at a session: every correction in a
 * session's own stream, and in a subject stream those whose target carries a `sessionId`.
 */
export const sessionCorrectionsOf = (timeline: StreamTimeline): SessionCorrectionRef[] => {
  const { kind, id } = parseStreamId(timeline.streamId);
  const refs: SessionCorrectionRef[] = [];
  if (timeline.corrections.length === 0) return refs;
  const records = new Map(timeline.records.map((r) => [r.eventId, r]));
  for (const c of timeline.corrections) {
    const target = records.get(c.targetEventId);
    const sessionId = kind === 'session' ? id : target?.data['sessionId'];
    if (typeof sessionId !== 'string') continue;
    refs.push({
      sessionId,
      correctionId: c.correctionId,
      streamId: c.streamId,
      eventId: c.eventId,
      targetEventId: c.targetEventId,
      recordedAt: c.recordedAt,
    });
  }
  return refs;
};

const KIND_ORDER: Readonly<Record<SubjectKind, number>> = { norm: 0, cbm: 1, topic: 2 };

export const compareSubjects = (a: { kind: SubjectKind; id: string }, b: { kind: SubjectKind; id: string }): number =>
  KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || compareStrings(a.id, b.id);

/**
 * `events`: the track stream, its sessions and its subjects (in any order; other streams and
 * subjects of other tracks are ignored).
 */
export const foldTrack = (trackId: string, events: readonly LedgerEvent[], cut: Cut = {}): TrackProjection => {
  const resolved = resolveCut(cut);
  const byStream = new Map<string, LedgerEvent[]>();
  for (const event of events) {
    const list = byStream.get(event.streamId);
    if (list === undefined) byStream.set(event.streamId, [event]);
    else list.push(event);
  }
  const registry = foldRegistry(byStream.get(`track-${trackId}`) ?? [], resolved);
  const subjects: SubjectState[] = [];
  const sessions: SessionState[] = [];
  const timelines = new Map<string, StreamTimeline>();
  const sessionCorrections: SessionCorrectionRef[] = [];
  for (const [streamId, streamEvents] of byStream) {
    const { kind } = parseStreamId(streamId);
    if (kind !== 'session' && subjectKindOf(streamId) === null) continue;
    const timeline = streamTimeline(streamId, streamEvents, resolved);
    if (kind === 'session') {
      const session = foldSessionTimeline(timeline);
      if (session === null || session.trackId !== trackId) continue;
      sessions.push(session);
    } else {
      const subject = foldSubjectTimeline(timeline, registry);
      if (subject === null || subject.trackId !== trackId) continue;
      subjects.push(subject);
    }
    timelines.set(streamId, timeline);
    sessionCorrections.push(...sessionCorrectionsOf(timeline));
  }
  subjects.sort(compareSubjects);
  sessions.sort((a, b) => a.number - b.number || compareStrings(a.sessionId, b.sessionId));
  return { trackId, cut: resolved, registry, subjects, sessions, sessionCorrections, timelines };
};

export const findSubject = (track: TrackProjection, kind: SubjectKind, id: string): SubjectState | undefined =>
  track.subjects.find((s) => s.kind === kind && s.id === id);

export const isSubjectKind = (value: string): value is SubjectKind => (SUBJECT_KINDS as readonly string[]).includes(value);
