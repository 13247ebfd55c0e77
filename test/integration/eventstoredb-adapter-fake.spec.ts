import { randomUUID } from 'node:crypto';
import { openEventStoreDb } from '../../src/infrastructure/eventstoredb/eventstoredb-event-store.js';
import { InvalidPositionError, StoreUnavailableError } from '../../src/shared/event-store/event-store.errors.js';
import { transactionTime } from '../../src/shared/event-store/transaction-time.js';
import { AUDITOR_TOKEN, newDataDir, removeDataDir, startApp } from '../e2e/support/e2e-app.js';
import { type AppendFault, type EsdbFake, startEsdbFake } from '../support/esdb-fake.js';

/*
 * Findings of an expert review of the EventStoreDB adapter, against the in-process protocol fake
 * (test/support/esdb-fake.ts; NOT EventStoreDB), which now refuses, as the server does, a read of
 * $all from a byte that starts no record.
 */
const options = { connectTimeoutMs: 5000, resubscribeDelayMs: 50 };
const anEvent = () => ({ eventId: randomUUID(), type: 'SomethingHappened', data: { n: 1 }, metadata: { effectiveOn: '2026-01-01', recordedAt: '2026-03-12T10:00:00.000Z' } });

describe('the EventStoreDB adapter against the protocol fake (not EventStoreDB)', () => {
  let fake: EsdbFake;
  beforeAll(async () => {
    fake = await startEsdbFake({ statsIntervalMs: 0 });
  });
  afterAll(async () => {
    await fake.stop();
  });

  it('starts the transaction-time floor from the last event of a non-empty log (a read of $all from head - 1 is refused by the server)', async () => {
    const writer = await openEventStoreDb(fake.connectionString, options);
    const restarted = await openEventStoreDb(fake.connectionString, options);
    try {
      await writer.append(`tt-${randomUUID()}`, [anEvent(), anEvent()], 'no_stream');
      // A process that starts on this log, its clock two months behind: refused, as the floor is the log's.
      await expect(transactionTime(restarted, { now: () => new Date('2026-01-12T10:00:00.000Z') })).rejects.toThrow(/earlier than an event the ledger already recorded \(2026-03-12T10:00:00\.000Z\)/);
      await expect(transactionTime(restarted, { now: () => new Date('2026-03-12T10:00:30.000Z') })).resolves.toEqual(new Date('2026-03-12T10:00:30.000Z'));
    } finally {
      await Promise.all([writer.close(), restarted.close()]);
    }
  });

  it('reads streams from the leader (requires-leader): in a cluster a follower may not yet hold the append a command must see', async () => {
    const store = await openEventStoreDb(fake.connectionString, options);
    try {
      const before = { ...fake.calls };
      const stream = `leader-${randomUUID()}`;
      await store.append(stream, [anEvent()], 'no_stream');
      await store.readStream(stream);
      const reads = fake.calls.streamReads - before.streamReads;
      expect(reads).toBeGreaterThanOrEqual(3);
      expect(fake.calls.streamReadsOnLeader - before.streamReadsOnLeader).toBe(reads);
    } finally {
      await store.close();
    }
  });

  it('refuses a read of the log after a position that is no event\'s (the server\'s InvalidPosition): GET /audit/events answers 400 naming after', async () => {
    const store = await openEventStoreDb(fake.connectionString, options);
    const dataDir = newDataDir();
    const t = await startApp(dataDir, { LEDGER_STORE: 'eventstoredb', ESDB_CONNECTION_STRING: fake.connectionString });
    try {
      const { position } = await store.append(`after-${randomUUID()}`, [anEvent(), anEvent()], 'no_stream');
      const inside = (BigInt(position) + 7n).toString();
      await expect((async () => {
        for await (const event of store.readAll({ after: inside })) void event;
      })()).rejects.toBeInstanceOf(InvalidPositionError);
      const answer = await t.http().get(`/audit/events?after=${inside}`).set('Authorization', `Bearer ${AUDITOR_TOKEN}`).expect(400);
      expect(answer.body.errors).toEqual([{ field: 'after', message: "must be a position of this ledger (an event's position, or the next of a page)" }]);
      await t.http().get(`/audit/events?after=${position}`).set('Authorization', `Bearer ${AUDITOR_TOKEN}`).expect(200);
    } finally {
      await t.close();
      removeDataDir(dataDir);
      await store.close();
    }
  });

  it('raises its local head on an idempotent replay answered here but recorded by another instance (its queries wait for it)', async () => {
    const a = await openEventStoreDb(fake.connectionString, options);
    const b = await openEventStoreDb(fake.connectionString, options);
    try {
      const stream = `replay-${randomUUID()}`;
      const batch = [anEvent(), anEvent()];
      const first = await a.append(stream, batch, 'no_stream');
      const again = await b.append(stream, batch, 'no_stream');
      expect(again.idempotentReplay).toBe(true);
      expect(b.localHeadPosition()).toBe(first.position);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('ends a subscription from a position that is no event\'s with InvalidPositionError (the server\'s InvalidArgument reaches the client as UnknownError), not retrying for ever', async () => {
    const store = await openEventStoreDb(fake.connectionString, options);
    try {
      const { position } = await store.append(`sub-after-${randomUUID()}`, [anEvent(), anEvent()], 'no_stream');
      const inside = (BigInt(position) + 7n).toString();
      const subscription = store.subscribeToAll({ after: inside });
      const next = subscription[Symbol.asyncIterator]().next();
      let timer: NodeJS.Timeout | undefined;
      const outcome = await Promise.race([
        next.then(() => 'an event', (error: unknown) => error),
        new Promise((resolve) => (timer = setTimeout(() => resolve('still retrying after 2 s'), 2000))),
      ]);
      clearTimeout(timer);
      expect(outcome).toBeInstanceOf(InvalidPositionError);
      expect((outcome as InvalidPositionError).position).toBe(inside);
      await subscription.unsubscribe();
    } finally {
      await store.close();
    }
  });

  describe.each([
    ['BatchAppend', true],
    ['Append', false],
  ])('appends over %s that the server does not handle', (_path, batchAppend) => {
    let faulty: EsdbFake;
    beforeAll(async () => {
      faulty = await startEsdbFake({ batchAppend, statsIntervalMs: 0 });
    });
    afterAll(async () => {
      await faulty.stop();
    });

    it.each<[AppendFault, RegExp]>([
      ['not-ready', /Server Is Not Ready/],
      ['busy', /Server Is (Too )?Busy/],
      ['no-leader-info', /No leader info available/],
      ['access-denied', /access denied to ledger-idempotency-[0-9a-f]{64}: the connection string's user must be allowed/],
    ])('answers %s as StoreUnavailableError naming the server and the reason, having written nothing', async (fault, reason) => {
      const store = await openEventStoreDb(faulty.connectionString, options);
      try {
        const stream = `fault-${randomUUID()}`;
        faulty.appendFaults.push(fault);
        const error = await store.append(stream, [{ ...anEvent(), metadata: { idempotencyKey: `k-${randomUUID()}` } }], 'no_stream').catch((caught: unknown) => caught);
        expect(error).toBeInstanceOf(StoreUnavailableError);
        expect((error as Error).message).toContain(`EventStoreDB at ${faulty.connectionString}: `);
        expect((error as Error).message).toMatch(reason);
        expect(faulty.log.stream(stream)).toHaveLength(0);
        // The next append, the server handling it again, goes through.
        await expect(store.append(stream, [anEvent()], 'no_stream')).resolves.toMatchObject({ revision: 0 });
      } finally {
        await store.close();
      }
    });

    it('retries an append answered NotLeader once (nothing was written; the client has reconnected to the leader), then answers 503', async () => {
      const store = await openEventStoreDb(faulty.connectionString, options);
      try {
        const stream = `not-leader-${randomUUID()}`;
        faulty.appendFaults.push('not-leader');
        await expect(store.append(stream, [anEvent()], 'no_stream')).resolves.toMatchObject({ revision: 0, idempotentReplay: false });
        expect(faulty.log.stream(stream)).toHaveLength(1);

        faulty.appendFaults.push('not-leader', 'not-leader');
        const error = await store.append(stream, [anEvent()], 0).catch((caught: unknown) => caught);
        expect(error).toBeInstanceOf(StoreUnavailableError);
        expect((error as Error).message).toMatch(/Leader info available|not-leader/);
        expect(faulty.log.stream(stream)).toHaveLength(1);
      } finally {
        faulty.appendFaults.length = 0;
        await store.close();
      }
    });
  });
});
