import { type BeforeApplicationShutdown, Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { EVENT_STORE, type EventStore } from '../../shared/event-store/event-store.port.js';
import { plural } from '../../shared/plural.js';
import { countsOf, describeProblem, problemCountOf, type VerificationReport } from '../domain/verifier.js';
import { type CheckpointSigner, SIGNING_KEY, trustedPublicKeys } from '../infrastructure/signing-key.js';
import { VerificationGate } from './verification-gate.js';
import { verifyStore } from './verify-ledger.query.js';

/**
 * Verifies the whole ledger once the server has started (LEDGER_VERIFY_ON_START, on by default),
 * in the background, and says in the log what it found: a ledger changed behind the server's back
 * (a byte of a stored event, a removed or reordered event) is named at start, not only when an
 * auditor next asks. It answers nothing and stops nothing: the server serves meanwhile, and a
 * damaged ledger still serves so that auditors can reach /audit/verify. Costs one verification
 * (about 5 s over 1M events here, on worker threads), through the VerificationGate, so that a
 * verify or checkpoint asked for meanwhile waits for it rather than running beside it.
 */
@Injectable()
export class VerifyOnStart implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('VerifyOnStart');
  private stopping = false;
  /** The verification in progress or done (tests await it). */
  done: Promise<void> = Promise.resolve();

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(SIGNING_KEY) private readonly signer: CheckpointSigner,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    // The module's gate; made without one, the check has a gate of its own (nothing to wait for).
    @Inject(VerificationGate) private readonly gate: VerificationGate = new VerificationGate(),
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.verifyOnStart) this.done = this.verify();
  }

  beforeApplicationShutdown(): void {
    // Not waited for: a stop is not held by a background check. What it meets from here on (a closed store) is not reported.
    this.stopping = true;
  }

  private async verify(): Promise<void> {
    await nextTurn();
    try {
      const verified = await this.gate.exclusive(() => this.timedVerification());
      if (verified === undefined || this.stopping) return;
      const { report, seconds } = verified;
      const checked = countsOf(report);
      if (report.ok) {
        this.logger.log(`the ledger verifies: ${checked} (checked at start in ${seconds} s)`);
      } else {
        this.logger.error(
          `the ledger does not verify: ${plural(problemCountOf(report), 'problem')} in ${checked}; the first: ${describeProblem(report.problems[0]!)}; POST /audit/verify (or norms-ledger verify) names every one, and no checkpoint is signed until it is mended`,
        );
      }
    } catch (error) {
      if (!this.stopping) this.logger.warn(`could not verify the ledger at start: ${(error as Error)?.message ?? String(error)}`);
    }
  }

  /** The report and the seconds it took, the wait for the gate not counted; none once stopping. */
  private async timedVerification(): Promise<{ report: VerificationReport; seconds: string } | undefined> {
    // Stopped while waiting for the gate: no read of a store that is being closed.
    if (this.stopping) return undefined;
    const started = Date.now();
    const report = await verifyStore(this.store, trustedPublicKeys(this.config, this.signer));
    return { report, seconds: ((Date.now() - started) / 1000).toFixed(1) };
  }
}
