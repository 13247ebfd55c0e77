import { Injectable } from '@nestjs/common';

const ignore = (): void => undefined;

/**
 * The server's one way into a whole-ledger verification, so that at most one runs at a time: each
 * run starts worker threads with their own connections to the ledger file (on a large SQLite
 * ledger), and runs started side by side only add threads, memory and open descriptors, each
 * finishing later than it would alone. Runs go in the order they were asked for.
 *
 * Two ways through: `exclusive` for a caller that needs a run of its own (a checkpoint signs what
 * its run verified), `shared` for callers that only need an answer no older than their call (a
 * report). The CLI is one process per command and does not use it.
 */
@Injectable()
export class VerificationGate {
  /** Settles (never rejects) when the last task asked for has ended. */
  private last: Promise<void> = Promise.resolve();

  /** Runs `task` once every task asked for before it has ended, whether it succeeded or not. */
  exclusive<T>(task: () => Promise<T>): Promise<T> {
    const run = this.last.then(task);
    this.last = run.then(ignore, ignore);
    return run;
  }

  /**
   * A function whose calls share runs of `task` through this gate. A call joins the run queued and
   * not yet started, or queues one: never the run under way, which may have read the ledger before
   * the caller's last append. So every answer comes from a run that started after the call (it
   * covers every event appended before it), and however many calls arrive during a run, one run
   * follows it. A failure reaches every caller of that run.
   */
  shared<T>(task: () => Promise<T>): () => Promise<T> {
    let next: Promise<T> | undefined;
    return () =>
      (next ??= this.exclusive(() => {
        // Started: a caller from now on needs the run after this one.
        next = undefined;
        return task();
      }));
  }
}
