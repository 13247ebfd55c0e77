import { Body, Controller, Get, Header, HttpCode, Inject, Param, Post, Query, Req, Res, UseInterceptors } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiCreatedResponse, ApiExtraModels, ApiOkResponse, ApiOperation, ApiProduces, ApiTags, getSchemaPath } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Readable } from 'node:stream';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { EVENT_STORE, type EventStore } from '../../shared/event-store/event-store.port.js';
import type { CommandContext } from '../../shared/event-store/handle-command.js';
import { ApiCommandHeaders, ApiNoBody, ApiProblems, ApiQueryProblems, CommandETagInterceptor, ETAG_HEADER } from '../../shared/http/command-route.js';
import { CommandCtx, CommandHeadersInterceptor } from '../../shared/http/request-context.js';
import { EmptyBodyDto, NoQueryDto } from '../../shared/http/validation.js';
import { bundleLines } from '../application/bundle.js';
import { type IssuedCheckpoint, IssueCheckpointCommand } from '../application/issue-checkpoint.command.js';
import { type CheckpointListing, ListCheckpointsQuery } from '../application/list-checkpoints.query.js';
import { DEFAULT_PAGE, eventLines, type EventsPage, ReadEventsQuery } from '../application/read-events.query.js';
import { ReadStreamQuery, type StreamWithChain } from '../application/read-stream.query.js';
import { VerifyLedgerQuery } from '../application/verify-ledger.query.js';
import type { PublicKeyInfo } from '../domain/checkpoint.js';
import type { VerificationReport } from '../domain/verifier.js';
import { trustedPublicKeys, type CheckpointSigner, SIGNING_KEY } from '../infrastructure/signing-key.js';
import {
  BUNDLE_EXAMPLE,
  CheckpointListDto,
  CHECKPOINTS_EXAMPLE,
  EVENTS_NDJSON_EXAMPLE,
  EVENTS_PAGE_EXAMPLE,
  EventsPageDto,
  ISSUED_CHECKPOINT_EXAMPLE,
  IssuedCheckpointDto,
  PUBLIC_KEY_EXAMPLE,
  PublicKeyDto,
  ReadEventsQueryDto,
  STREAM_EXAMPLE,
  StreamWithChainDto,
  VERIFICATION_EXAMPLE,
  VerificationReportDto,
} from './audit.dtos.js';

const NDJSON = 'application/x-ndjson';

const NDJSON_LINES = { type: 'string', description: 'UTF-8, one JSON value per line' } as const;

/** Media types are case-insensitive (RFC 9110 §8.3.1); parameters (`;q=`, `;charset=`) are not looked at. */
const wantsNdjson = (request: FastifyRequest): boolean =>
  (request.headers.accept ?? '').split(',').some((type) => type.split(';')[0]!.trim().toLowerCase() === NDJSON);

/** Streams lines to the client; Fastify pipes the Readable, so a slow reader slows the reads. */
const sendLines = (reply: FastifyReply, lines: AsyncIterable<string>, filename?: string): FastifyReply => {
  void reply.header('Content-Type', `${NDJSON}; charset=utf-8`);
  if (filename !== undefined) void reply.header('Content-Disposition', `attachment; filename="${filename}"`);
  return reply.send(Readable.from(lines, { objectMode: false, highWaterMark: 64 * 1024 }));
};

