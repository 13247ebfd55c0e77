/**
 * Answers from the read-model database. Without a cut every answer comes from the live tables.
 * With a cut, the board (and the matrix, which is a view of it) comes from the bitemporal index;
 * the other answers fold the track's events from `ledger_events` under the cut with the pure folds,
 * which is correct by construction and fast enough for answers that have no latency target.
 */
import { boardOf, boardRowOf, linkedCbmsByNorm, withPartiesTakingPart, subjectDetailOf, type Board, type BoardRow, type LinkedCbm, type StanceCell, type StanceMatrix, type SubjectDetail } from '../projections/board.projection.js';
import { hasCut, NO_CUT, type ResolvedCut } from '../projections/cut.js';
import { parseStreamId, type LedgerEvent } from '../projections/ledger-event.js';
import type { RecordCorrectedData, SubjectKind } from '../projections/ledger-payloads.js';
import { sessionDetailOf, sessionRegisterOf, type SessionDetail, type SessionRegister } from '../projections/register.projection.js';
import { foldRegistry, partyIdsOf, registryAnswerOf, type RegistryAnswer, type TrackListAnswer, type TrackRegistry } from '../projections/registry.projection.js';
import type { SessionState } from '../projections/session.projection.js';
import { foldSubjectTimeline, type SubjectState } from '../projections/subject.projection.js';
import { streamTimeline } from '../projections/timeline.projection.js';
import { compareSubjects, foldTrack, isSubjectKind, trackListOf, type SessionCorrectionRef, type TrackProjection } from '../projections/track.projection.js';
import { EVENT_COLUMNS, ledgerEventOfRow } from './projector.js';
import type { ReadModelDb } from './read-model.database.js';
import { stateOfCompact, type CompactState } from './subject-curve.js';
import { ownValue } from '../../shared/domain/ids.js';

/** An answer already serialised (the live board is served as stored). */
export class RawJson {
  constructor(readonly json: string) {}
}

const FAR_FUTURE_DAY = '9999-12-31';
const FAR_FUTURE_INSTANT = '9999-12-31T23:59:59.999Z';

type EventRow = Parameters<typeof ledgerEventOfRow>[0];

/**
 * Each subject stream of a track (those `kinds` selects) as of the cut: per stream, a walk of
 * versions_by_cut (keys and known_to, no state) to the version in force, then its state by key.
 * No version in force: the key is null, nothing matches, and the state is null.
 */
const versionsAtSql = (kinds: string): string =>
  `SELECT (SELECT v.state FROM versions v
            WHERE v.stream_id = s.stream_id AND (v.effective_from, v.known_from) = (
              SELECT i.effective_from, i.known_from FROM versions i
               WHERE i.stream_id = s.stream_id AND i.effective_from <= @asOf AND i.known_from <= @knownAt AND i.known_to > @knownAt
               ORDER BY i.effective_from DESC, i.known_from DESC LIMIT 1))
     FROM streams s WHERE s.track_id = @trackId AND ${kinds}`;

export class ReadModelQueries {
  private readonly statements;

