import { Controller, Get, Inject, Res, ServiceUnavailableException } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, type HealthCheckResult, HealthCheckService, HealthIndicatorService, type HealthIndicatorFunction } from '@nestjs/terminus';
import type { FastifyReply } from 'fastify';
import { ReadModels } from '../projections/application/read-models.service.js';
import { EVENT_STORE, type EventStore } from '../shared/event-store/event-store.port.js';

@ApiTags('operations')
@Controller('health')
export class HealthController {
  constructor(
    @Inject(HealthCheckService) private readonly health: HealthCheckService,
    @Inject(HealthIndicatorService) private readonly indicators: HealthIndicatorService,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(ReadModels) private readonly readModels: ReadModels,
  ) {}

  private readonly eventStore = async () => {
    const state = await this.store.health();
    const session = this.indicators.check('eventStore');
    const data = { store: state.store, ...state.detail };
    return state.status === 'up' ? session.up(data) : session.down(data);
  };

  /** Liveness: the process answers and the event store is reachable (a restart would not cure read models a damaged log broke). */
  @Get()
  @HealthCheck()
  @ApiOperation({ summary: 'Liveness and the event store state (no authentication)' })
  check(@Res({ passthrough: true }) reply: FastifyReply): Promise<HealthCheckResult> {
    return this.answer(reply, [this.eventStore]);
  }

  /** Readiness: the event store is up and queries can be answered (503 while the read models need a rebuild). */
  @Get('ready')
  @HealthCheck()
  @ApiOperation({
    summary: 'Readiness: the event store state and the read models state (no authentication)',
    description:
      '503 when the event store is down, or when the read models could not be built or stopped on an error (queries then answer 503 `read-models-behind` until `POST /projections/rebuild` succeeds); `readModels.checkpoint` is the last position applied.',
  })
  ready(@Res({ passthrough: true }) reply: FastifyReply): Promise<HealthCheckResult> {
    return this.answer(reply, [
      this.eventStore,
      () => {
        const { status, ...data } = this.readModels.state;
        const session = this.indicators.check('readModels');
        return status === 'up' ? session.up(data) : session.down(data);
      },
    ]);
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
