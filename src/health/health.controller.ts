import { applyDecorators, Controller, Get, Inject, Req, Res, ServiceUnavailableException } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { HealthCheck, type HealthCheckResult, HealthCheckService, HealthIndicatorService, type HealthIndicatorFunction } from '@nestjs/terminus';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AccessControl } from '../auth/access-control.js';
import { ReadModels } from '../projections/application/read-models.service.js';
import { EVENT_STORE, type EventStore } from '../shared/event-store/event-store.port.js';
import { ProblemDetailsDto } from '../shared/http/problem-details.js';
import { HealthStateLog } from './health-state-log.js';

/** One part's state ('up' or 'down'), with what it adds: the store's kind, and with a token its details. */
const PART = { type: 'object', required: ['status'], properties: { status: { type: 'string', enum: ['up', 'down'] } }, additionalProperties: true };
const PARTS = (example: Record<string, unknown>) => ({ type: 'object', additionalProperties: PART, example });

/** Terminus's body, with this server's parts as examples (its own stock examples name a database and redis). */
const healthBody = (status: 'ok' | 'error', info: Record<string, unknown>, error: Record<string, unknown>) => ({
  type: 'object',
  required: ['status', 'details'],
  properties: {
    status: { type: 'string', enum: [status], example: status },
    info: { ...PARTS(info), nullable: true },
    error: { ...PARTS(error), nullable: true },
    details: PARTS({ ...info, ...error }),
  },
});

const STORE_UP = { eventStore: { status: 'up', store: 'sqlite' } };
const READ_MODELS_UP = { readModels: { status: 'up' } };
const READ_MODELS_DOWN = { readModels: { status: 'down' } };
const STOPPING =
  'Or, while the server stops (SIGTERM), a `shutting-down` problem (application/problem+json) with Retry-After, as every route answers then.';

/** The answers of a probe: terminus's body for 200 and 503, and the problem a stopping server gives. */
const ApiHealthAnswers = (ok: Record<string, unknown>, down: { info: Record<string, unknown>; error: Record<string, unknown> }, downWhen: string): MethodDecorator =>
  applyDecorators(
    ApiOkResponse({ description: 'Every part is up', content: { 'application/json': { schema: healthBody('ok', ok, {}) } } }),
    ApiServiceUnavailableResponse({
      description: `${downWhen} ${STOPPING}`,
      headers: { 'Retry-After': { description: 'Only on the `shutting-down` problem: seconds to wait', schema: { type: 'integer', minimum: 1 } } },
      content: {
        'application/json': { schema: healthBody('error', down.info, down.error) },
        'application/problem+json': { schema: { $ref: getSchemaPath(ProblemDetailsDto) } },
      },
    }),
  );

@ApiTags('operations')
@ApiExtraModels(ProblemDetailsDto)
@Controller('health')
export class HealthController {
  constructor(
    @Inject(HealthCheckService) private readonly health: HealthCheckService,
    @Inject(HealthIndicatorService) private readonly indicators: HealthIndicatorService,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(ReadModels) private readonly readModels: ReadModels,
    @Inject(AccessControl) private readonly access: AccessControl,
    @Inject(HealthStateLog) private readonly stateLog: HealthStateLog,
  ) {}

  /**
   * The probes are public, so everyone gets the states and the store's kind; the rest (the ledger's
   * path, its head, SQLite settings, why something is down, which may name a record) goes only to a
   * caller sending a token this server knows, of any role.
   */
  private readonly eventStore = (detailed: boolean) => async () => {
    const state = await this.store.health();
    this.stateLog.observe('eventStore', state.status, () => JSON.stringify({ store: state.store, ...state.detail }));
    const session = this.indicators.check('eventStore');
    const data = detailed ? { store: state.store, ...state.detail } : { store: state.store };
    return state.status === 'up' ? session.up(data) : session.down(data);
  };

  private readonly readModelsState = (detailed: boolean) => () => {
    const { status, ...state } = this.readModels.state;
    this.stateLog.observe('readModels', status, () => state.reason ?? 'no reason given');
    const session = this.indicators.check('readModels');
    const data: Partial<typeof state> = detailed ? state : {};
    return status === 'up' ? session.up(data) : session.down(data);
  };

  /** Liveness: the process answers and the event store is reachable (a restart would not cure read models a damaged log broke). */
  @Get()
  @HealthCheck({ noCache: true, swaggerDocumentation: false })
  @ApiHealthAnswers(STORE_UP, { info: {}, error: { eventStore: { status: 'down', store: 'sqlite' } } }, 'The event store is down (with a token: why, as `lastWriteRefused`).')
  @ApiOperation({
    summary: 'Liveness and the event store state (no authentication; details with a token)',
    description:
      'Without a token: `eventStore.status` and `store`. With a token this server knows (any role): also the ledger file, schema version, journal mode and synchronous setting (SQLite), the head position, and why the store is down when it is (`lastWriteRefused`).',
  })
  check(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<HealthCheckResult> {
    return this.answer(reply, [this.eventStore(this.access.callerOf(request) !== undefined)]);
  }

  /** Readiness: the event store is up and queries can be answered (503 while the read models need a rebuild). */
  @Get('ready')
  @HealthCheck({ noCache: true, swaggerDocumentation: false })
  @ApiHealthAnswers({ ...STORE_UP, ...READ_MODELS_UP }, { info: STORE_UP, error: READ_MODELS_DOWN }, 'The event store is down, or the read models need a rebuild (with a token: `readModels.reason`).')
  @ApiOperation({
    summary: 'Readiness: the event store state and the read models state (no authentication; details with a token)',
    description:
      '503 when the event store is down, or when the read models could not be built or stopped on an error (queries then answer 503 `read-models-behind` until `POST /projections/rebuild` succeeds). ' +
      'Without a token: the states and the store kind only. With a token this server knows (any role): the store details as /health, `readModels.checkpoint` (the last position applied) and `readModels.reason` when down.',
  })
  ready(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<HealthCheckResult> {
    const detailed = this.access.callerOf(request) !== undefined;
    return this.answer(reply, [this.eventStore(detailed), this.readModelsState(detailed)]);
  }

  /** Terminus's own body either way: a 503 names what is down (as a problem+json it would only say "error"). */
  private async answer(reply: FastifyReply, indicators: HealthIndicatorFunction[]): Promise<HealthCheckResult> {
    try {
      return await this.health.check(indicators);
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      void reply.status(503);
      return error.getResponse() as HealthCheckResult;
    }
  }
}
