import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { VerificationGate } from '../../src/audit/application/verification-gate.js';
import { VerifyOnStart } from '../../src/audit/application/verify-on-start.service.js';
import type { CheckpointSigner } from '../../src/audit/infrastructure/signing-key.js';
import type { AppConfig } from '../../src/config/app-config.js';
import type { EventStore } from '../../src/shared/event-store/event-store.port.js';

/*
 * The gate every whole-ledger verification of the server goes through: one run at a time, in the
 * order asked for; verify requests share the next run, never the one under way. Runs here are
 * deferred promises the test settles, so nothing depends on timing.
 */

interface Deferred<T> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
  reject(error: Error): void;
}

const deferred = <T>(): Deferred<T> => {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((done, fail) => {
    resolve = done;
    reject = fail;
  });
  return { promise, resolve, reject };
};

/** Lets every task the gate can start now start (its queue moves on promise callbacks). */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** A task whose runs the test ends one by one; counts the runs started and the most at once. */
const heldRuns = <T>() => {
  const runs: Deferred<T>[] = [];
  let running = 0;
  let most = 0;
  const task = async (): Promise<T> => {
    running++;
    most = Math.max(most, running);
    const run = deferred<T>();
    runs.push(run);
    try {
      return await run.promise;
    } finally {
      running--;
    }
  };
  return { task, runs, mostAtOnce: () => most };
};

describe('VerificationGate.exclusive', () => {
  it('runs tasks one at a time, in the order asked for, each once the one before has ended', async () => {
    const gate = new VerificationGate();
    const { task, runs, mostAtOnce } = heldRuns<string>();
    const answers = [gate.exclusive(task), gate.exclusive(task), gate.exclusive(task)];
    await settle();
    expect(runs).toHaveLength(1);
    runs[0]!.resolve('first');
    await settle();
    expect(runs).toHaveLength(2);
    runs[1]!.resolve('second');
    await settle();
    runs[2]!.resolve('third');
    await expect(Promise.all(answers)).resolves.toEqual(['first', 'second', 'third']);
    expect(mostAtOnce()).toBe(1);
  });

  it('moves on after a task that failed, and the failure reaches only its caller', async () => {
    const gate = new VerificationGate();
    const { task, runs } = heldRuns<string>();
    const failing = gate.exclusive(task);
    const next = gate.exclusive(task);
    await settle();
    runs[0]!.reject(new Error('SQLITE_IOERR: disk I/O error'));
    await expect(failing).rejects.toThrow('SQLITE_IOERR');
    await settle();
    expect(runs).toHaveLength(2);
    runs[1]!.resolve('after');
    await expect(next).resolves.toBe('after');
  });

  it('moves on after a task that threw before returning a promise', async () => {
    const gate = new VerificationGate();
    const thrown = gate.exclusive((): Promise<string> => {
      throw new Error('no store');
    });
    await expect(thrown).rejects.toThrow('no store');
    await expect(gate.exclusive(async () => 'next')).resolves.toBe('next');
  });
});

