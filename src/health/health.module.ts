import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { AuthModule } from '../auth/auth.module.js';
import { ProjectionsModule } from '../projections/projections.module.js';
import { HealthController } from './health.controller.js';

@Module({ imports: [TerminusModule, AuthModule, ProjectionsModule], controllers: [HealthController] })
export class HealthModule {}
