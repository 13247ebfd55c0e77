import { Controller, Get, Inject, Injectable, Logger, Param, Query, Req, Res, type BeforeApplicationShutdown } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsString } from 'class-validator';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiProblems, ApiSlugParam, notFound, SlugParamPipe } from '../../shared/http/command-route.js';
import { ReadModels } from '../application/read-models.service.js';
import { QUERY_TOKEN_PARAMETER } from '../../auth/access-control.js';
import { TooManyRequestsError } from '../../auth/rate-limiter.js';
import { SkipWhenAbsent } from '../../shared/http/validators.js';
import type { Board } from '../projections/board.projection.js';
import { hasCut, NO_CUT, type ResolvedCut } from '../projections/cut.js';
import { RawJson } from '../read-model/read-model.queries.js';
import { cutOf, CutQueryDto } from './cut-query.dto.js';

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

const track = new SlugParamPipe('track');

const frame = (event: string, id: string, data: string): string => `event: ${event}\nid: ${id}\ndata: ${data}\n\n`;

/** The cut, plus the token a browser EventSource passes in the URL (it cannot send headers). */
export class LiveBoardQueryDto extends CutQueryDto {
  @ApiPropertyOptional({ name: QUERY_TOKEN_PARAMETER, type: String, description: 'The bearer token, for an EventSource that cannot send an Authorization header (RFC 6750 §2.3). Never logged.' })
  @SkipWhenAbsent()
  @IsString({ message: 'must be a string' })
  readonly access_token?: string;
}

/** How long changes are gathered before a board under a cut is computed again for a stream. */
export const CUT_RECOMPUTE_DELAY_MS = 100;

/**
 * What a stream may hold in the server's memory beyond what the network took (the system's socket
 * buffers, some MB on loopback), before it is closed: a client that stopped reading (a stalled tab,
 * a client that never reads) held every row sent after that, without bound (20 such clients took a
 * busy server from 248 to 464 MB in 5 minutes). An EventSource reconnects by itself and starts
 * again from a snapshot; a reading client, even a slow one, stays far below this.
 */
export const LIVE_STREAM_MAX_BACKLOG_BYTES = 1024 * 1024;

@ApiTags('queries')
@Controller('tracks')
export class BoardLiveController {
  private readonly logger = new Logger('LiveBoard');

  constructor(
    @Inject(ReadModels) private readonly readModels: ReadModels,
    @Inject(LiveBoardStreams) private readonly streams: LiveBoardStreams,
    @Inject(LIVE_BOARD_OPTIONS) private readonly options: LiveBoardOptions,
  ) {}

  @Get(':trackId/board/live')
  @ApiOperation({
    summary: 'The board, live (server-sent events)',
    description:
      'First one `snapshot` event (data: the board, id: the position it reflects), then one `row` event per board row that changes ' +
      '(data: the row, id: the position of the event that changed it), and a `:` comment as heartbeat. A browser EventSource may pass its token as `?access_token=`. ' +
      'With `asOf`/`knownAt` the snapshot and the rows are the board under that cut: a row is sent when a later record (a late entry, a correction) changes it there, ' +
      'with id the position the board then reflects, and a `removed` event (data: `{kind, id}`) when a row leaves that board (a correction dating its subject after `asOf`).',
  })
  @ApiProduces('text/event-stream')
  @ApiSlugParam('trackId', 'The track')
  @ApiOkResponse({ description: 'An event stream', content: { 'text/event-stream': { example: 'event: row\nid: 42\ndata: {"kind":"norm","id":"gge-13i",…}\n\n' } } })
  @ApiProblems(400, 404, 503)
  async live(@Param('trackId', track) trackId: string, @Query() query: LiveBoardQueryDto, @Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const cut = cutOf(query);
    const queries = await this.readModels.settledQueries();
    // The client may have gone while the read models caught up: its 'close' has fired already.
    if (request.raw.socket.destroyed || reply.raw.destroyed) return;
    if (!queries.trackExists(trackId)) throw notFound('track', trackId);
    const underCut = hasCut(cut) ? (queries.board(trackId, cut) as Board | null) : undefined;
    if (underCut === null) throw notFound('track', trackId, ' under that cut');
    const principal = request.principal?.name ?? '';
    const max = this.options.maxPerToken;
    if (max > 0 && this.streams.countOf(principal) >= max) {
      void reply.header('Retry-After', '60');
      throw new TooManyRequestsError(`this token already holds ${max} live board streams open (LEDGER_LIVE_STREAMS_PER_TOKEN): close one first`, 60);
    }
    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, {
      ...(reply.getHeaders() as Record<string, string>),
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    // HEAD (which Fastify routes here) asks for the headers only: a stream would never end.
    if (request.method === 'HEAD') {
      raw.end();
      return;
    }
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
      if (!raw.writableEnded) raw.end();
    };
    // The snapshot may be large and is sent once: the bound counts from what it leaves waiting.
    let allowed = LIVE_STREAM_MAX_BACKLOG_BYTES;
    const sendSnapshot = (data: string): void => {
      raw.write(data);
      allowed += raw.writableLength;
    };
    const send = (data: string): void => {
      if (ended) return;
      raw.write(data);
      if (raw.writableLength <= allowed) return;
      this.logger.warn(`live board of ${trackId}: closed a stream of ${principal || 'an anonymous client'} that stopped reading (${raw.writableLength} bytes waiting)`);
      end();
      // What it would not read is dropped with the connection, not flushed to it.
      raw.destroy();
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
    request.raw.on('close', end);
    raw.on('close', end);
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
