import { Controller, Get, Inject, Injectable, Param, Req, Res, type BeforeApplicationShutdown } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiProblems, ApiSlugParam, notFound, SlugParamPipe } from '../../shared/http/command-route.js';
import { ReadModels } from '../application/read-models.service.js';
import { NO_CUT } from '../projections/cut.js';
import { RawJson } from '../read-model/read-model.queries.js';

export const LIVE_BOARD_OPTIONS = Symbol.for('norms-ledger.LiveBoardOptions');

export interface LiveBoardOptions {
  /** A comment line this often keeps proxies from closing an idle stream. */
  readonly heartbeatMs: number;
}

/** Open event streams, ended before the HTTP server closes (an open stream would hold it). */
@Injectable()
export class LiveBoardStreams implements BeforeApplicationShutdown {
  private readonly open = new Set<() => void>();

  add(end: () => void): () => void {
    this.open.add(end);
    return () => this.open.delete(end);
  }

  beforeApplicationShutdown(): void {
    for (const end of [...this.open]) end();
  }
}

const track = new SlugParamPipe('track');

const frame = (event: string, id: string, data: string): string => `event: ${event}\nid: ${id}\ndata: ${data}\n\n`;

@ApiTags('queries')
@Controller('tracks')
export class BoardLiveController {
  constructor(
    @Inject(ReadModels) private readonly readModels: ReadModels,
    @Inject(LiveBoardStreams) private readonly streams: LiveBoardStreams,
    @Inject(LIVE_BOARD_OPTIONS) private readonly options: LiveBoardOptions,
  ) {}

  @Get(':trackId/board/live')
  @ApiOperation({
    summary: 'The board, live (server-sent events)',
    description:
      'First one `snapshot` event (data: the current board, id: the position it reflects), then one `row` event per board row that changes ' +
      '(data: the row, id: the position of the event that changed it), and a `:` comment as heartbeat. A browser EventSource may pass its token as `?access_token=`.',
  })
  @ApiProduces('text/event-stream')
  @ApiSlugParam('trackId', 'The track')
  @ApiOkResponse({ description: 'An event stream', content: { 'text/event-stream': { example: 'event: row\nid: 42\ndata: {"kind":"norm","id":"gge-13i",…}\n\n' } } })
  @ApiProblems(404, 503)
  async live(@Param('trackId', track) trackId: string, @Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const queries = await this.readModels.settledQueries();
    if (!queries.trackExists(trackId)) throw notFound('track', trackId);
    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, {
      ...(reply.getHeaders() as Record<string, string>),
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    // Subscribing and reading the snapshot in the same tick: no change can fall between the two.
    const unsubscribe = this.readModels.onRows((changes) => {
      for (const change of changes) if (change.trackId === trackId) raw.write(frame('row', change.position, change.row));
    });
    const snapshot = queries.board(trackId, NO_CUT) as RawJson;
    raw.write(frame('snapshot', this.readModels.checkpoint, snapshot.json));
    const heartbeat = setInterval(() => raw.write(': heartbeat\n\n'), this.options.heartbeatMs);
    heartbeat.unref();
    let ended = false;
    const end = (): void => {
      if (ended) return;
      ended = true;
      clearInterval(heartbeat);
      unsubscribe();
      forget();
      if (!raw.writableEnded) raw.end();
    };
    const forget = this.streams.add(end);
    request.raw.on('close', end);
    raw.on('close', end);
  }
}
