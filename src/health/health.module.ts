import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { ProjectionsModule } from '../projections/projections.module.js';
import { HealthController } from './health.controller.js';

@Module({ imports: [TerminusModule, ProjectionsModule], controllers: [HealthController] })
export class HealthModule {}
