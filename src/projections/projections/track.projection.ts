/**
 * Everything the read side knows about one track under one cut: the registry, every subject and
 * session state, and which corrections touch records made at each session. Board, matrix, tracker,
 * register and subject detail are views of this (board.projection.ts, register.projection.ts).
 */
import { resolveCut, type Cut, type ResolvedCut } from './cut.js';
import { compareStrings, parseStreamId, type LedgerEvent } from './ledger-event.js';
import type { SubjectKind } from './ledger-payloads.js';
import { foldRegistry, type TrackListAnswer, type TrackRegistry } from './registry.projection.js';
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
  /**
   * Null when the track does not exist under the cut: not established, and none of its sessions and
   * subjects has a record under it either.
   */
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
  const trackStream = byStream.get(`track-${trackId}`) ?? [];
  const established = foldRegistry(trackStream, resolved);
  // A track exists from its earliest record, as its sessions and subjects do (STREAM_CREATION): one
  // set up today still has last year's sessions. Its registry then holds what was registered by then.
  const registry = established ?? foldRegistry(trackStream, resolved, true);
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
  const exists = established !== null || subjects.length > 0 || sessions.length > 0;
  return { trackId, cut: resolved, registry: exists ? registry : null, subjects, sessions, sessionCorrections, timelines };
};

export const findSubject = (track: TrackProjection, kind: SubjectKind, id: string): SubjectState | undefined =>
  track.subjects.find((s) => s.kind === kind && s.id === id);

export const isSubjectKind = (value: string): value is SubjectKind => value === 'norm' || value === 'cbm' || value === 'topic';

/**
 * GET /tracks: `events` may hold any streams. Sorted by trackId. A track counts once it exists under
 * the cut: established, or else through a record of its sessions or subjects (`existsThrough`, by
 * default foldTrack over `events`; the read models pass a cheaper one).
 */
export const trackListOf = (
  events: readonly LedgerEvent[],
  cut: Cut = {},
  existsThrough: (trackId: string) => boolean = (trackId) => foldTrack(trackId, events, cut).registry !== null,
): TrackListAnswer => {
  const resolved = resolveCut(cut);
  const byStream = new Map<string, LedgerEvent[]>();
  for (const event of events) {
    if (parseStreamId(event.streamId).kind !== 'track') continue;
    const list = byStream.get(event.streamId);
    if (list === undefined) byStream.set(event.streamId, [event]);
    else list.push(event);
  }
  const tracks: Array<{ trackId: string; name: string }> = [];
  for (const streamEvents of byStream.values()) {
    const established = foldRegistry(streamEvents, resolved);
    const known = established ?? foldRegistry(streamEvents, resolved, true);
    if (known !== null && (established !== null || existsThrough(known.trackId))) tracks.push({ trackId: known.trackId, name: known.name });
  }
  return { tracks: tracks.sort((a, b) => compareStrings(a.trackId, b.trackId)) };
};
