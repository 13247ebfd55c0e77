import { type DynamicModule, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { AuditModule } from './audit/audit.module.js';
import { AuthModule } from './auth/auth.module.js';
import type { AppConfig } from './config/app-config.js';
import { ConfigModule } from './config/config.module.js';
import { DashboardModule } from './dashboard/dashboard.module.js';
import { HealthModule } from './health/health.module.js';
import { ProjectionsModule } from './projections/projections.module.js';
import { EventStoreModule } from './infrastructure/event-store.module.js';
import { SessionsModule } from './sessions/sessions.module.js';
import { SubjectsModule } from './subjects/subjects.module.js';
import { TracksModule } from './tracks/tracks.module.js';

/** The composition root: every feature module is wired here and nowhere else. */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [ConfigModule.forRoot(config), CqrsModule.forRoot(), AuthModule, EventStoreModule, HealthModule, TracksModule, SessionsModule, SubjectsModule, AuditModule, DashboardModule, ProjectionsModule],
    };
  }
}
