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
import { type CheckpointSigner, SIGNING_KEY, signingKeyFor } from './infrastructure/signing-key.js';

/** What opening the signing key had to say (a key made, a key file others may read), one entry per line. */
export interface SigningKeyNotice {
  readonly level: 'log' | 'warn';
  readonly text: string;
}

/**
 * The notices of this app's signing key, said by the server (bootstrap.ts, serve) at every
 * LOG_LEVEL, as the first-start tokens are: the "keep a copy" of a key made on a first start is for
 * whoever starts the server, whatever the level. An app made without serve (tests) says nothing.
 */
export const SIGNING_KEY_NOTICES = Symbol.for('norms-ledger.SigningKeyNotices');

/**
 * The key made on a first start (a new ledger, no checkpoints), noted for the server to say; a
 * ledger with checkpoints whose key file is gone does not start (one line naming the file and the
 * key expected).
 */
const signingKeyAtStart = async (config: AppConfig, store: EventStore, notices: SigningKeyNotice[]): Promise<CheckpointSigner> => {
  try {
    return await signingKeyFor(config, store, (line) =>
      notices.push(line.startsWith('warning: ') ? { level: 'warn', text: line.slice('warning: '.length) } : { level: 'log', text: line }),
    );
  } catch (error) {
    throw new Error(`invalid configuration: ${config.signingKeyFile !== undefined ? 'LEDGER_SIGNING_KEY_FILE' : 'LEDGER_DATA_DIR'}: ${(error as Error).message}`);
  }
};

@Module({
  controllers: [AuditController],
  providers: [
    // Created at start-up, so a new data directory gets its key on first start, not on first checkpoint.
    // A new list per app (useValue would share one among every app of a process).
    { provide: SIGNING_KEY_NOTICES, useFactory: (): SigningKeyNotice[] => [] },
    { provide: SIGNING_KEY, inject: [APP_CONFIG, EVENT_STORE, SIGNING_KEY_NOTICES], useFactory: signingKeyAtStart },
    // One per server: verify, checkpoint and the check at start verify the whole ledger one at a time.
    VerificationGate,
    IssueCheckpointHandler,
    VerifyLedgerHandler,
    ReadEventsHandler,
    ReadStreamHandler,
    ListCheckpointsHandler,
    VerifyOnStart,
  ],
  exports: [SIGNING_KEY, SIGNING_KEY_NOTICES],
})
export class AuditModule {}
