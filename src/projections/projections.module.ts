import { Module } from '@nestjs/common';
import { join } from 'node:path';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { READ_MODEL_CONFIG, ReadModels, type ReadModelConfig } from './application/read-models.service.js';
import { LIVE_BOARD_OPTIONS, LiveBoard, LiveBoardStreams, type LiveBoardOptions } from './application/live-board.service.js';
import { BoardLiveController } from './http/board-live.controller.js';
import { ReadModelsController } from './http/read-models.controller.js';
import { READ_MODEL_FILE } from './read-model/rebuild.js';

/** The read side: read models fed from the log, query routes, live board, rebuild. */
@Module({
  controllers: [ReadModelsController, BoardLiveController],
  providers: [
    { provide: READ_MODEL_CONFIG, inject: [APP_CONFIG], useFactory: (config: AppConfig): ReadModelConfig => ({ file: join(config.dataDir, READ_MODEL_FILE), rebuildThreads: config.rebuildThreads }) },
    {
      provide: LIVE_BOARD_OPTIONS,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig): LiveBoardOptions => ({ heartbeatMs: 15_000, maxPerToken: config.liveStreamsPerToken }),
    },
    ReadModels,
    LiveBoardStreams,
    LiveBoard,
  ],
  exports: [ReadModels],
})
export class ProjectionsModule {}