describe('VerificationGate.shared', () => {
  it('starts a run at once when none is under way', async () => {
    const gate = new VerificationGate();
    const { task, runs } = heldRuns<string>();
    const verify = gate.shared(task);
    const answer = verify();
    await settle();
    expect(runs).toHaveLength(1);
    runs[0]!.resolve('report');
    await expect(answer).resolves.toBe('report');
  });

  it('has calls made during a run wait for it, then share one run that starts after them all', async () => {
    const gate = new VerificationGate();
    const { task, runs, mostAtOnce } = heldRuns<string>();
    const verify = gate.shared(task);
    const first = verify();
    await settle();
    const during = [verify(), verify(), verify()];
    await settle();
    // None of them is answered by the run under way: it may have read the ledger before their appends.
    expect(runs).toHaveLength(1);
    runs[0]!.resolve('run 1');
    await expect(first).resolves.toBe('run 1');
    await settle();
    expect(runs).toHaveLength(2);
    runs[1]!.resolve('run 2');
    await expect(Promise.all(during)).resolves.toEqual(['run 2', 'run 2', 'run 2']);
    expect(mostAtOnce()).toBe(1);
  });

  it('answers no call from a run that ended before it: a call after a run starts another', async () => {
    const gate = new VerificationGate();
    let run = 0;
    const verify = gate.shared(async () => `run ${++run}`);
    await expect(verify()).resolves.toBe('run 1');
    await expect(verify()).resolves.toBe('run 2');
  });

  it('has each call answered by the first run that starts after it, run after run', async () => {
    const gate = new VerificationGate();
    const { task, runs } = heldRuns<string>();
    const verify = gate.shared(task);
    const first = verify();
    await settle();
    const second = verify();
    runs[0]!.resolve('run 1');
    await settle();
    // The second run is under way: a call now waits for it and gets the third.
    const third = verify();
    await settle();
    expect(runs).toHaveLength(2);
    runs[1]!.resolve('run 2');
    await settle();
    runs[2]!.resolve('run 3');
    await expect(Promise.all([first, second, third])).resolves.toEqual(['run 1', 'run 2', 'run 3']);
  });

  it('fails every caller of a run that fails, and runs again for the next call', async () => {
    const gate = new VerificationGate();
    const { task, runs } = heldRuns<string>();
    const verify = gate.shared(task);
    const first = verify();
    await settle();
    const sharers = [verify(), verify()];
    runs[0]!.resolve('run 1');
    await first;
    await settle();
    runs[1]!.reject(new Error('the store is unavailable'));
    for (const sharer of sharers) await expect(sharer).rejects.toThrow('the store is unavailable');
    const later = verify();
    await settle();
    runs[2]!.resolve('run 3');
    await expect(later).resolves.toBe('run 3');
  });

  it('takes turns with exclusive tasks: never two runs at once, and a shared run keeps its place in the queue', async () => {
    const gate = new VerificationGate();
    const { task, runs, mostAtOnce } = heldRuns<string>();
    const verify = gate.shared(task);
    const checkpoint = gate.exclusive(task); // runs[0]
    const verifies = [verify(), verify()]; // runs[1], queued behind the checkpoint
    const second = gate.exclusive(task); // runs[2], behind the shared run
    const late = verify(); // joins runs[1], not yet started
    await settle();
    expect(runs).toHaveLength(1);
    runs[0]!.resolve('checkpoint');
    await settle();
    expect(runs).toHaveLength(2);
    runs[1]!.resolve('report');
    await settle();
    expect(runs).toHaveLength(3);
    runs[2]!.resolve('second checkpoint');
    await expect(Promise.all([checkpoint, ...verifies, late, second])).resolves.toEqual(['checkpoint', 'report', 'report', 'report', 'second checkpoint']);
    expect(mostAtOnce()).toBe(1);
  });
});

describe('VerifyOnStart through the gate', () => {
  const signer = { publicKey: { keyId: 'k1', algorithm: 'ed25519', publicKey: 'AAAA' } } as unknown as CheckpointSigner;
  const config = { verifyOnStart: true, dataDir: '/nonexistent/norms-ledger-verify-on-start' } as AppConfig;

  beforeEach(() => {
    for (const level of ['log', 'warn', 'error'] as const) jest.spyOn(Logger.prototype, level).mockImplementation(() => undefined);
  });
  afterEach(() => jest.restoreAllMocks());

  /** An empty ledger: the check reads its head, and has nothing more to read. */
  const emptyStore = () => ({ headPosition: jest.fn(async () => null) }) as unknown as EventStore & { headPosition: jest.Mock };

  it('waits for a verification under way before it reads the ledger', async () => {
    const gate = new VerificationGate();
    const running = deferred<void>();
    const other = gate.exclusive(() => running.promise);
    const store = emptyStore();
    const service = new VerifyOnStart(store, signer, config, gate);
    service.onApplicationBootstrap();
    await settle();
    await settle();
    expect(store.headPosition).not.toHaveBeenCalled();
    running.resolve();
    await other;
    await service.done;
    expect(store.headPosition).toHaveBeenCalledTimes(1);
  });

  it('reads nothing when the server stops while it waits', async () => {
    const gate = new VerificationGate();
    const running = deferred<void>();
    void gate.exclusive(() => running.promise);
    const store = emptyStore();
    const service = new VerifyOnStart(store, signer, config, gate);
    service.onApplicationBootstrap();
    await settle();
    service.beforeApplicationShutdown();
    running.resolve();
    await service.done;
    expect(store.headPosition).not.toHaveBeenCalled();
  });
});
