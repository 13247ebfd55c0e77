import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exportBundle, ImportFailedError, importBundle, verifyBundle } from '../../src/audit/application/bundle.js';
import { issueCheckpoint } from '../../src/audit/application/issue-checkpoint.command.js';
import { verifyStore } from '../../src/audit/application/verify-ledger.query.js';
import { openEventStoreDb, type EventStoreDbEventStore } from '../../src/infrastructure/eventstoredb/eventstoredb-event-store.js';
import { type EsdbFake, startEsdbFake } from '../support/esdb-fake.js';
import { context, fixedClock, type Ledger, openLedger, removeDir, seedLedger, sequentialIds } from './support/ledger-fixture.js';

interface BundleLine {
  readonly streamId: string;
  readonly eventId: string;
  readonly position: string;
  readonly type: string;
  readonly data: { readonly upTo?: string; readonly eventCount?: number };
}

const eventLines = (file: string): BundleLine[] =>
  readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as BundleLine)
    .filter((line) => line.eventId !== undefined);

/*
 * "Moving history from the embedded store" (README): a SQLite ledger with checkpoints, exported and
 * imported into the EventStoreDB adapter, here over the in-process protocol fake (NOT EventStoreDB),
 * which gives the events commit positions of its own, as the server does.
 */
describe('a ledger moved from SQLite into EventStoreDB (the adapter against the protocol fake)', () => {
  let fake: EsdbFake;
  let ledger: Ledger;
  let store: EventStoreDbEventStore;
  let file: string;
  beforeEach(async () => {
    // A server of its own for each test: import needs an empty store.
    fake = await startEsdbFake({ statsIntervalMs: 0 });
    ledger = openLedger();
    await seedLedger(ledger);
    file = join(ledger.dir, 'bundle.ndjson');
    await exportBundle(ledger.store, [ledger.signer.publicKey], file);
    store = await openEventStoreDb(fake.connectionString, { connectTimeoutMs: 5000 });
  });
  afterEach(async () => {
    await store.close();
    await fake.stop();
    await ledger.close();
    removeDir(ledger.dir);
  });

  it('keeps every checkpoint verifying where its events end in the new log, and takes new checkpoints on top', async () => {
    const result = await importBundle(store, file);
    expect(result).toMatchObject({ events: 11, checkpoints: 2, renumbered: 11 });
    const moved = join(ledger.dir, 'moved.ndjson');
    await exportBundle(store, [ledger.signer.publicKey], moved);
    const before = eventLines(file);
    const after = eventLines(moved);
    expect(after.map((line) => line.eventId)).toEqual(before.map((line) => line.eventId));
    // Every position is another here; the checkpoints still name the old ones.
    expect(after.filter((line, index) => line.position === before[index]!.position)).toEqual([]);
    const checkpoints = after.filter((line) => line.type === 'CheckpointIssued');
    expect(checkpoints.map((line) => line.data.upTo)).toEqual(['6', '9']);
    // The second checkpoint covers the first 8 events (checkpoints not counted): the 8th ends at the 9th line.
    const lastCovered = after[8]!;
    expect(lastCovered.type).not.toBe('CheckpointIssued');

    const report = await verifyStore(store, [ledger.signer.publicKey]);
    expect(report).toMatchObject({ ok: true, eventsChecked: 11, checkpointsChecked: 2, problems: [], signedUpTo: lastCovered.position, unsignedEvents: 1 });
    // Offline, the bundle exported from the new store verifies too (its positions only increase).
    expect(await verifyBundle(moved, { expectKeyId: ledger.signer.publicKey.keyId })).toMatchObject({ ok: true, checkpointsChecked: 2, signedUpTo: lastCovered.position });

    // A new checkpoint is signed over the moved ledger, in this store's positions, and verifies with the old ones.
    const issued = await issueCheckpoint({ store, clock: fixedClock(), ids: sequentialIds(9), signer: ledger.signer }, context);
    expect(issued.checkpoint).toMatchObject({ upTo: after[10]!.position, eventCount: 9, streamCount: 4 });
    expect(await verifyStore(store, [ledger.signer.publicKey])).toMatchObject({ ok: true, checkpointsChecked: 3, problems: [], signedUpTo: after[10]!.position, unsignedEvents: 0 });
  });

  it('an import that fails part-way says how many events it wrote, and the store holds exactly those, in order', async () => {
    // The bundle's runs: norm-a ×2, norm-b ×2, session-s1 ×2, … ; the third append is refused.
    let appends = 0;
    const failing = Object.create(store) as EventStoreDbEventStore;
    failing.append = (...args: Parameters<EventStoreDbEventStore['append']>) => {
      appends += 1;
      return appends === 3 ? Promise.reject(new Error('the server refused the append')) : store.append(...args);
    };
    const error = await importBundle(failing, file).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ImportFailedError);
    expect(error).toMatchObject({ events: 4, message: 'import failed after 4 events: the server refused the append; the store now holds a partial import: remove it before importing again' });
    const written = join(ledger.dir, 'partial.ndjson');
    await exportBundle(store, [ledger.signer.publicKey], written);
    expect(eventLines(written).map((line) => line.eventId)).toEqual(eventLines(file).slice(0, 4).map((line) => line.eventId));
  });

  it('a checkpoint that holds neither at its upTo nor where its event count ends is still named', async () => {
    await importBundle(store, file);
    const moved = join(ledger.dir, 'moved.ndjson');
    await exportBundle(store, [ledger.signer.publicKey], moved);
    // The second checkpoint made to claim one event more than it covers (its hash and signature no longer hold either).
    const text = readFileSync(moved, 'utf8');
    expect(text.match(/"eventCount":8,/g)).toHaveLength(1);
    writeFileSync(moved, text.replace('"eventCount":8,', '"eventCount":9,'));
    const report = await verifyBundle(moved);
    expect(report.ok).toBe(false);
    expect(report.problems.map((problem) => [problem.streamId, problem.revision, problem.problem])).toEqual([
      ['ledger-checkpoints', 1, 'hash-mismatch'],
      ['ledger-checkpoints', 1, 'bad-checkpoint'],
      ['ledger-checkpoints', 1, 'bad-signature'],
    ]);
    expect(report.signedUpTo).toBe(eventLines(moved)[5]!.position);
  });
});
