/**
 * The bulk path of a rebuild from the SQLite store: the same answers as replaying the log through
 * the Projector (projector.ts), computed track by track in memory.
 *
 * Why per track: everything the Projector derives for an event depends only on the events of the
 * same track that precede it (the track registry, the subject's own stream, the track's latest
 * recordedAt), so one track's events, sorted by position, can be folded with the Projector's rules
 * without any read-back from SQLite: a refold (correction, late entry, party registered in the past)
 * takes the stream's events from memory, and a version is closed in memory and written once, with
 * its final known_to (a version whose transaction-time interval ends up empty is never written).
 * Memory is bounded by one track's events. The store is read through its raw log (RawLog, which
 * SQLite reads through its (stream_id, revision) index), one stream at a time, up to the head
 * position taken at the start: events appended during the build are left to the live projection,
 * which resumes from that checkpoint.
 *
 * Secondary indexes of the read-model database are dropped before the load and created after it,
 * and the file is written with synchronous = OFF and an in-memory journal: a rebuild writes a file
 * nobody reads until it is complete.
 */
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { schemaVersionOfText, upcastData } from '../../shared/event-store/event-schema.js';
import type { RawLog } from '../../shared/event-store/raw-log.port.js';
import { parseStoredJson, type StoredAt } from '../../shared/event-store/stored-json.js';
import { boardRowOf, type LinkedCbm } from '../projections/board.projection.js';
import { NO_CUT } from '../projections/cut.js';
import { compareEffective, comparePosition, parseStreamId, type LedgerEvent } from '../projections/ledger-event.js';
import { CREATION_EVENT, type SubjectKind } from '../projections/ledger-payloads.js';
import { foldRegistry, partyIdsOf, registryAnswerOf, type TrackRegistry } from '../projections/registry.projection.js';
import { evolveSession, foldSessionTimeline, type SessionState } from '../projections/session.projection.js';
import { appliesInOrder, evolveSubject, type SubjectState } from '../projections/subject.projection.js';
import { recordOf, streamTimeline } from '../projections/timeline.projection.js';
import { isSubjectKind, sessionCorrectionsOf } from '../projections/track.projection.js';
import { SUBJECT_SORT } from './projector.js';
import { CHECKPOINT_EVENT, checkpointEventJson } from './read-model.checkpoint.js';
import { rollbackQuietly, STILL_CURRENT, type ReadModelDb } from './read-model.database.js';
import { compactJsonOf, pointDateOf, subjectCurve } from './subject-curve.js';

/**
 * Closed versions held in memory before they are written (characters of state JSON, about as many
 * bytes): small enough to leave most of the worker's heap bound to the track's events, large
 * enough that most subjects' versions are still written in one run of keys.
 */
const CLOSED_CHARS_HELD = 16_000_000;

/** Indexes created after the load (names and definitions as in read-model.database.ts). */
const DEFERRED_INDEXES: ReadonlyArray<[name: string, definition: string]> = [
  ['ledger_events_by_stream', 'ledger_events (stream_id, seq)'],
  ['ledger_events_by_track', 'ledger_events (track_id, seq)'],
  ['streams_by_track', 'streams (track_id, kind, id)'],
  ['subjects_by_track', 'subjects (track_id, sort, id, row)'],
  ['sessions_by_track', 'sessions (track_id, number, session_id)'],
  ['versions_by_cut', 'versions (stream_id, effective_from, known_from, known_to)'],
];


/**
 * effectiveOn and recordedAt without parsing the whole metadata: the pattern `"key":"` cannot occur
 * inside a JSON string (its quotes would be escaped), so a single occurrence is the key itself.
 * Anything unusual (escapes, a repeated key, a non-string) goes through JSON.parse.
 */
const stringField = (json: string, key: string): string | null | undefined => {
  const pattern = `"${key}":"`;
  const at = json.indexOf(pattern);
  if (at < 0 || json.indexOf(pattern, at + pattern.length) >= 0) return undefined;
  const start = at + pattern.length;
  const end = json.indexOf('"', start);
  if (end < 0) return undefined;
  const value = json.slice(start, end);
  return value.includes('\\') ? undefined : value;
};

