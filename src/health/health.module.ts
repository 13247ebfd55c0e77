import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { AuthModule } from '../auth/auth.module.js';
import { ProjectionsModule } from '../projections/projections.module.js';
import { HealthController } from './health.controller.js';
import { HealthStateLog } from './health-state-log.js';

/**
 * Terminus's own logger is off: it logged an ERROR on every failed probe. HealthStateLog logs
 * each change of state once instead.
 */
@Module({
  imports: [TerminusModule.forRoot({ logger: false }), AuthModule, ProjectionsModule],
  controllers: [HealthController],
  providers: [{ provide: HealthStateLog, useFactory: () => new HealthStateLog() }],
})
export class HealthModule {}
