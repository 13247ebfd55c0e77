import { Inject, Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import type { Writable } from 'node:stream';
import { notFound } from '../../shared/application/not-found.error.js';
import type { Board } from '../projections/board.projection.js';
import { hasCut, NO_CUT, type ResolvedCut } from '../projections/cut.js';
import type { ReadModelQueries, RawJson } from '../read-model/read-model.queries.js';
import { ReadModels } from './read-models.service.js';

export const LIVE_BOARD_OPTIONS = Symbol.for('norms-ledger.LiveBoardOptions');

export interface LiveBoardOptions {
  /** A comment line this often keeps proxies from closing an idle stream. */
  readonly heartbeatMs: number;
  /** Streams one principal may hold open at once (LEDGER_LIVE_STREAMS_PER_TOKEN); 0: no limit. */
  readonly maxPerToken: number;
}

/** Open event streams, ended before the HTTP server closes (an open stream would hold it). */
@Injectable()
export class LiveBoardStreams implements BeforeApplicationShutdown {
  private readonly open = new Set<() => void>();
  private readonly perPrincipal = new Map<string, number>();

  /** Streams `principal` holds open now. */
  countOf(principal: string): number {
    return this.perPrincipal.get(principal) ?? 0;
  }

  add(end: () => void, principal = ''): () => void {
    this.open.add(end);
    this.perPrincipal.set(principal, this.countOf(principal) + 1);
    let forgotten = false;
    return () => {
      if (forgotten) return;
      forgotten = true;
      this.open.delete(end);
      const left = this.countOf(principal) - 1;
      if (left > 0) this.perPrincipal.set(principal, left);
      else this.perPrincipal.delete(principal);
    };
  }

  beforeApplicationShutdown(): void {
    for (const end of [...this.open]) end();
  }
}

/** How long changes are gathered before a board under a cut is computed again for a stream. */
const CUT_RECOMPUTE_DELAY_MS = 100;

/**
 * What a stream may hold in the server's memory beyond what the network took (the system's socket
 * buffers, some MB on loopback), before it is closed: a client that stopped reading (a stalled tab,
 * a client that never reads) held every row sent after that, without bound (20 such clients took a
 * busy server from 248 to 464 MB in 5 minutes). An EventSource reconnects by itself and starts
 * again from a snapshot; a reading client, even a slow one, stays far below this.
 */
export const LIVE_STREAM_MAX_BACKLOG_BYTES = 1024 * 1024;

/** When a principal holds as many streams as it may: wait this long before trying again. */
const LIMIT_RETRY_AFTER_SECONDS = 60;

const frame = (event: string, id: string, data: string): string => `event: ${event}\nid: ${id}\ndata: ${data}\n\n`;

/**
 * Where a stream's frames go (an HTTP response whose headers are written): what it holds unsent
 * (`writableLength`) is what the backlog bound measures.
 */
export type LiveBoardSink = Pick<Writable, 'write' | 'end' | 'destroy' | 'writableLength' | 'writableEnded'>;

/** A principal that holds as many streams open as it may (LEDGER_LIVE_STREAMS_PER_TOKEN): no stream for it. */
export class TooManyLiveStreams {
  constructor(
    readonly detail: string,
    readonly retryAfterSeconds: number,
  ) {}
}

/** A stream that may start: nothing is followed, sent or counted until `follow`. */
export interface LiveBoardStream {
  /**
   * Writes the snapshot to `sink`, then the frames as the board changes, and a heartbeat; a sink
   * that holds more than LIVE_STREAM_MAX_BACKLOG_BYTES unsent is ended and destroyed. Returns the
   * function that ends the stream (idempotent): call it when the client leaves. Shutdown ends it too.
   */
  follow(sink: LiveBoardSink): () => void;
}

/** The live board on read models that have caught up with the log (LiveBoard.settled). */
export interface SettledLiveBoard {
  /**
   * The stream of the board of `trackId` under `cut` for `principal`, or the refusal when that
   * principal holds as many streams as it may; throws NotFoundError when there is no such track
   * (under that cut). Call it, and `follow`, in the same turn as `settled` resolves: nothing then
   * falls between the checks, the count of streams, the snapshot and the subscription.
   */
  open(trackId: string, cut: ResolvedCut, principal: string): LiveBoardStream | TooManyLiveStreams;
}

/**
 * GET /tracks/:trackId/board/live as server-sent events: a `snapshot` frame (the board, with the
 * position it reflects), then a `row` frame per board row that changes (with the position of the
 * event that changed it); under an asOf/knownAt cut, rows of the board under that cut as later
 * records change it, and `removed` frames for rows that leave it.
 */
@Injectable()
export class LiveBoard {
  private readonly logger = new Logger('LiveBoard');

  constructor(
    @Inject(ReadModels) private readonly readModels: ReadModels,
    @Inject(LiveBoardStreams) private readonly streams: LiveBoardStreams,
    @Inject(LIVE_BOARD_OPTIONS) private readonly options: LiveBoardOptions,
  ) {}

  /** Resolves once the read models hold every event the log holds (ReadModels.settledQueries). */
  async settled(): Promise<SettledLiveBoard> {
    const queries = await this.readModels.settledQueries();
    return { open: (trackId, cut, principal) => this.open(queries, trackId, cut, principal) };
  }

  private open(queries: ReadModelQueries, trackId: string, cut: ResolvedCut, principal: string): LiveBoardStream | TooManyLiveStreams {
    if (!queries.trackExists(trackId)) throw notFound('track', trackId);
    const underCut = hasCut(cut) ? (queries.board(trackId, cut) as Board | null) : undefined;
    if (underCut === null) throw notFound('track', trackId, ' under that cut');
    const max = this.options.maxPerToken;
    if (max > 0 && this.streams.countOf(principal) >= max) {
      return new TooManyLiveStreams(`this token already holds ${max} live board streams open (LEDGER_LIVE_STREAMS_PER_TOKEN): close one first`, LIMIT_RETRY_AFTER_SECONDS);
    }
    return { follow: (sink) => this.follow(queries, trackId, cut, underCut, principal, sink) };
  }

  private follow(queries: ReadModelQueries, trackId: string, cut: ResolvedCut, underCut: Board | undefined, principal: string, sink: LiveBoardSink): () => void {
    let ended = false;
    let heartbeat: NodeJS.Timeout | undefined;
    let unsubscribe = (): void => undefined;
    let forget = (): void => undefined;
    const end = (): void => {
      if (ended) return;
      ended = true;
      clearInterval(heartbeat);
      unsubscribe();
      forget();
      if (!sink.writableEnded) sink.end();
    };
    // The snapshot may be large and is sent once: the bound counts from what it leaves waiting.
    let allowed = LIVE_STREAM_MAX_BACKLOG_BYTES;
    const sendSnapshot = (data: string): void => {
      sink.write(data);
      allowed += sink.writableLength;
    };
    const send = (data: string): void => {
      if (ended) return;
      sink.write(data);
      if (sink.writableLength <= allowed) return;
      this.logger.warn(`live board of ${trackId}: closed a stream of ${principal || 'an anonymous client'} that stopped reading (${sink.writableLength} bytes waiting)`);
      end();
      // What it would not read is dropped with the connection, not flushed to it.
      sink.destroy();
    };
    // Subscribing and reading the snapshot in the same tick: no change can fall between the two.
    if (underCut === undefined) {
      unsubscribe = this.readModels.onRows((changes) => {
        for (const change of changes) if (change.trackId === trackId) send(frame('row', change.position, change.row));
      });
      const snapshot = queries.board(trackId, NO_CUT) as RawJson;
      sendSnapshot(frame('snapshot', this.readModels.checkpoint, snapshot.json));
    } else {
      unsubscribe = this.followUnderCut(trackId, cut, underCut, send);
      sendSnapshot(frame('snapshot', this.readModels.checkpoint, JSON.stringify(underCut)));
    }
    heartbeat = setInterval(() => send(': heartbeat\n\n'), this.options.heartbeatMs);
    heartbeat.unref();
    forget = this.streams.add(end, principal);
    return end;
  }

  /**
   * Rows of the board under `cut` as later records change them: after a batch with events of the
   * track (a late entry or a correction may change a row under the cut without changing the live one), the board
   * under the cut is computed again, at most every CUT_RECOMPUTE_DELAY_MS, and the rows that differ
   * from the ones sent are sent, with the position the board then reflects; a row no longer on it
   * is sent as a `removed` event naming its kind and id. Returns the unsubscribe function.
   */
  private followUnderCut(trackId: string, cut: ResolvedCut, snapshot: Board, write: (data: string) => void): () => void {
    const keyOf = (row: { readonly kind: string; readonly id: string }): string => JSON.stringify([row.kind, row.id]);
    const sent = new Map(snapshot.rows.map((row) => [keyOf(row), { kind: row.kind, id: row.id, json: JSON.stringify(row) }]));
    let timer: NodeJS.Timeout | undefined;
    const recompute = (): void => {
      timer = undefined;
      const checkpoint = this.readModels.checkpoint;
      const board = this.readModels.queries.board(trackId, cut) as Board | null;
      const present = new Set<string>();
      for (const row of board?.rows ?? []) {
        const key = keyOf(row);
        present.add(key);
        const json = JSON.stringify(row);
        if (sent.get(key)?.json === json) continue;
        sent.set(key, { kind: row.kind, id: row.id, json });
        write(frame('row', checkpoint, json));
      }
      // A row that left the board under the cut (a correction dated its subject's records after asOf).
      for (const [key, { kind, id }] of sent) {
        if (present.has(key)) continue;
        sent.delete(key);
        write(frame('removed', checkpoint, JSON.stringify({ kind, id })));
      }
    };
    const unsubscribe = this.readModels.onApplied((_checkpoint, tracks) => {
      if (tracks.has(trackId)) timer ??= setTimeout(recompute, CUT_RECOMPUTE_DELAY_MS);
    });
    return () => {
      if (timer !== undefined) clearTimeout(timer);
      unsubscribe();
    };
  }
}