const metadataOf = (json: string, at: StoredAt): { effectiveOn: string; recordedAt: string } => {
  let recordedAt = stringField(json, 'recordedAt');
  let effectiveOn = stringField(json, 'effectiveOn');
  if (recordedAt === undefined || effectiveOn === undefined || recordedAt === null || effectiveOn === null) {
    const metadata = parseStoredJson(json, at, 'metadata');
    recordedAt = typeof metadata['recordedAt'] === 'string' ? metadata['recordedAt'] : '';
    effectiveOn = typeof metadata['effectiveOn'] === 'string' ? metadata['effectiveOn'] : recordedAt.slice(0, 10);
  }
  return { effectiveOn, recordedAt };
};

interface Version {
  readonly date: string;
  readonly knownFrom: string;
  readonly json: string;
}

interface SubjectCtx {
  readonly streamId: string;
  readonly kind: SubjectKind;
  readonly id: string;
  state: SubjectState | null;
  /** The current versions (known_to still open), by date ascending. */
  current: Version[];
  /** The state of each current version, same index. */
  points: SubjectState[];
  /** Versions replaced so far, with their known_to: written at the end of the track. */
  closed: Array<readonly [Version, string]>;
  /** A correction or a second creation record was seen: late entries then refold the whole stream. */
  irregular: boolean;
  corrections: string | null;
}

interface SessionCtx {
  readonly streamId: string;
  readonly id: string;
  state: SessionState | null;
  corrections: string | null;
}

/** A stream of one track and the position from which its events count (its creation event). */
export interface TrackStream {
  readonly streamId: string;
  readonly kind: string;
  readonly id: string;
  /** Null: every event (track streams); else the position of the creation event. */
  readonly from: number | null;
}

export interface BulkResult {
  /** Every event up to the head (a part: the events of its tracks). */
  readonly events: number;
}

/** Tracks in track id order, each with its streams: the whole log's (discoverTracks) or one thread's share. */
export type TrackRun = ReadonlyArray<readonly [trackId: string, streams: readonly TrackStream[]]>;

/** One part of a parallel rebuild (parallel-build.ts): its tracks, up to the head every part shares. */
export interface BulkPart {
  readonly head: number;
  readonly tracks: TrackRun;
}

/** The `index`-th of `of` runs of consecutive tracks, as even in number as they can be. */
export const runOf = (tracks: TrackRun, index: number, of: number): TrackRun =>
  tracks.slice(Math.floor((index * tracks.length) / of), Math.floor(((index + 1) * tracks.length) / of));

/** Empties every read model of `db` and drops the indexes created after the load (finishBulkTarget). */
export const prepareBulkTarget = (db: ReadModelDb): void => {
  if (db.name !== ':memory:') {
    db.pragma('journal_mode = MEMORY');
    db.pragma('synchronous = OFF');
  }
  db.exec('BEGIN');
  try {
    for (const table of ['ledger_events', 'streams', 'tracks', 'subjects', 'sessions', 'cbm_links', 'versions', 'knowledge', 'untrusted_windows']) db.exec(`DELETE FROM ${table}`);
    db.prepare("DELETE FROM meta WHERE key IN ('checkpoint', ?)").run(CHECKPOINT_EVENT);
    for (const [name] of DEFERRED_INDEXES) db.exec(`DROP INDEX IF EXISTS ${name}`);
    db.exec('COMMIT');
  } catch (error) {
    rollbackQuietly(db);
    throw error;
  }
};

/**
 * The checkpoint (`head`, read from `source`, the store's raw log) with the event at it, the
 * indexes dropped by prepareBulkTarget, and the usual durability again.
 */
export const finishBulkTarget = async (db: ReadModelDb, source: RawLog, head: number): Promise<void> => {
  if (head > 0) {
    const at = source.eventAt(head);
    const upsert = db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value');
    db.transaction(() => {
      upsert.run('checkpoint', String(head));
      if (at !== undefined) upsert.run(CHECKPOINT_EVENT, checkpointEventJson({ streamId: at[0], revision: at[1], eventId: at[2] }));
    })();
  }
  for (const [name, definition] of DEFERRED_INDEXES) {
    db.exec(`CREATE INDEX IF NOT EXISTS ${name} ON ${definition}`);
    await yieldToEventLoop();
  }
  if (db.name !== ':memory:') {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
  }
};

