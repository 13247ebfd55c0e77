/**
 * Applies the global log to the read-model database, in batches, each batch in ONE transaction
 * together with the new checkpoint: a crash between batches loses nothing and applies nothing twice.
 *
 * Per event: its stream (track-, session-, norm-, cbm-, topic-; anything else is skipped) and its
 * track (from the stream's creation event). A subject or session event that sorts after everything
 * applied so far and is no correction is applied incrementally (evolveSubject / evolveSession);
 * anything else (a correction, a late entry, a party registered in the past) refolds that stream
 * from `ledger_events`, with the same pure folds the reference uses.
 *
 * The bitemporal index (`versions`): per subject stream, the points of its as-of curve
 * (subject-curve.ts), each valid in transaction time from `known_from` (the recordedAt of the event
 * that produced it) until `known_to` (the recordedAt of the event that replaced it; STILL_CURRENT
 * while current). An in-order event only touches the last point; a refold diffs the whole curve and
 * replaces only the points whose state changed. A version replaced by an event recorded at the
 * same instant is deleted rather than closed: its transaction-time interval would be empty.
 */
import { compareEffective, comparePosition, parseStreamId, type LedgerEvent } from '../projections/ledger-event.js';
import { boardRowOf, type LinkedCbm } from '../projections/board.projection.js';
import { NO_CUT } from '../projections/cut.js';
import { CREATION_EVENT, type SubjectKind } from '../projections/ledger-payloads.js';
import { foldRegistry, partyIdsOf, registryAnswerOf, type TrackRegistry } from '../projections/registry.projection.js';
import { evolveSession, foldSessionTimeline, type SessionState } from '../projections/session.projection.js';
import { appliesInOrder, evolveSubject, type SubjectState } from '../projections/subject.projection.js';
import { recordOf, streamTimeline } from '../projections/timeline.projection.js';
import { isSubjectKind, sessionCorrectionsOf } from '../projections/track.projection.js';
import { CHECKPOINT_EVENT, checkpointEventJson } from './read-model.checkpoint.js';
import { STILL_CURRENT, type ReadModelDb } from './read-model.database.js';
import { compactJsonOf, pointDateOf, subjectCurve } from './subject-curve.js';

/** An event as the projector takes it: parsed data plus the JSON it is stored as. */
export interface IncomingEvent {
  readonly position: string;
  readonly streamId: string;
  readonly revision: number;
  readonly eventId: string;
  readonly type: string;
  readonly data: Readonly<Record<string, unknown>>;
  readonly dataJson: string;
  readonly effectiveOn: string;
  readonly recordedAt: string;
}

/** A board row that changed: what the live SSE route sends. */
export interface RowChange {
  readonly trackId: string;
  readonly streamId: string;
  /** The position of the event that changed it. */
  readonly position: string;
  /** The row, serialised. */
  readonly row: string;
}

export const SUBJECT_SORT: Readonly<Record<SubjectKind, number>> = { norm: 0, cbm: 1, topic: 2 };


interface LastPoint {
  readonly date: string;
  readonly knownFrom: string;
  readonly json: string;
}

interface SubjectCtx {
  readonly streamId: string;
  readonly trackId: string;
  readonly kind: SubjectKind;
  readonly id: string;
  state: SubjectState | null;
  last: LastPoint | null;
  rowJson: string | null;
  corrections: string | null;
  stateDirty: boolean;
  position: string | null;
}

interface SessionCtx {
  readonly streamId: string;
  readonly trackId: string;
  readonly id: string;
  state: SessionState | null;
  corrections: string | null;
}

export interface ProjectorOptions {
  /**
   * Keep subject, session and track answers in memory and write them once, at `finish()`: for a
   * rebuild into a database nobody reads until it is complete.
   */
  readonly deferLiveTables?: boolean;
  /**
   * Entries kept between batches (live mode): stream contexts, and each track's registry and latest
   * transaction time; beyond this many in any of them the cache is dropped.
   */
  readonly maxCachedStreams?: number;
}

