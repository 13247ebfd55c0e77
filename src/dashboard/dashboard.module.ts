import { Module } from '@nestjs/common';
import { DASHBOARD_FILES, DashboardController, DashboardFiles } from './dashboard.controller.js';

/** The dashboard page (DESIGN.md §7 "dashboard page at /"): static files, no build step at run time. */
@Module({
  controllers: [DashboardController],
  providers: [{ provide: DASHBOARD_FILES, useFactory: () => new DashboardFiles() }],
})
export class DashboardModule {}