  constructor(readonly db: ReadModelDb) {
    this.statements = {
      trackList: db.prepare('SELECT track_id, name FROM tracks ORDER BY track_id').raw(),
      registry: db.prepare('SELECT registry FROM tracks WHERE track_id = ?').pluck(),
      streamTrack: db.prepare('SELECT track_id FROM streams WHERE stream_id = ?').pluck(),
      liveRows: db.prepare('SELECT row FROM subjects WHERE track_id = ? ORDER BY sort, id').pluck(),
      liveRow: db.prepare('SELECT row FROM subjects WHERE stream_id = ?').pluck(),
      liveSessions: db.prepare('SELECT state, session_corrections FROM sessions WHERE track_id = ? ORDER BY number, session_id').raw(),
      liveSubjectsWithDecisions: db.prepare(`SELECT state FROM subjects WHERE track_id = ? AND state LIKE '%"decisions":[{%'`).pluck(),
      liveSubjectCorrections: db.prepare('SELECT session_corrections FROM subjects WHERE track_id = ? AND session_corrections IS NOT NULL').pluck(),
      trackEvents: db.prepare(`SELECT ${EVENT_COLUMNS} FROM ledger_events WHERE track_id = ? ORDER BY seq`).raw(),
      streamEvents: db.prepare(`SELECT ${EVENT_COLUMNS} FROM ledger_events WHERE stream_id = ? ORDER BY seq`).raw(),
      trackStreamEvents: db.prepare(`SELECT ${EVENT_COLUMNS} FROM ledger_events WHERE stream_id >= 'track-' AND stream_id < 'track.' ORDER BY seq`).raw(),
      untrusted: db.prepare('SELECT 1 FROM untrusted_windows WHERE track_id = ? AND known_from <= ? AND known_to > ? LIMIT 1').pluck(),
      earliestRecord: db.prepare('SELECT MIN(effective_on) FROM ledger_events WHERE track_id = ? AND recorded_at <= ?').pluck(),
      correctionData: db.prepare("SELECT data FROM ledger_events WHERE track_id = ? AND type = 'RecordCorrected' AND recorded_at <= ?").pluck(),
      versionsAt: db.prepare(versionsAtSql("s.kind IN ('norm', 'cbm', 'topic')")).pluck(),
      // A norm's detail under a cut needs the CBMs' states alone (the links they make), not every subject's.
      cbmVersionsAt: db.prepare(versionsAtSql("s.kind = 'cbm'")).pluck(),
      // What the session register needs of a track under a cut (registerTrackAt).
      sessionStreams: db.prepare("SELECT stream_id FROM streams WHERE track_id = ? AND kind = 'session'").pluck(),
      decisionsAndCorrections: db.prepare(
        `SELECT ${EVENT_COLUMNS} FROM ledger_events WHERE track_id = ? AND type IN ('DecisionRecorded', 'RecordCorrected') AND recorded_at <= ? ORDER BY seq`,
      ).raw(),
      firstOfStream: db.prepare(`SELECT ${EVENT_COLUMNS} FROM ledger_events WHERE stream_id = ? ORDER BY seq LIMIT 1`).raw(),
      eventOfStream: db.prepare(`SELECT ${EVENT_COLUMNS} FROM ledger_events WHERE stream_id = ? AND event_id = ? ORDER BY seq`).raw(),
      // instr first spares parsing the stream's other statements: data is JSON.stringify's or the store's JCS text, which both write a string as JSON.stringify does.
      statementOfStream: db.prepare(
        `SELECT ${EVENT_COLUMNS} FROM ledger_events WHERE stream_id = @streamId AND type = 'PositionStated' AND instr(data, @needle) > 0 AND json_extract(data, '$.statementId') = @statementId ORDER BY seq`,
      ).raw(),
    };
  }

  private events(rows: unknown[]): LedgerEvent[] {
    return (rows as EventRow[]).map(ledgerEventOfRow);
  }

  private trackEvents(trackId: string): LedgerEvent[] {
    return this.events(this.statements.trackEvents.all(trackId));
  }

  private streamEvents(streamId: string): LedgerEvent[] {
    return this.events(this.statements.streamEvents.all(streamId));
  }

  trackExists(trackId: string): boolean {
    return this.statements.registry.get(trackId) !== undefined;
  }

  /** The track of a session or subject stream; null when it does not exist. */
  trackOf(streamId: string): string | null {
    return (this.statements.streamTrack.get(streamId) as string | undefined) ?? null;
  }

  trackList(cut: ResolvedCut): TrackListAnswer {
    if (!hasCut(cut)) {
      return { tracks: (this.statements.trackList.all() as Array<[string, string]>).map(([trackId, name]) => ({ trackId, name })) };
    }
    return trackListOf(this.events(this.statements.trackStreamEvents.all()), cut, (trackId) => this.trackAt(trackId, cut) !== null);
  }

  /** Null when the track does not exist (under the cut). */
  registry(trackId: string, cut: ResolvedCut): RawJson | RegistryAnswer | null {
    if (!hasCut(cut)) {
      const json = this.statements.registry.get(trackId) as string | undefined;
      return json === undefined ? null : new RawJson(json);
    }
    const registry = foldRegistry(this.streamEvents(`track-${trackId}`), cut) ?? this.trackAt(trackId, cut)?.registry ?? null;
    return registry === null ? null : registryAnswerOf(registry, cut);
  }