/** Which streams belong to which track up to `head`, from each stream's creation event (as Projector.applyOne decides). */
export const discoverTracks = async (source: RawLog, head: number): Promise<TrackRun> => {
  const tracks = new Map<string, TrackStream[]>();
  const addStream = (trackId: string, stream: TrackStream): void => {
    const list = tracks.get(trackId);
    if (list === undefined) tracks.set(trackId, [stream]);
    else list.push(stream);
  };
  let after = '';
  let seen = 0;
  for (;;) {
    const first = source.firstOfNextStream(after, head);
    if (first === undefined) break;
    const streamId = first[1];
    after = streamId;
    const { kind, id } = parseStreamId(streamId);
    if (kind === 'track') addStream(id, { streamId, kind, id, from: null });
    else if (kind === 'session' || isSubjectKind(kind)) {
      const creation = kind === 'session' ? 'SessionScheduled' : CREATION_EVENT[kind];
      const rows = first[4] === creation ? [first] : source.streamRows(streamId, head);
      for (const row of rows) {
        if (row[4] !== creation) continue;
        const at = { position: row[0], streamId: row[1], revision: row[2], type: row[4] };
        const declared = upcastData(at, schemaVersionOfText(row[6], at), parseStoredJson(row[5], at, 'data'))['trackId'];
        if (typeof declared !== 'string') continue;
        addStream(declared, { streamId, kind, id, from: row[0] });
        break;
      }
    }
    if (++seen % 2000 === 0) await yieldToEventLoop();
  }
  return [...tracks.keys()].sort().map((trackId) => [trackId, tracks.get(trackId)!] as const);
};

/**
 * Builds every read model of the log into `db`; given a `part`, only that part's tracks, and stops
 * there: no checkpoint and no deferred index (parallel-build.ts appends the parts and finishes).
 */
export const bulkBuild = async (
  source: RawLog,
  db: ReadModelDb,
  onProgress: ((done: number, total: number) => void) | undefined,
  part?: BulkPart,
  closedCharsHeld = CLOSED_CHARS_HELD,
): Promise<BulkResult> => {
  // A part counts only its own events: the total is the coordinator's.
  const { head, total } = part === undefined ? source.extent() : { head: part.head, total: 0 };
  const tracks = part?.tracks ?? (await discoverTracks(source, head));

  prepareBulkTarget(db);

  const writer = new TrackWriter(db);
  let done = 0;
  for (const [trackId, streams] of tracks) {
    const events: LedgerEvent[] = [];
    const { insertEvent, insertStream } = writer.statements;
    db.exec('BEGIN');
    try {
      // ledger_events is written as the streams are read (stream by stream within the track): its
      // readers order by position themselves, and the payload strings need not wait for the fold.
      for (const stream of streams) {
        for (const row of source.streamRows(stream.streamId, head)) {
          if (stream.from !== null && row[0] < stream.from) continue;
          const at = { position: row[0], streamId: row[1], revision: row[2], type: row[4] };
          const metadata = metadataOf(row[6], at);
          const stored = parseStoredJson(row[5], at, 'data');
          const data = upcastData(at, schemaVersionOfText(row[6], at), stored);
          if (stream.from === null ? row[2] === 0 : row[0] === stream.from) insertStream.run(stream.streamId, trackId, stream.kind, stream.id);
          // A bound JS number is a REAL: the position column must get the canonical decimal string.
          const position = String(row[0]);
          // The read models keep the payload in this build's shape.
          insertEvent.run(position, row[1], trackId, row[4], metadata.effectiveOn, metadata.recordedAt, row[3], row[2], data === stored ? row[5] : JSON.stringify(data));
          events.push({ position, streamId: row[1], revision: row[2], eventId: row[3], type: row[4], data, metadata });
        }
      }
      events.sort((a, b) => comparePosition(a.position, b.position));
      new TrackFold(writer, trackId, closedCharsHeld).run(events);
      db.exec('COMMIT');
    } catch (error) {
      rollbackQuietly(db);
      throw error;
    }
    done += events.length;
    onProgress?.(done, Math.max(total, done));
    await yieldToEventLoop();
  }
  if (part !== undefined) return { events: done };

  await finishBulkTarget(db, source, head);
  onProgress?.(total, total);
  return { events: total };
};

class TrackWriter {
  readonly statements;

