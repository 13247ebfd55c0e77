import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { VerifyOnStart } from '../../src/audit/application/verify-on-start.service.js';
import type { CheckpointSigner } from '../../src/audit/infrastructure/signing-key.js';
import type { AppConfig } from '../../src/config/app-config.js';
import type { EventStore } from '../../src/shared/event-store/event-store.port.js';

/*
 * The unhappy paths of the verification at start (verify-on-start.e2e.spec.ts has the happy ones):
 * a ledger that cannot be read is a warning, not a crash; a stop during the check silences it.
 */
describe('VerifyOnStart when the check cannot finish', () => {
  const logs = { log: [] as string[], warn: [] as string[], error: [] as string[] };
  const signer = { publicKey: { keyId: 'k1', algorithm: 'ed25519', publicKey: 'AAAA' } } as unknown as CheckpointSigner;
  const config = { verifyOnStart: true, dataDir: '/nonexistent/norms-ledger-verify-on-start' } as AppConfig;

  beforeEach(() => {
    for (const level of ['log', 'warn', 'error'] as const) {
      logs[level].length = 0;
      jest.spyOn(Logger.prototype, level).mockImplementation((message: unknown) => void logs[level].push(String(message)));
    }
  });
  afterEach(() => jest.restoreAllMocks());

  /** A store whose head position answers when the test says so. */
  const heldStore = () => {
    let settle!: (outcome: Error | string | null) => void;
    const head = new Promise<string | null>((resolve, reject) => {
      settle = (outcome) => (outcome instanceof Error ? reject(outcome) : resolve(outcome));
    });
    // Handled here too: it may settle before the service, which waits a turn first, awaits it.
    head.catch(() => undefined);
    const store = { headPosition: jest.fn(() => head) } as unknown as EventStore;
    return { store, settle };
  };

  it('warns with the reason when the ledger cannot be read, and neither throws nor logs a verdict', async () => {
    const { store, settle } = heldStore();
    const service = new VerifyOnStart(store, signer, config);
    service.onApplicationBootstrap();
    settle(new Error('SQLITE_IOERR: disk I/O error'));
    await expect(service.done).resolves.toBeUndefined();
    expect(logs.warn).toEqual(['could not verify the ledger at start: SQLITE_IOERR: disk I/O error']);
    expect([...logs.log, ...logs.error]).toEqual([]);
  });

  it('says nothing of a check that a stop interrupted (the store it read was closed under it)', async () => {
    const { store, settle } = heldStore();
    const service = new VerifyOnStart(store, signer, config);
    service.onApplicationBootstrap();
    await new Promise((resolve) => setImmediate(resolve));
    expect(store.headPosition).toHaveBeenCalledTimes(1);
    service.beforeApplicationShutdown();
    settle(new Error('The database connection is not open'));
    await service.done;
    expect([...logs.log, ...logs.warn, ...logs.error]).toEqual([]);
  });

  it('starts no check when LEDGER_VERIFY_ON_START is false', async () => {
    const { store } = heldStore();
    const service = new VerifyOnStart(store, signer, { ...config, verifyOnStart: false });
    service.onApplicationBootstrap();
    await service.done;
    await new Promise((resolve) => setImmediate(resolve));
    expect(store.headPosition).not.toHaveBeenCalled();
  });
});