type EventRow = [position: string, streamId: string, revision: number, eventId: string, type: string, data: string, effectiveOn: string, recordedAt: string];

export const ledgerEventOfRow = (row: EventRow): LedgerEvent => ({
  position: row[0],
  streamId: row[1],
  revision: row[2],
  eventId: row[3],
  type: row[4],
  data: JSON.parse(row[5]) as Record<string, unknown>,
  metadata: { effectiveOn: row[6], recordedAt: row[7] },
});

const ledgerEventOf = (e: IncomingEvent): LedgerEvent => ({
  position: e.position,
  streamId: e.streamId,
  revision: e.revision,
  eventId: e.eventId,
  type: e.type,
  data: e.data,
  metadata: { effectiveOn: e.effectiveOn, recordedAt: e.recordedAt },
});

export const EVENT_COLUMNS = 'position, stream_id, revision, event_id, type, data, effective_on, recorded_at';

export class Projector {
  private readonly statements;
  private readonly streamTracks = new Map<string, { trackId: string; kind: string } | null>();
  private readonly registries = new Map<string, TrackRegistry | null>();
  private readonly subjects = new Map<string, SubjectCtx>();
  private readonly sessions = new Map<string, SessionCtx>();
  private readonly latestKnown = new Map<string, string>();
  private readonly dirtySubjects = new Set<SubjectCtx>();
  private readonly dirtySessions = new Set<SessionCtx>();
  private readonly dirtyTracks = new Set<string>();
  private readonly dirtyKnowledge = new Set<string>();
  /** Tracks whose parties changed: every row is re-rendered. */
  private readonly partyTracks = new Map<string, string>();
  private checkpointValue: string | null;
  /** The tracks the last applied batch touched. */
  private touched = new Set<string>();
  private readonly runBatch: (events: readonly IncomingEvent[]) => RowChange[];
  private readonly deferLive: boolean;
  private readonly maxCached: number;