  constructor(readonly db: ReadModelDb) {
    this.statements = {
      insertEvent: db.prepare(
        'INSERT INTO ledger_events (position, stream_id, track_id, type, effective_on, recorded_at, event_id, revision, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      insertStream: db.prepare('INSERT OR IGNORE INTO streams (stream_id, track_id, kind, id) VALUES (?, ?, ?, ?)'),
      insertSubject: db.prepare('INSERT OR REPLACE INTO subjects (stream_id, track_id, sort, id, state, row, session_corrections) VALUES (?, ?, ?, ?, ?, ?, ?)'),
      insertSession: db.prepare('INSERT OR REPLACE INTO sessions (stream_id, track_id, session_id, number, state, session_corrections) VALUES (?, ?, ?, ?, ?, ?)'),
      insertTrack: db.prepare('INSERT OR REPLACE INTO tracks (track_id, name, registry) VALUES (?, ?, ?)'),
      insertVersion: db.prepare('INSERT INTO versions (stream_id, effective_from, known_from, known_to, state) VALUES (?, ?, ?, ?, ?)'),
      insertLink: db.prepare('INSERT OR REPLACE INTO cbm_links (track_id, norm_id, cbm_id, status) VALUES (?, ?, ?, ?)'),
      setKnowledge: db.prepare('INSERT OR REPLACE INTO knowledge (track_id, latest) VALUES (?, ?)'),
      insertWindow: db.prepare('INSERT INTO untrusted_windows (track_id, known_from, known_to) VALUES (?, ?, ?)'),
    };
  }

  /**
   * One subject's versions, in key order (date, then known_from): subjects are written in stream
   * order, so the clustered table grows at the end of each run of keys, without page splits.
   */
  writeVersions(streamId: string, versions: Array<readonly [Version, string]>): void {
    versions.sort(([a], [b]) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.knownFrom < b.knownFrom ? -1 : a.knownFrom > b.knownFrom ? 1 : 0));
    const insert = this.statements.insertVersion;
    for (const [v, knownTo] of versions) insert.run(streamId, v.date, v.knownFrom, knownTo, v.json);
  }
}

/** One track's events through the Projector's rules, in memory. */
class TrackFold {
  private registryCache: TrackRegistry | null | undefined;
  private readonly trackEvents: LedgerEvent[] = [];
  private readonly streamEvents = new Map<string, LedgerEvent[]>();
  private readonly subjects = new Map<string, SubjectCtx>();
  private readonly sessions = new Map<string, SessionCtx>();
  private latest = '';
  private trackTouched = false;
  /** Characters of state JSON in the closed versions not yet written (flushClosed). */
  private closedChars = 0;

  constructor(
    private readonly writer: TrackWriter,
    private readonly trackId: string,
    private readonly closedCharsHeld: number,
  ) {}

  private registry(): TrackRegistry | null {
    if (this.registryCache === undefined) this.registryCache = foldRegistry(this.trackEvents, NO_CUT);
    return this.registryCache;
  }

  private knownFrom(recordedAt: string): string {
    if (recordedAt < this.latest) {
      this.writer.statements.insertWindow.run(this.trackId, recordedAt, this.latest);
      return this.latest;
    }
    this.latest = recordedAt;
    return recordedAt;
  }

  run(events: readonly LedgerEvent[]): void {
    for (const e of events) {
      const { kind, id } = parseStreamId(e.streamId);
      let list = this.streamEvents.get(e.streamId);
      if (list === undefined) this.streamEvents.set(e.streamId, (list = []));
      list.push(e);
      if (kind === 'track') this.applyTrackEvent(e);
      else if (kind === 'session') this.applySessionEvent(e, id);
      else this.applySubjectEvent(e, kind as SubjectKind, id);
    }
    this.finish();
  }

  private applyTrackEvent(e: LedgerEvent): void {
    const knownFrom = this.knownFrom(e.metadata.recordedAt);
    this.trackEvents.push(e);
    this.registryCache = undefined;
    this.trackTouched = true;
    if (e.type !== 'PartyRegistered') return;
    const key = { effectiveOn: e.metadata.effectiveOn, position: e.position };
    for (const ctx of this.subjects.values()) {
      if (ctx.state !== null && compareEffective(key, ctx.state.lastKey) < 0) this.refoldSubject(ctx, knownFrom);
    }
  }