  /** GET /tracks/:trackId/board; null when the track does not exist. */
  board(trackId: string, cut: ResolvedCut): RawJson | Board | null {
    if (!this.trackExists(trackId)) return null;
    if (!hasCut(cut)) {
      const rows = this.statements.liveRows.all(trackId) as string[];
      return new RawJson(`{"trackId":${JSON.stringify(trackId)},"asOf":null,"knownAt":null,"rows":[${rows.join(',')}]}`);
    }
    const at = this.rowsAt(trackId, cut);
    return at === null ? null : { trackId, asOf: cut.asOf, knownAt: cut.knownAt, rows: at.rows };
  }

  /**
   * Whether the track may exist under the cut: some record of it, known then, is dated by asOf, as
   * recorded or as a correction moved it (a corrected effectiveOn or heldOn). False spares folding
   * the whole track to find that it did not exist yet (foldTrack decides when true).
   */
  private mayExistAt(trackId: string, cut: ResolvedCut): boolean {
    if (!hasCut(cut)) return true;
    const knownAt = cut.knownAt ?? FAR_FUTURE_INSTANT;
    const earliest = this.statements.earliestRecord.get(trackId, knownAt) as string | null;
    // Nothing of the track recorded by knownAt: it did not exist as the ledger knew it then.
    if (earliest === null) return false;
    if (cut.asOf === null) return true;
    if (earliest <= cut.asOf) return true;
    for (const json of this.statements.correctionData.all(trackId, knownAt) as string[]) {
      const changes = (JSON.parse(json) as { changes?: Array<{ field?: unknown; to?: unknown }> }).changes ?? [];
      for (const { field, to } of changes) {
        if ((field === 'effectiveOn' || field === 'heldOn') && typeof to === 'string' && to <= cut.asOf) return true;
      }
    }
    return false;
  }

  /** Whether the index can answer this cut for this track (else: fold). */
  private indexAnswers(trackId: string, cut: ResolvedCut, registry: TrackRegistry | null): boolean {
    // Versions were folded with the whole registry known then; with no track under the cut the fold has no parties at all.
    if (registry === null) return false;
    return cut.knownAt === null || this.statements.untrusted.get(trackId, cut.knownAt, cut.knownAt) === undefined;
  }

  /** Every subject of the track (or only its CBMs) as of the cut, from the index: one indexed probe per subject stream. */
  private statesAt(trackId: string, cut: ResolvedCut, only?: 'cbm'): SubjectState[] {
    const states: SubjectState[] = [];
    const statement = only === 'cbm' ? this.statements.cbmVersionsAt : this.statements.versionsAt;
    const found = statement.all({ trackId, asOf: cut.asOf ?? FAR_FUTURE_DAY, knownAt: cut.knownAt ?? FAR_FUTURE_INSTANT }) as Array<string | null>;
    for (const json of found) if (json !== null) states.push(stateOfCompact(JSON.parse(json) as CompactState));
    return states.sort(compareSubjects);
  }

  /**
   * Board rows under a cut, and the parties they were rendered for. Null when the track does not
   * exist under the cut (foldTrack): its board and matrix do not exist then either (404, as the track).
   */
  private rowsAt(trackId: string, cut: ResolvedCut): { rows: BoardRow[]; parties: string[] } | null {
    const registry = foldRegistry(this.streamEvents(`track-${trackId}`), cut);
    if (registry === null && !this.mayExistAt(trackId, cut)) return null;
    if (!this.indexAnswers(trackId, cut, registry)) {
      // Also a track not established under the cut, which may still exist through its sessions and subjects.
      const track = foldTrack(trackId, this.trackEvents(trackId), cut);
      return track.registry === null ? null : { rows: [...boardOf(track).rows], parties: partyIdsOf(track.registry) };
    }
    const parties = partyIdsOf(registry);
    const states = this.statesAt(trackId, cut);
    const links = linkedCbmsByNorm(states);
    return { rows: states.map((s) => boardRowOf(s, parties, s.kind === 'norm' ? (links.get(s.id) ?? []) : [])), parties };
  }