@ApiTags('audit')
@Controller('audit')
export class AuditController {
  constructor(
    @Inject(CommandBus) private readonly commands: CommandBus,
    @Inject(QueryBus) private readonly queries: QueryBus,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(SIGNING_KEY) private readonly signer: CheckpointSigner,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get('events')
  @ApiOperation({ summary: 'Page the global log, or stream all of it as NDJSON (Accept: application/x-ndjson)' })
  @ApiProduces('application/json', NDJSON)
  @ApiExtraModels(EventsPageDto)
  @ApiOkResponse({
    description: 'A page `{events, next}`: at most `limit` envelopes after `after`, in global order; with Accept: application/x-ndjson, every matching envelope, one per line',
    content: {
      'application/json': { schema: { $ref: getSchemaPath(EventsPageDto) }, example: EVENTS_PAGE_EXAMPLE },
      [NDJSON]: { schema: NDJSON_LINES, example: EVENTS_NDJSON_EXAMPLE },
    },
  })
  @ApiQueryProblems(400)
  async events(@Query() query: ReadEventsQueryDto, @Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<FastifyReply> {
    const { limit, ...filter } = query;
    if (wantsNdjson(request)) return sendLines(reply, eventLines(this.store, filter));
    return reply.send(await this.queries.execute<ReadEventsQuery, EventsPage>(new ReadEventsQuery(filter, limit ?? DEFAULT_PAGE)));
  }

  @Get('streams/:streamId')
  @ApiOperation({ summary: 'One stream with its hash chain checked' })
  @ApiOkResponse({ description: 'The stream, each event with its chain checked', type: StreamWithChainDto, example: STREAM_EXAMPLE })
  @ApiProblems(404)
  stream(@Param('streamId') streamId: string, @Query() _query: NoQueryDto): Promise<StreamWithChain> {
    return this.queries.execute(new ReadStreamQuery(streamId));
  }

  @Post('verify')
  @HttpCode(200)
  @ApiOperation({ summary: 'Verify every hash, link, revision and checkpoint of the stored log' })
  @ApiOkResponse({ description: 'The report: {ok, eventsChecked, streamsChecked, checkpointsChecked, signedUpTo (the position the newest valid checkpoint covers, or null), unsignedEvents (events after it), problems: [{streamId, revision, eventId, position?, problem, detail}], problemsOmitted? (problems beyond those listed)}', type: VerificationReportDto, example: VERIFICATION_EXAMPLE })
  @ApiNoBody()
  verify(@Body() _body: EmptyBodyDto, @Query() _query: NoQueryDto): Promise<VerificationReport> {
    return this.queries.execute(new VerifyLedgerQuery());
  }

  @Post('checkpoints')
  @HttpCode(201)
  @UseInterceptors(CommandHeadersInterceptor, CommandETagInterceptor)
  @ApiOperation({
    summary: 'Issue a signed checkpoint over the log as it stands (also when nothing changed since the last one: it then covers the same tree, signed later)',
  })
  @ApiCreatedResponse({ description: 'The checkpoint recorded, with ETag: W/"<revision>" of ledger-checkpoints', type: IssuedCheckpointDto, example: ISSUED_CHECKPOINT_EXAMPLE, headers: ETAG_HEADER })
  @ApiCommandHeaders()
  @ApiNoBody()
  @ApiProblems(409, 412, 422)
  checkpoint(@Body() _body: EmptyBodyDto, @Query() _query: NoQueryDto, @CommandCtx() context: CommandContext): Promise<IssuedCheckpoint> {
    return this.commands.execute(new IssueCheckpointCommand(context));
  }

  @Get('checkpoints')
  @ApiOperation({ summary: 'Every checkpoint issued, oldest first' })
  @ApiOkResponse({ description: 'The checkpoints, each with the position, revision, eventId and recordedAt of its CheckpointIssued event', type: CheckpointListDto, example: CHECKPOINTS_EXAMPLE })
  checkpoints(@Query() _query: NoQueryDto): Promise<{ checkpoints: CheckpointListing[] }> {
    return this.queries.execute(new ListCheckpointsQuery());
  }

  @Get('public-key')
  @ApiOperation({ summary: 'The key checkpoints are signed with' })
  @ApiOkResponse({ description: 'The public key: {keyId, algorithm: "Ed25519", spki (base64 DER)}', type: PublicKeyDto, example: PUBLIC_KEY_EXAMPLE })
  @Header('Cache-Control', 'no-cache')
  publicKey(@Query() _query: NoQueryDto): PublicKeyInfo {
    return this.signer.publicKey;
  }

  @Get('bundle')
  @ApiOperation({ summary: 'The offline-verifiable bundle: every event in global order, then the public key (NDJSON)' })
  @ApiProduces(NDJSON)
  @ApiOkResponse({
    description:
      'NDJSON (attachment norms-ledger-bundle.ndjson): one envelope {streamId, revision, position, eventId, type, data, metadata} per line in global order, ' +
      'checkpoints in their place, then one last line {"publicKey": {keyId, algorithm, spki}}. `norms-ledger verify --bundle FILE` checks it offline.',
    content: { [NDJSON]: { schema: NDJSON_LINES, example: BUNDLE_EXAMPLE } },
  })
  bundle(@Query() _query: NoQueryDto, @Res() reply: FastifyReply): FastifyReply {
    return sendLines(reply, bundleLines(this.store, trustedPublicKeys(this.config, this.signer)), 'norms-ledger-bundle.ndjson');
  }
}