  private applySubjectEvent(e: LedgerEvent, kind: SubjectKind, id: string): void {
    let ctx = this.subjects.get(e.streamId);
    if (ctx === undefined) {
      ctx = { streamId: e.streamId, kind, id, state: null, current: [], points: [], closed: [], irregular: false, corrections: null };
      this.subjects.set(e.streamId, ctx);
    }
    const knownFrom = this.knownFrom(e.metadata.recordedAt);
    if (ctx.state !== null && (e.type === 'RecordCorrected' || e.type === CREATION_EVENT[kind])) ctx.irregular = true;
    const inOrder = ctx.state === null ? e.revision === 0 && e.type === CREATION_EVENT[kind] : appliesInOrder(ctx.state, e);
    if (inOrder) {
      const next = evolveSubject(ctx.state, recordOf(e), this.registry());
      if (next !== null && !this.putPoint(ctx, pointDateOf(next, e.metadata.effectiveOn), next, knownFrom)) this.refoldSubject(ctx, knownFrom);
      else ctx.state = next;
    } else if (!ctx.irregular && ctx.state !== null && e.metadata.effectiveOn > ctx.state.createdOn) {
      this.refoldFrom(ctx, e.metadata.effectiveOn, knownFrom);
    } else {
      this.refoldSubject(ctx, knownFrom);
    }
  }

  /**
   * A late entry in a stream without corrections: the curve before its date cannot change (records
   * there come first in effective order, and the registry has not changed under them, or a party
   * refold would have recomputed them), so the fold restarts from the last point before that date
   * and only the records on or after it are applied again; the result is the full refold's.
   */
  private refoldFrom(ctx: SubjectCtx, from: string, knownFrom: string): void {
    const i = ctx.current.findIndex((v) => v.date >= from);
    if (i <= 0) {
      this.refoldSubject(ctx, knownFrom);
      return;
    }
    const records = this.streamEvents.get(ctx.streamId)!.filter((ev) => ev.metadata.effectiveOn >= from);
    // The creation record dated on or after `from` (it takes effect at the earliest record, foldedRecords): a full refold places it.
    if (records.some((ev) => ev.type === CREATION_EVENT[ctx.kind])) {
      this.refoldSubject(ctx, knownFrom);
      return;
    }
    records.sort((a, b) => compareEffective({ effectiveOn: a.metadata.effectiveOn, position: a.position }, { effectiveOn: b.metadata.effectiveOn, position: b.position }));
    const registry = this.registry();
    let state: SubjectState | null = ctx.points[i - 1]!;
    const suffix: Array<{ date: string; state: SubjectState }> = [];
    for (let k = 0; k < records.length; k += 1) {
      state = evolveSubject(state, recordOf(records[k]!), registry);
      const date = records[k]!.metadata.effectiveOn;
      if (state !== null && records[k + 1]?.metadata.effectiveOn !== date) suffix.push({ date, state });
    }
    const fresh = new Map<string, string>();
    for (const point of suffix) fresh.set(point.date, compactJsonOf(point.state));
    const kept = new Map<string, Version>();
    for (const v of ctx.current.slice(i)) {
      if (fresh.get(v.date) === v.json) kept.set(v.date, v);
      else this.close(ctx, v, knownFrom);
    }
    ctx.current = [...ctx.current.slice(0, i), ...suffix.map((p) => kept.get(p.date) ?? { date: p.date, knownFrom, json: fresh.get(p.date)! })];
    ctx.points = [...ctx.points.slice(0, i), ...suffix.map((p) => p.state)];
    ctx.state = ctx.points[ctx.points.length - 1]!;
  }

  /** A version replaced: written with its final known_to, or dropped when that interval is empty. */
  private close(ctx: SubjectCtx, v: Version, knownFrom: string): void {
    if (v.knownFrom >= knownFrom) return;
    ctx.closed.push([v, knownFrom]);
    this.closedChars += v.json.length;
    if (this.closedChars > this.closedCharsHeld) this.flushClosed();
  }

  /**
   * Writes the closed versions held so far: a closed version is final (its known_to is set), and
   * holding every one until the end of the track made a track of many parties (each version a
   * state of 57 stances) need more heap than the worker's bound.
   */
  private flushClosed(): void {
    for (const ctx of this.subjects.values()) {
      if (ctx.closed.length === 0) continue;
      this.writer.writeVersions(ctx.streamId, ctx.closed);
      ctx.closed = [];
    }
    this.closedChars = 0;
  }

  private putPoint(ctx: SubjectCtx, date: string, state: SubjectState, knownFrom: string): boolean {
    const current = ctx.current;
    const last = current.length === 0 ? null : current[current.length - 1]!;
    if (last !== null && last.date > date) return false;
    const json = compactJsonOf(state);
    if (last !== null && last.date === date) {
      ctx.points[ctx.points.length - 1] = state;
      if (last.json === json) return true;
      this.close(ctx, last, knownFrom);
      current[current.length - 1] = { date, knownFrom, json };
    } else {
      current.push({ date, knownFrom, json });
      ctx.points.push(state);
    }
    return true;
  }

