import { Controller, Get, Inject, Param, Query, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiPropertyOptional, ApiResponse, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { IsString } from 'class-validator';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiQueryProblems, ApiSlugParam, SlugParamPipe } from '../../shared/http/command-route.js';
import { LiveBoard, TooManyLiveStreams } from '../application/live-board.service.js';
import { QUERY_TOKEN_PARAMETER } from '../../auth/access-control.js';
import { TooManyRequestsError } from '../../auth/rate-limiter.js';
import { ProblemDetailsDto } from '../../shared/http/problem-details.js';
import { SkipWhenAbsent } from '../../shared/http/validators.js';
import { cutOf, CutQueryDto } from './cut-query.dto.js';

const track = new SlugParamPipe('track');

/** The cut, plus the token a browser EventSource passes in the URL (it cannot send headers). */
export class LiveBoardQueryDto extends CutQueryDto {
  @ApiPropertyOptional({ name: QUERY_TOKEN_PARAMETER, type: String, description: 'The bearer token, for an EventSource that cannot send an Authorization header (RFC 6750 §2.3). Never logged.' })
  @SkipWhenAbsent()
  @IsString({ message: 'must be a string' })
  readonly access_token?: string;
}

/** The 429 problem, with its Retry-After. */
const tooMany = (reply: FastifyReply, refusal: TooManyLiveStreams): TooManyRequestsError => {
  void reply.header('Retry-After', String(refusal.retryAfterSeconds));
  return new TooManyRequestsError(refusal.detail, refusal.retryAfterSeconds);
};

/** Takes the response from Fastify and writes the headers of an event stream (with those already set on the reply). */
const openEventStream = (reply: FastifyReply): void => {
  reply.hijack();
  reply.raw.writeHead(200, {
    ...(reply.getHeaders() as Record<string, string>),
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
};

@ApiTags('queries')
@Controller('tracks')
export class BoardLiveController {
  constructor(@Inject(LiveBoard) private readonly liveBoard: LiveBoard) {}

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
  @ApiQueryProblems(400, 404, 503)
  @ApiResponse({
    status: 429,
    description:
      'Too many requests from this address or with this token, or this token already holds as many live streams open as it may (LEDGER_LIVE_STREAMS_PER_TOKEN, 64 by default): close one (`too-many-requests`)',
    headers: { 'Retry-After': { description: 'Seconds to wait before trying again', schema: { type: 'integer', minimum: 1 } } },
    content: { 'application/problem+json': { schema: { $ref: getSchemaPath(ProblemDetailsDto) } } },
  })
  async live(@Param('trackId', track) trackId: string, @Query() query: LiveBoardQueryDto, @Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const cut = cutOf(query);
    const board = await this.liveBoard.settled();
    // The client may have gone while the read models caught up: its 'close' has fired already.
    if (request.raw.socket.destroyed || reply.raw.destroyed) return;
    const stream = board.open(trackId, cut, request.principal?.name ?? '');
    if (stream instanceof TooManyLiveStreams) throw tooMany(reply, stream);
    openEventStream(reply);
    // HEAD (which Fastify routes here) asks for the headers only: a stream would never end.
    if (request.method === 'HEAD') return void reply.raw.end();
    const stop = stream.follow(reply.raw);
    request.raw.on('close', stop);
    reply.raw.on('close', stop);
  }
}
