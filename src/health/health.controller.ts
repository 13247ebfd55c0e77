import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { EVENT_STORE, type EventStore } from '../shared/event-store/event-store.port.js';

@ApiTags('operations')
@Controller('health')
export class HealthController {
  constructor(
    @Inject(HealthCheckService) private readonly health: HealthCheckService,
    @Inject(HealthIndicatorService) private readonly indicators: HealthIndicatorService,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  @Get()
  @HealthCheck()
  @ApiOperation({ summary: 'Liveness and the event store state (no authentication)' })
  check() {
    return this.health.check([
      async () => {
        const state = await this.store.health();
        const session = this.indicators.check('eventStore');
        const data = { store: state.store, ...state.detail };
        return state.status === 'up' ? session.up(data) : session.down(data);
      },
    ]);
  }
}
