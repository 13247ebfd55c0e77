import { Module } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { IssueCheckpointHandler } from './application/issue-checkpoint.command.js';
import { ListCheckpointsHandler } from './application/list-checkpoints.query.js';
import { ReadEventsHandler } from './application/read-events.query.js';
import { ReadStreamHandler } from './application/read-stream.query.js';
import { VerifyLedgerHandler } from './application/verify-ledger.query.js';
import { VerifyOnStart } from './application/verify-on-start.service.js';
import { AuditController } from './http/audit.controller.js';
import { loadOrCreateSigningKey, SIGNING_KEY } from './infrastructure/signing-key.js';

@Module({
  controllers: [AuditController],
  providers: [
    // Created at start-up, so a new data directory gets its key on first start, not on first checkpoint.
    { provide: SIGNING_KEY, inject: [APP_CONFIG], useFactory: (config: AppConfig) => loadOrCreateSigningKey(config) },
    IssueCheckpointHandler,
    VerifyLedgerHandler,
    ReadEventsHandler,
    ReadStreamHandler,
    ListCheckpointsHandler,
    VerifyOnStart,
  ],
  exports: [SIGNING_KEY],
})
export class AuditModule {}