  /** GET /tracks/:trackId/matrix; null when the track does not exist. */
  matrix(trackId: string, cut: ResolvedCut): StanceMatrix | null {
    if (!this.trackExists(trackId)) return null;
    let rows: BoardRow[];
    let registered: readonly string[];
    if (hasCut(cut)) {
      const at = this.rowsAt(trackId, cut);
      if (at === null) return null;
      ({ rows, parties: registered } = at);
    } else {
      rows = (this.statements.liveRows.all(trackId) as string[]).map((json) => JSON.parse(json) as BoardRow);
      registered = (JSON.parse(this.statements.registry.get(trackId) as string) as RegistryAnswer).parties.map((p) => p.partyId);
    }
    // Columns as matrixOf has them: a party that took part in a row is one, whatever its registration's date.
    // A row holds its stances; a proposer without a stance counts, so it blocks (no stance yet blocks).
    const parties = withPartiesTakingPart(registered, rows.flatMap((row) => [...Object.keys(row.stances), ...row.blockingParties]));
    return {
      trackId,
      asOf: cut.asOf,
      knownAt: cut.knownAt,
      parties,
      rows: rows.map((row) => {
        const cells: Record<string, StanceCell | null> = {};
        for (const partyId of parties) cells[partyId] = ownValue(row.stances, partyId) ?? null;
        return { kind: row.kind, id: row.id, title: row.title, status: row.status, cells };
      }),
    };
  }

  /**
   * What the session register needs of a track, from the live tables: the registry (delegates →
   * agencies), the sessions, subject decisions and the corrections touching sessions.
   */
  private liveTrack(trackId: string): TrackProjection | null {
    const json = this.statements.registry.get(trackId) as string | undefined;
    if (json === undefined) return null;
    const registry = JSON.parse(json) as TrackRegistry;
    const sessions: SessionState[] = [];
    const sessionCorrections: SessionCorrectionRef[] = [];
    for (const [state, corrections] of this.statements.liveSessions.all(trackId) as Array<[string, string | null]>) {
      sessions.push(JSON.parse(state) as SessionState);
      if (corrections !== null) sessionCorrections.push(...(JSON.parse(corrections) as SessionCorrectionRef[]));
    }
    for (const corrections of this.statements.liveSubjectCorrections.all(trackId) as string[]) {
      sessionCorrections.push(...(JSON.parse(corrections) as SessionCorrectionRef[]));
    }
    const subjects = (this.statements.liveSubjectsWithDecisions.all(trackId) as string[]).map((state) => JSON.parse(state) as SubjectState);
    return { trackId, cut: NO_CUT, registry, subjects, sessions, sessionCorrections, timelines: new Map() };
  }

  private trackAt(trackId: string, cut: ResolvedCut): TrackProjection | null {
    if (!hasCut(cut)) return this.liveTrack(trackId);
    if (!this.trackExists(trackId) || !this.mayExistAt(trackId, cut)) return null;
    const track = foldTrack(trackId, this.trackEvents(trackId), cut);
    // Before the track was established under the cut, its register does not exist either.
    return track.registry === null ? null : track;
  }