  private refoldSubject(ctx: SubjectCtx, knownFrom: string): void {
    const timeline = streamTimeline(ctx.streamId, this.streamEvents.get(ctx.streamId) ?? [], NO_CUT);
    const curve = subjectCurve(timeline, this.registry());
    const kept = new Map<string, Version>();
    const fresh = new Map<string, string>();
    for (const point of curve) fresh.set(point.date, compactJsonOf(point.state));
    for (const v of ctx.current) {
      if (fresh.get(v.date) === v.json) kept.set(v.date, v);
      else this.close(ctx, v, knownFrom);
    }
    ctx.current = curve.map((point) => kept.get(point.date) ?? { date: point.date, knownFrom, json: fresh.get(point.date)! });
    ctx.points = curve.map((point) => point.state);
    ctx.state = curve.length === 0 ? null : curve[curve.length - 1]!.state;
    const corrections = sessionCorrectionsOf(timeline);
    ctx.corrections = corrections.length === 0 ? null : JSON.stringify(corrections);
  }

  private applySessionEvent(e: LedgerEvent, id: string): void {
    let ctx = this.sessions.get(e.streamId);
    if (ctx === undefined) {
      ctx = { streamId: e.streamId, id, state: null, corrections: null };
      this.sessions.set(e.streamId, ctx);
    }
    const inOrder =
      ctx.state === null
        ? e.revision === 0 && e.type === 'SessionScheduled'
        : e.type !== 'RecordCorrected' && compareEffective({ effectiveOn: e.metadata.effectiveOn, position: e.position }, ctx.state.lastKey) > 0;
    if (inOrder) {
      ctx.state = evolveSession(ctx.state, recordOf(e));
    } else {
      const timeline = streamTimeline(e.streamId, this.streamEvents.get(e.streamId)!, NO_CUT);
      ctx.state = foldSessionTimeline(timeline);
      const corrections = sessionCorrectionsOf(timeline);
      ctx.corrections = corrections.length === 0 ? null : JSON.stringify(corrections);
    }
  }

  /** The live tables and the current versions, as Projector.writeLiveTables leaves them at the end of a replay. */
  private finish(): void {
    const s = this.writer.statements;
    const trackId = this.trackId;
    const registry = this.registry();
    if (this.trackTouched && registry !== null) s.insertTrack.run(trackId, registry.name, JSON.stringify(registryAnswerOf(registry, NO_CUT)));
    if (this.latest !== '') s.setKnowledge.run(trackId, this.latest);
    for (const ctx of this.sessions.values()) {
      if (ctx.state === null || ctx.state.trackId !== trackId) continue;
      s.insertSession.run(ctx.streamId, trackId, ctx.id, ctx.state.number, JSON.stringify(ctx.state), ctx.corrections);
    }
    const linked = new Map<string, LinkedCbm[]>();
    const cbms = [...this.subjects.values()].filter((ctx) => ctx.kind === 'cbm' && ctx.state?.kind === 'cbm').sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    for (const ctx of cbms) {
      const state = ctx.state!;
      if (state.kind !== 'cbm') continue;
      for (const normId of state.linkedNorms) {
        s.insertLink.run(trackId, normId, ctx.id, state.status);
        let list = linked.get(normId);
        if (list === undefined) linked.set(normId, (list = []));
        list.push({ id: ctx.id, status: state.status });
      }
    }
    const parties = partyIdsOf(registry);
    const byStream = [...this.subjects.values()].sort((a, b) => (a.streamId < b.streamId ? -1 : a.streamId > b.streamId ? 1 : 0));
    for (const ctx of byStream) {
      for (const v of ctx.current) ctx.closed.push([v, STILL_CURRENT]);
      this.writer.writeVersions(ctx.streamId, ctx.closed);
      ctx.closed = [];
      if (ctx.state === null || ctx.state.trackId !== trackId) continue;
      const row = JSON.stringify(boardRowOf(ctx.state, parties, ctx.kind === 'norm' ? (linked.get(ctx.id) ?? []) : []));
      s.insertSubject.run(ctx.streamId, trackId, SUBJECT_SORT[ctx.kind], ctx.id, JSON.stringify(ctx.state), row, ctx.corrections);
    }
  }
}