  constructor(
    readonly db: ReadModelDb,
    options: ProjectorOptions = {},
  ) {
    this.deferLive = options.deferLiveTables ?? false;
    this.maxCached = options.maxCachedStreams ?? 50_000;
    this.statements = {
      getCheckpoint: db.prepare("SELECT value FROM meta WHERE key = 'checkpoint'").pluck(),
      setCheckpoint: db.prepare("INSERT INTO meta (key, value) VALUES ('checkpoint', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value"),
      setCheckpointEvent: db.prepare(`INSERT INTO meta (key, value) VALUES ('${CHECKPOINT_EVENT}', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`),
      insertEvent: db.prepare(
        'INSERT INTO ledger_events (position, stream_id, track_id, type, effective_on, recorded_at, event_id, revision, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      streamEvents: db.prepare(`SELECT ${EVENT_COLUMNS} FROM ledger_events WHERE stream_id = ? ORDER BY seq`).raw(),
      streamOf: db.prepare('SELECT track_id, kind FROM streams WHERE stream_id = ?').raw(),
      insertStream: db.prepare('INSERT OR IGNORE INTO streams (stream_id, track_id, kind, id) VALUES (?, ?, ?, ?)'),
      subjectStreamsOfTrack: db.prepare("SELECT stream_id FROM streams WHERE track_id = ? AND kind IN ('norm', 'cbm', 'topic')").pluck(),
      loadSubject: db.prepare('SELECT state, row, session_corrections FROM subjects WHERE stream_id = ?').raw(),
      upsertSubject: db.prepare(
        `INSERT INTO subjects (stream_id, track_id, sort, id, state, row, session_corrections) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (stream_id) DO UPDATE SET state = excluded.state, row = excluded.row, session_corrections = excluded.session_corrections`,
      ),
      updateRow: db.prepare('UPDATE subjects SET row = ? WHERE stream_id = ?'),
      loadSession: db.prepare('SELECT state, session_corrections FROM sessions WHERE stream_id = ?').raw(),
      upsertSession: db.prepare(
        `INSERT INTO sessions (stream_id, track_id, session_id, number, state, session_corrections) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (stream_id) DO UPDATE SET number = excluded.number, state = excluded.state, session_corrections = excluded.session_corrections`,
      ),
      upsertTrack: db.prepare('INSERT INTO tracks (track_id, name, registry) VALUES (?, ?, ?) ON CONFLICT (track_id) DO UPDATE SET name = excluded.name, registry = excluded.registry'),
      lastVersion: db.prepare('SELECT effective_from, known_from, state FROM versions WHERE stream_id = ? AND known_to = ? ORDER BY effective_from DESC LIMIT 1').raw(),
      currentVersions: db.prepare('SELECT effective_from, known_from, state FROM versions WHERE stream_id = ? AND known_to = ?').raw(),
      insertVersion: db.prepare('INSERT INTO versions (stream_id, effective_from, known_from, known_to, state) VALUES (?, ?, ?, ?, ?)'),
      closeVersion: db.prepare('UPDATE versions SET known_to = ? WHERE stream_id = ? AND effective_from = ? AND known_from = ?'),
      deleteVersion: db.prepare('DELETE FROM versions WHERE stream_id = ? AND effective_from = ? AND known_from = ?'),
      linksOfCbm: db.prepare('SELECT norm_id, status FROM cbm_links WHERE track_id = ? AND cbm_id = ? ORDER BY norm_id').raw(),
      deleteLinksOfCbm: db.prepare('DELETE FROM cbm_links WHERE track_id = ? AND cbm_id = ?'),
      insertLink: db.prepare('INSERT OR REPLACE INTO cbm_links (track_id, norm_id, cbm_id, status) VALUES (?, ?, ?, ?)'),
      linkedCbms: db.prepare('SELECT cbm_id, status FROM cbm_links WHERE track_id = ? AND norm_id = ? ORDER BY cbm_id').raw(),
      getKnowledge: db.prepare('SELECT latest FROM knowledge WHERE track_id = ?').pluck(),
      setKnowledge: db.prepare('INSERT INTO knowledge (track_id, latest) VALUES (?, ?) ON CONFLICT (track_id) DO UPDATE SET latest = excluded.latest'),
      insertWindow: db.prepare('INSERT INTO untrusted_windows (track_id, known_from, known_to) VALUES (?, ?, ?)'),
    };
    this.checkpointValue = (this.statements.getCheckpoint.get() as string | undefined) ?? null;
    this.runBatch = db.transaction((events: readonly IncomingEvent[]): RowChange[] => {
      this.touched = new Set();
      for (const event of events) this.applyOne(event);
      const last = events[events.length - 1]!;
      const changes = this.deferLive ? [] : this.writeLiveTables(last.position);
      this.statements.setCheckpoint.run(last.position);
      // Which event is at the checkpoint: at start-up it tells these read models' log from another (read-model.checkpoint.ts).
      this.statements.setCheckpointEvent.run(checkpointEventJson(last));
      return changes;
    });
  }

  /** The tracks whose events the last applied batch held. */
  get touchedTracks(): ReadonlySet<string> {
    return this.touched;
  }

  /** The last applied global position; null before the first event. */
  get checkpoint(): string | null {
    return this.checkpointValue;
  }

  /**
   * Applies events that follow the checkpoint (earlier ones are skipped: a subscription restarted
   * at an older position never applies an event twice). Returns the board rows that changed.
   */
  applyBatch(events: readonly IncomingEvent[]): RowChange[] {
    const fresh = this.checkpointValue === null ? events : events.filter((e) => comparePosition(e.position, this.checkpointValue!) > 0);
    if (fresh.length === 0) return [];
    let changes: RowChange[];
    try {
      changes = this.runBatch(fresh);
    } catch (error) {
      // The transaction rolled back: what the caches learnt from it is not in the database.
      this.forget();
      throw error;
    }
    this.checkpointValue = fresh[fresh.length - 1]!.position;
    if (!this.deferLive && this.cachedEntries > this.maxCached) this.forget();
    return changes;
  }

  /**
   * The largest of the caches kept between batches. The per-track ones count too: a log of many
   * small tracks (a party each) holds few subjects but one registry, one transaction time and one
   * stream per track, which would otherwise grow for as long as the server runs.
   */
  get cachedEntries(): number {
    return Math.max(this.subjects.size + this.sessions.size, this.streamTracks.size, this.registries.size, this.latestKnown.size);
  }

  /** Writes the deferred live tables (deferLiveTables mode). */
  finish(): void {
    if (!this.deferLive) return;
    this.db.transaction(() => {
      this.writeLiveTables(this.checkpointValue ?? '0');
    })();
    this.forget();
  }

  private forget(): void {
    this.streamTracks.clear();
    this.registries.clear();
    this.subjects.clear();
    this.sessions.clear();
    this.latestKnown.clear();
    this.dirtySubjects.clear();
    this.dirtySessions.clear();
    this.dirtyTracks.clear();
    this.dirtyKnowledge.clear();
    this.partyTracks.clear();
  }

  private applyOne(e: IncomingEvent): void {
    const { kind, id } = parseStreamId(e.streamId);
    let trackId: string;
    if (kind === 'track') {
      trackId = id;
      if (e.revision === 0) this.rememberStream(e.streamId, trackId, kind, id);
    } else if (kind === 'session' || isSubjectKind(kind)) {
      const known = this.streamTrack(e.streamId);
      if (known !== null) trackId = known.trackId;
      else {
        const creation = kind === 'session' ? 'SessionScheduled' : CREATION_EVENT[kind as SubjectKind];
        const declared = e.data['trackId'];
        if (e.type !== creation || typeof declared !== 'string') return;
        trackId = declared;
        this.rememberStream(e.streamId, trackId, kind, id);
      }
    } else {
      return;
    }
    this.statements.insertEvent.run(e.position, e.streamId, trackId, e.type, e.effectiveOn, e.recordedAt, e.eventId, e.revision, e.dataJson);
    this.touched.add(trackId);
    if (kind === 'track') this.applyTrackEvent(e, trackId);
    else if (kind === 'session') this.applySessionEvent(e, trackId, id);
    else this.applySubjectEvent(e, trackId, kind as SubjectKind, id);
  }

  private rememberStream(streamId: string, trackId: string, kind: string, id: string): void {
    this.streamTracks.set(streamId, { trackId, kind });
    this.statements.insertStream.run(streamId, trackId, kind, id);
  }

  private streamTrack(streamId: string): { trackId: string; kind: string } | null {
    let known = this.streamTracks.get(streamId);
    if (known === undefined) {
      const row = this.statements.streamOf.get(streamId) as [string, string] | undefined;
      known = row === undefined ? null : { trackId: row[0], kind: row[1] };
      if (known !== null) this.streamTracks.set(streamId, known);
    }
    return known;
  }

  private streamEvents(streamId: string): LedgerEvent[] {
    return (this.statements.streamEvents.all(streamId) as EventRow[]).map(ledgerEventOfRow);
  }

  registry(trackId: string): TrackRegistry | null {
    let registry = this.registries.get(trackId);
    if (registry === undefined) {
      registry = foldRegistry(this.streamEvents(`track-${trackId}`), NO_CUT);
      this.registries.set(trackId, registry);
    }
    return registry;
  }

  /**
   * The transaction time a version starts at. Versions assume that recordedAt grows with position
   * within a track; an event recorded before one already applied (two writers racing) is stamped
   * with the later time, and the window in between is marked untrusted so that queries whose
   * knownAt falls in it are answered by folding instead.
   */
  private knownFrom(trackId: string, recordedAt: string): string {
    let latest = this.latestKnown.get(trackId);
    if (latest === undefined) {
      latest = (this.statements.getKnowledge.get(trackId) as string | undefined) ?? '';
      this.latestKnown.set(trackId, latest);
    }
    if (recordedAt < latest) {
      this.statements.insertWindow.run(trackId, recordedAt, latest);
      return latest;
    }
    if (recordedAt !== latest) {
      this.latestKnown.set(trackId, recordedAt);
      this.dirtyKnowledge.add(trackId);
    }
    return recordedAt;
  }

  private applyTrackEvent(e: IncomingEvent, trackId: string): void {
    const knownFrom = this.knownFrom(trackId, e.recordedAt);
    this.registries.delete(trackId);
    this.dirtyTracks.add(trackId);
    if (e.type !== 'PartyRegistered') return;
    // A party counts from its registration on: only records after it in effective order change.
    const key = { effectiveOn: e.effectiveOn, position: e.position };
    for (const streamId of this.statements.subjectStreamsOfTrack.all(trackId) as string[]) {
      const { kind, id } = parseStreamId(streamId);
      const ctx = this.subjectCtx(streamId, trackId, kind as SubjectKind, id);
      if (ctx.state !== null && compareEffective(key, ctx.state.lastKey) < 0) {
        this.refoldSubject(ctx, knownFrom);
        ctx.position = e.position;
        this.dirtySubjects.add(ctx);
      }
    }
    this.partyTracks.set(trackId, e.position);
  }

  private subjectCtx(streamId: string, trackId: string, kind: SubjectKind, id: string): SubjectCtx {
    let ctx = this.subjects.get(streamId);
    if (ctx !== undefined) return ctx;
    const row = this.statements.loadSubject.get(streamId) as [string, string, string | null] | undefined;
    const last = this.statements.lastVersion.get(streamId, STILL_CURRENT) as [string, string, string] | undefined;
    ctx = {
      streamId,
      trackId,
      kind,
      id,
      state: row === undefined ? null : (JSON.parse(row[0]) as SubjectState),
      last: last === undefined ? null : { date: last[0], knownFrom: last[1], json: last[2] },
      rowJson: row?.[1] ?? null,
      corrections: row?.[2] ?? null,
      stateDirty: false,
      position: null,
    };
    this.subjects.set(streamId, ctx);
    return ctx;
  }

  private applySubjectEvent(e: IncomingEvent, trackId: string, kind: SubjectKind, id: string): void {
    const ctx = this.subjectCtx(e.streamId, trackId, kind, id);
    const knownFrom = this.knownFrom(trackId, e.recordedAt);
    const event = ledgerEventOf(e);
    const inOrder = ctx.state === null ? e.revision === 0 && e.type === CREATION_EVENT[kind] : appliesInOrder(ctx.state, event);
    if (inOrder) {
      const next = evolveSubject(ctx.state, recordOf(event), this.registry(trackId));
      if (next !== null && !this.putPoint(ctx, pointDateOf(next, e.effectiveOn), next, knownFrom)) this.refoldSubject(ctx, knownFrom);
      else ctx.state = next;
    } else {
      this.refoldSubject(ctx, knownFrom);
    }
    ctx.stateDirty = true;
    ctx.position = e.position;
    this.dirtySubjects.add(ctx);
  }

  private closeVersion(streamId: string, date: string, versionKnownFrom: string, knownFrom: string): void {
    if (versionKnownFrom >= knownFrom) this.statements.deleteVersion.run(streamId, date, versionKnownFrom);
    else this.statements.closeVersion.run(knownFrom, streamId, date, versionKnownFrom);
  }

  private insertVersion(ctx: SubjectCtx, date: string, knownFrom: string, json: string): LastPoint {
    this.statements.insertVersion.run(ctx.streamId, date, knownFrom, STILL_CURRENT, json);
    return { date, knownFrom, json };
  }

  /** The in-order case: only the last point of the curve changes. False when the curve is not where it should be. */
  private putPoint(ctx: SubjectCtx, date: string, state: SubjectState, knownFrom: string): boolean {
    const last = ctx.last;
    if (last !== null && last.date > date) return false;
    const json = compactJsonOf(state);
    if (last !== null && last.date === date) {
      if (last.json === json) return true;
      this.closeVersion(ctx.streamId, last.date, last.knownFrom, knownFrom);
    }
    ctx.last = this.insertVersion(ctx, date, knownFrom, json);
    return true;
  }

  /** Recomputes the whole curve under what is known now and replaces the points that changed. */
  private refoldSubject(ctx: SubjectCtx, knownFrom: string): void {
    const timeline = streamTimeline(ctx.streamId, this.streamEvents(ctx.streamId), NO_CUT);
    const curve = subjectCurve(timeline, this.registry(ctx.trackId));
    const fresh = new Map<string, string>();
    for (const point of curve) fresh.set(point.date, compactJsonOf(point.state));
    const kept = new Map<string, LastPoint>();
    for (const [date, versionKnownFrom, json] of this.statements.currentVersions.all(ctx.streamId, STILL_CURRENT) as Array<[string, string, string]>) {
      if (fresh.get(date) === json) kept.set(date, { date, knownFrom: versionKnownFrom, json });
      else this.closeVersion(ctx.streamId, date, versionKnownFrom, knownFrom);
    }
    let last: LastPoint | null = null;
    for (const point of curve) last = kept.get(point.date) ?? this.insertVersion(ctx, point.date, knownFrom, fresh.get(point.date)!);
    ctx.last = last;
    ctx.state = curve.length === 0 ? null : curve[curve.length - 1]!.state;
    const corrections = sessionCorrectionsOf(timeline);
    ctx.corrections = corrections.length === 0 ? null : JSON.stringify(corrections);
    ctx.stateDirty = true;
  }

  private sessionCtx(streamId: string, trackId: string, id: string): SessionCtx {
    let ctx = this.sessions.get(streamId);
    if (ctx !== undefined) return ctx;
    const row = this.statements.loadSession.get(streamId) as [string, string | null] | undefined;
    ctx = { streamId, trackId, id, state: row === undefined ? null : (JSON.parse(row[0]) as SessionState), corrections: row?.[1] ?? null };
    this.sessions.set(streamId, ctx);
    return ctx;
  }

  private applySessionEvent(e: IncomingEvent, trackId: string, id: string): void {
    const ctx = this.sessionCtx(e.streamId, trackId, id);
    const inOrder =
      ctx.state === null
        ? e.revision === 0 && e.type === 'SessionScheduled'
        : e.type !== 'RecordCorrected' && compareEffective({ effectiveOn: e.effectiveOn, position: e.position }, ctx.state.lastKey) > 0;
    if (inOrder) {
      ctx.state = evolveSession(ctx.state, recordOf(ledgerEventOf(e)));
    } else {
      const timeline = streamTimeline(e.streamId, this.streamEvents(e.streamId), NO_CUT);
      ctx.state = foldSessionTimeline(timeline);
      const corrections = sessionCorrectionsOf(timeline);
      ctx.corrections = corrections.length === 0 ? null : JSON.stringify(corrections);
    }
    this.dirtySessions.add(ctx);
  }

  private renderRow(ctx: SubjectCtx): string | null {
    if (ctx.state === null) return null;
    const parties = partyIdsOf(this.registry(ctx.trackId));
    let linked: LinkedCbm[] = [];
    if (ctx.kind === 'norm') {
      linked = (this.statements.linkedCbms.all(ctx.trackId, ctx.id) as Array<[string, string]>).map(([id, status]) => ({ id, status }) as LinkedCbm);
    }
    return JSON.stringify(boardRowOf(ctx.state, parties, linked));
  }

  /** Publishes each CBM's links with its status; returns the norms whose rows must be re-rendered. */
  private publishCbmLinks(ctx: SubjectCtx, affected: Map<string, { trackId: string; normId: string; position: string }>, batchLast: string): void {
    const state = ctx.state?.kind === 'cbm' ? ctx.state : null;
    const before = this.statements.linksOfCbm.all(ctx.trackId, ctx.id) as Array<[string, string]>;
    const after = state === null ? [] : state.linkedNorms.map((normId) => [normId, state.status] as [string, string]);
    if (before.length === after.length && before.every(([n, s], i) => after[i]![0] === n && after[i]![1] === s)) return;
    this.statements.deleteLinksOfCbm.run(ctx.trackId, ctx.id);
    for (const [normId, status] of after) this.statements.insertLink.run(ctx.trackId, normId, ctx.id, status);
    for (const [normId] of [...before, ...after]) {
      affected.set(`norm-${normId}`, { trackId: ctx.trackId, normId, position: ctx.position ?? batchLast });
    }
  }

  private writeLiveTables(batchLast: string): RowChange[] {
    const changes: RowChange[] = [];
    for (const trackId of this.dirtyTracks) {
      const registry = this.registry(trackId);
      if (registry !== null) this.statements.upsertTrack.run(trackId, registry.name, JSON.stringify(registryAnswerOf(registry, NO_CUT)));
    }
    for (const trackId of this.dirtyKnowledge) this.statements.setKnowledge.run(trackId, this.latestKnown.get(trackId)!);
    for (const ctx of this.dirtySessions) {
      if (ctx.state === null || ctx.state.trackId !== ctx.trackId) continue;
      this.statements.upsertSession.run(ctx.streamId, ctx.trackId, ctx.id, ctx.state.number, JSON.stringify(ctx.state), ctx.corrections);
    }

    const toRender = new Map<SubjectCtx, string | null>();
    const affectedNorms = new Map<string, { trackId: string; normId: string; position: string }>();
    for (const ctx of this.dirtySubjects) {
      toRender.set(ctx, ctx.position);
      if (ctx.kind === 'cbm') this.publishCbmLinks(ctx, affectedNorms, batchLast);
    }
    for (const [streamId, { trackId, normId, position }] of affectedNorms) {
      if (this.streamTrack(streamId)?.trackId !== trackId) continue;
      const ctx = this.subjectCtx(streamId, trackId, 'norm', normId);
      if (!toRender.has(ctx)) toRender.set(ctx, position);
    }
    for (const [trackId, position] of this.partyTracks) {
      for (const streamId of this.statements.subjectStreamsOfTrack.all(trackId) as string[]) {
        const { kind, id } = parseStreamId(streamId);
        const ctx = this.subjectCtx(streamId, trackId, kind as SubjectKind, id);
        if (!toRender.has(ctx)) toRender.set(ctx, position);
      }
    }

    for (const [ctx, position] of toRender) {
      const row = this.renderRow(ctx);
      if (row === null || ctx.state === null || ctx.state.trackId !== ctx.trackId) continue;
      if (ctx.stateDirty) {
        this.statements.upsertSubject.run(ctx.streamId, ctx.trackId, SUBJECT_SORT[ctx.kind], ctx.id, JSON.stringify(ctx.state), row, ctx.corrections);
        ctx.stateDirty = false;
      } else if (row !== ctx.rowJson) {
        this.statements.updateRow.run(row, ctx.streamId);
      }
      if (row !== ctx.rowJson) changes.push({ trackId: ctx.trackId, streamId: ctx.streamId, position: position ?? batchLast, row });
      ctx.rowJson = row;
      ctx.position = null;
    }
    this.dirtySubjects.clear();
    this.dirtySessions.clear();
    this.dirtyTracks.clear();
    this.dirtyKnowledge.clear();
    this.partyTracks.clear();
    return changes;
  }
}