  /**
   * What the session register reads of a track under a cut (sessionEntryOf): the registry, the
   * sessions, the decisions of its subjects and the corrections, in any stream, of records made at
   * a session. Folded by foldTrack like the whole track, from fewer events: the track stream and
   * the session streams whole, and of each subject stream only what the register can see of it,
   * its creation, its decisions and its corrections known under the cut, with the records they
   * correct. A subject stream contributes to the register through its decisions (every
   * DecisionRecorded in the cut is one, whatever else the stream holds) and through the corrections
   * whose target, corrected, is in the cut (sessionCorrectionsOf); a target's corrected date and data
   * depend only on it and its own corrections, and the subject exists under the cut whenever one of
   * these records is in it. Its other records (positions, responses, reports: nine in ten of a
   * broad track's events) change nothing here, so they are neither read nor parsed. A track not
   * established under the cut goes through trackAt: whether it exists then depends on every record.
   */
  private registerTrackAt(trackId: string, cut: ResolvedCut): TrackProjection | null {
    if (!hasCut(cut)) return this.liveTrack(trackId);
    if (!this.trackExists(trackId)) return null;
    const trackStream = this.streamEvents(`track-${trackId}`);
    if (foldRegistry(trackStream, cut) === null) return this.trackAt(trackId, cut);
    const rows = new Map<string, EventRow>();
    const add = (found: unknown[]): void => {
      for (const row of found as EventRow[]) rows.set(row[3], row);
    };
    for (const streamId of this.statements.sessionStreams.all(trackId) as string[]) add(this.statements.streamEvents.all(streamId));
    const subjectStreams = new Set<string>();
    for (const row of this.statements.decisionsAndCorrections.all(trackId, cut.knownAt ?? FAR_FUTURE_INSTANT) as EventRow[]) {
      const streamId = row[1];
      const { kind } = parseStreamId(streamId);
      if (!isSubjectKind(kind)) continue;
      rows.set(row[3], row);
      if (!subjectStreams.has(streamId)) {
        subjectStreams.add(streamId);
        // The creation: a subject stream's first event (the projector starts a stream only there; a second is a duplicate id, refused by the deciders).
        add(this.statements.firstOfStream.all(streamId));
      }
      if (row[4] !== 'RecordCorrected') continue;
      const { target } = JSON.parse(row[5]) as RecordCorrectedData;
      if ('statementId' in target) add(this.statements.statementOfStream.all({ streamId, needle: JSON.stringify(target.statementId), statementId: target.statementId }));
      else add(this.statements.eventOfStream.all(streamId, target.eventId));
    }
    const track = foldTrack(trackId, [...trackStream, ...this.events([...rows.values()])], cut);
    return track.registry === null ? null : track;
  }

  /** GET /tracks/:trackId/sessions; null when the track does not exist. */
  sessionRegister(trackId: string, cut: ResolvedCut, today: string): SessionRegister | null {
    const track = this.registerTrackAt(trackId, cut);
    return track === null ? null : sessionRegisterOf(track, { today });
  }

  /** GET /sessions/:id; null when it does not exist (under the cut). */
  sessionDetail(sessionId: string, cut: ResolvedCut, today: string): SessionDetail | null {
    const trackId = this.trackOf(`session-${sessionId}`);
    const track = trackId === null ? null : this.registerTrackAt(trackId, cut);
    return track === null ? null : sessionDetailOf(track, sessionId, { today });
  }

  /** GET /{norms|cbms|topics}/:id; null when it does not exist (under the cut). */
  subjectDetail(kind: SubjectKind, id: string, cut: ResolvedCut): SubjectDetail | null {
    const streamId = `${kind}-${id}`;
    const trackId = this.trackOf(streamId);
    if (trackId === null) return null;
    const registry = foldRegistry(this.streamEvents(`track-${trackId}`), cut);
    if (hasCut(cut) && !this.indexAnswers(trackId, cut, registry)) {
      // Before the track's earliest record under the cut, nothing of it exists: spares folding the whole track to find that.
      if (registry === null && !this.mayExistAt(trackId, cut)) return null;
      return subjectDetailOf(foldTrack(trackId, this.trackEvents(trackId), cut), kind, id);
    }
    const timeline = streamTimeline(streamId, this.streamEvents(streamId), cut);
    const state = foldSubjectTimeline(timeline, registry);
    if (state === null || state.trackId !== trackId) return null;
    const track: TrackProjection = { trackId, cut, registry, subjects: [state], sessions: [], sessionCorrections: [], timelines: new Map([[streamId, timeline]]) };
    const detail = subjectDetailOf(track, kind, id);
    if (detail === null || detail.kind !== 'norm') return detail;
    return { ...detail, linkedCbms: this.linkedCbms(trackId, id, cut) };
  }

  private linkedCbms(trackId: string, normId: string, cut: ResolvedCut): LinkedCbm[] {
    if (!hasCut(cut)) {
      const row = this.statements.liveRow.get(`norm-${normId}`) as string | undefined;
      return row === undefined ? [] : [...(JSON.parse(row) as { linkedCbms: LinkedCbm[] }).linkedCbms];
    }
    return [...(linkedCbmsByNorm(this.statesAt(trackId, cut, 'cbm')).get(normId) ?? [])];
  }
}
