import { Module } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { IssueCheckpointHandler } from './application/issue-checkpoint.command.js';
import { ListCheckpointsHandler } from './application/list-checkpoints.query.js';
import { ReadEventsHandler } from './application/read-events.query.js';
import { ReadStreamHandler } from './application/read-stream.query.js';
import { VerificationGate } from './application/verification-gate.js';
import { VerifyLedgerHandler } from './application/verify-ledger.query.js';
import { VerifyOnStart } from './application/verify-on-start.service.js';
import { AuditController } from './http/audit.controller.js';
import { EVENT_STORE, type EventStore } from '../shared/event-store/event-store.port.js';
import { serverLine } from '../shared/server-log.js';
import { type CheckpointSigner, SIGNING_KEY, signingKeyFor } from './infrastructure/signing-key.js';

/**
 * The key made on a first start (a new ledger, no checkpoints), said at every LOG_LEVEL as the
 * first-start tokens are (its "keep a copy" is for whoever starts the server, whatever the level);
 * a ledger with checkpoints whose key file is gone does not start (one line naming the file and the
 * key expected).
 */
const signingKeyAtStart = async (config: AppConfig, store: EventStore): Promise<CheckpointSigner> => {
  try {
    return await signingKeyFor(config, store, (line) =>
      process.stdout.write(line.startsWith('warning: ') ? serverLine(config, 'warn', 'SigningKey', line.slice('warning: '.length)) : serverLine(config, 'log', 'SigningKey', line)),
    );
  } catch (error) {
    throw new Error(`invalid configuration: ${config.signingKeyFile !== undefined ? 'LEDGER_SIGNING_KEY_FILE' : 'LEDGER_DATA_DIR'}: ${(error as Error).message}`);
  }
};

@Module({
  controllers: [AuditController],
  providers: [
    // Created at start-up, so a new data directory gets its key on first start, not on first checkpoint.
    { provide: SIGNING_KEY, inject: [APP_CONFIG, EVENT_STORE], useFactory: signingKeyAtStart },
    // One per server: verify, checkpoint and the check at start verify the whole ledger one at a time.
    VerificationGate,
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
