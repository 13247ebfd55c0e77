import { listCheckpoints } from '../../src/audit/application/list-checkpoints.query.js';
import { verifyStore } from '../../src/audit/application/verify-ledger.query.js';
import { CHECKPOINT_STREAM } from '../../src/audit/domain/checkpoint.events.js';
import type { VerificationReport } from '../../src/audit/domain/verifier.js';
import { loadOrCreateSigningKey } from '../../src/audit/infrastructure/signing-key.js';
import { computeEventHash } from '../../src/shared/event-store/envelope.js';
import { type Ledger, openLedger, removeDir, rowAt, rows, seedLedger, tempDir, updateRow, withFrozenHead } from './support/ledger-fixture.js';

const verify = (ledger: Ledger): Promise<VerificationReport> => verifyStore(ledger.store, [ledger.signer.publicKey]);

/** Seeded: norm-a 1-2, norm-b 3-4, session-s1 5-6, checkpoint 7, norm-a 8, topic-t 9, checkpoint 10, norm-b 11. */
const EVENT = 4; // norm-b revision 1

describe('verify over the SQLite store', () => {
  let ledger: Ledger;
  beforeEach(async () => {
    ledger = openLedger();
    await seedLedger(ledger);
  });
  afterEach(async () => {
    await ledger.close();
    removeDir(ledger.dir);
  });

  it('passes an untouched ledger, counting events, streams and checkpoints', async () => {
    const report = await verify(ledger);
    expect(report).toEqual({ ok: true, eventsChecked: 11, streamsChecked: 5, checkpointsChecked: 2, signedUpTo: '9', unsignedEvents: 1, problems: [] });
    const { checkpoints } = await listCheckpoints(ledger.store);
    expect(checkpoints.map(({ upTo, eventCount, streamCount }) => ({ upTo, eventCount, streamCount }))).toEqual([
      { upTo: '6', eventCount: 6, streamCount: 3 },
      { upTo: '9', eventCount: 8, streamCount: 4 },
    ]);
  });

  const fieldEdits: Array<[string, (row: ReturnType<typeof rowAt>) => [keyof ReturnType<typeof rowAt>, string | number]]> = [
    ['type', () => ['type', 'Renamed']],
    ['data', (row) => ['data', row.data.replace('second', 'Second')]],
    ...['schemaVersion', 'effectiveOn', 'recordedAt', 'recordedBy', 'correlationId', 'causationId', 'prevHash', 'hash'].map(
      (field): [string, (row: ReturnType<typeof rowAt>) => [keyof ReturnType<typeof rowAt>, string | number]] => [
        `metadata.${field}`,
        (row) => {
          const metadata = JSON.parse(row.metadata) as Record<string, unknown>;
          const value = metadata[field];
          metadata[field] = typeof value === 'number' ? value + 1 : typeof value === 'string' && /^[0-9a-f]{64}$/.test(value) ? `${value.slice(0, 63)}${value.endsWith('0') ? '1' : '0'}` : `${String(value)}x`;
          return ['metadata', JSON.stringify(metadata)];
        },
      ],
    ),
    ['metadata.idempotencyKey (added)', (row) => ['metadata', JSON.stringify({ ...JSON.parse(row.metadata), idempotencyKey: 'k' })]],
    ['revision', () => ['revision', 7]],
    ['stream_id', () => ['stream_id', 'norm-z']],
    ['event_id', () => ['event_id', '00000000-0000-4000-8999-000000000001']],
  ];

  it.each(fieldEdits)('names the event whose %s was edited in the raw row', async (_field, edit) => {
    const before = rowAt(ledger.store, EVENT);
    const [column, value] = edit(before);
    updateRow(ledger.store, EVENT, column, value);
    const report = await verify(ledger);
    expect(report.ok).toBe(false);
    const named = report.problems.filter((problem) => problem.position === String(EVENT));
    expect(named.length).toBeGreaterThan(0);
    const after = rowAt(ledger.store, EVENT);
    for (const problem of named) expect(problem).toMatchObject({ streamId: after.stream_id, revision: after.revision, eventId: after.event_id });
  });

  it('names a hash mismatch with both hashes', async () => {
    updateRow(ledger.store, EVENT, 'data', rowAt(ledger.store, EVENT).data.replace('second', 'Second'));
    const report = await verify(ledger);
    expect(report.problems).toEqual([
      {
        streamId: 'norm-b',
        revision: 1,
        eventId: rowAt(ledger.store, EVENT).event_id,
        position: '4',
        problem: 'hash-mismatch',
        detail: expect.stringMatching(/^stored hash [0-9a-f]{64}, recomputed [0-9a-f]{64}$/),
      },
    ]);
  });

  it('finds a deleted event as a revision gap on the next one', async () => {
    // norm-a: revisions 0, 1 (positions 1, 2), 2 (position 8)
    ledger.store.database.prepare('DELETE FROM events WHERE position = 2').run();
    const report = await verify(ledger);
    expect(report.problems.map(({ position, problem }) => [position, problem])).toEqual(
      expect.arrayContaining([
        ['8', 'revision-gap'],
        ['7', 'bad-counts'],
        ['7', 'bad-root'],
      ]),
    );
    expect(report.problems.find((problem) => problem.problem === 'revision-gap')!.detail).toBe('revision 2 follows revision 0: revision 1 is missing');
  });

  it('finds a deleted last event through the checkpoint that covered it', async () => {
    ledger.store.database.prepare('DELETE FROM events WHERE position = 9').run(); // topic-t revision 0
    const report = await verify(ledger);
    expect(report.problems.map(({ position, problem }) => [position, problem])).toEqual([
      ['10', 'bad-counts'],
      ['10', 'bad-root'],
    ]);
  });

  it('finds a reordered pair', async () => {
    // norm-a revision 0 and 1 swap places in the log.
    const db = ledger.store.database;
    db.transaction(() => {
      db.prepare('UPDATE events SET revision = 100 WHERE position = 1').run();
      db.prepare('UPDATE events SET revision = 0 WHERE position = 2').run();
      db.prepare('UPDATE events SET revision = 1 WHERE position = 1').run();
    })();
    const report = await verify(ledger);
    const kinds = report.problems.map(({ position, problem }) => `${position} ${problem}`);
    expect(kinds).toEqual(expect.arrayContaining(['1 hash-mismatch', '1 revision-gap', '2 hash-mismatch', '2 revision-gap']));
  });

  it('finds a forged checkpoint even when its event hash was recomputed', async () => {
    const row = rowAt(ledger.store, 7);
    const data = { ...JSON.parse(row.data), root: 'f'.repeat(64) };
    const metadata = JSON.parse(row.metadata);
    metadata.hash = computeEventHash({ streamId: row.stream_id, revision: row.revision, eventId: row.event_id, type: row.type, data, metadata });
    updateRow(ledger.store, 7, 'data', JSON.stringify(data));
    updateRow(ledger.store, 7, 'metadata', JSON.stringify(metadata));
    // The next checkpoint's link then breaks too: it chained to the old hash.
    const report = await verify(ledger);
    expect(report.problems.map(({ position, problem, streamId }) => [streamId, position, problem])).toEqual([
      [CHECKPOINT_STREAM, '7', 'bad-root'],
      [CHECKPOINT_STREAM, '7', 'bad-signature'],
      [CHECKPOINT_STREAM, '10', 'broken-link'],
    ]);
  });

  it('finds a checkpoint signed by another key', async () => {
    const otherDir = tempDir();
    try {
      const other = loadOrCreateSigningKey({ dataDir: otherDir, signingKeyFile: undefined });
      await ledger.note('norm-a', 'more');
      await ledger.checkpoint(other);
      const report = await verify(ledger);
      expect(report.problems).toEqual([
        expect.objectContaining({ streamId: CHECKPOINT_STREAM, revision: 2, position: '13', problem: 'unknown-key', detail: `signed by key ${other.publicKey.keyId}; known keys: ${ledger.signer.publicKey.keyId}` }),
      ]);
      // Relabelled with our keyId (its event hash recomputed), the signature itself fails.
      const row = rowAt(ledger.store, 13);
      const data = { ...JSON.parse(row.data), keyId: ledger.signer.publicKey.keyId };
      const metadata = JSON.parse(row.metadata);
      metadata.hash = computeEventHash({ streamId: row.stream_id, revision: row.revision, eventId: row.event_id, type: row.type, data, metadata });
      updateRow(ledger.store, 13, 'data', JSON.stringify(data));
      updateRow(ledger.store, 13, 'metadata', JSON.stringify(metadata));
      const second = await verifyStore(ledger.store, [ledger.signer.publicKey]);
      expect(second.problems.map(({ problem }) => problem)).toEqual(['bad-signature']);
    } finally {
      removeDir(otherDir);
    }
  });

  it('names an event whose stored JSON no longer parses, and the chain resumes after it', async () => {
    updateRow(ledger.store, EVENT, 'data', rowAt(ledger.store, EVENT).data.slice(0, -1));
    const report = await verify(ledger);
    expect(report.problems).toEqual([
      expect.objectContaining({ streamId: 'norm-b', revision: 1, position: '4', problem: 'unparseable', detail: expect.stringMatching(/^data is not JSON/) }),
    ]);
  });

  // Bytes changed while the values parse alike (DESIGN §6: any changed byte is found): the hash of
  // the parsed values still matches, so the stored bytes are compared with their canonical form.
  it.each([
    ['a space after a colon', (data: string) => data.replace('":', '": ')],
    ['a character written as an escape', (data: string) => data.replace('second', '\\u0073econd')],
    ['a repeated key whose first value is forged', (data: string) => `{"text":"forged",${data.slice(1)}`],
  ])('names an event whose stored data has %s (not-canonical), on either path and for the checkpoint', async (_what, edit) => {
    const before = rowAt(ledger.store, EVENT);
    const edited = edit(before.data);
    expect(edited).not.toBe(before.data);
    expect(JSON.parse(edited)).toEqual(JSON.parse(before.data));
    updateRow(ledger.store, EVENT, 'data', edited);
    const report = await verify(ledger);
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual([
      { streamId: 'norm-b', revision: 1, eventId: before.event_id, position: String(EVENT), problem: 'not-canonical', detail: expect.stringMatching(/^the stored data is not as written: bytes were changed/) },
    ]);
  });

  it('refuses to sign for an event whose stored bytes are not canonical', async () => {
    const last = rows(ledger.store).length;
    updateRow(ledger.store, last, 'data', rowAt(ledger.store, last).data.replace('":', '": '));
    const before = rows(ledger.store).length;
    await expect(ledger.checkpoint()).rejects.toThrow(/^cannot issue a checkpoint: verify finds 1 problem in the ledger, the first: norm-b revision 2, event [0-9a-f-]+, position 11: not-canonical: the stored data is not as written/);
    expect(rows(ledger.store)).toHaveLength(before);
  });

  it('refuses to sign over damage a checkpoint already covers, naming it, and appends nothing', async () => {
    // Position 4 is covered by the seed's first checkpoint: the tree over the stream heads would not
    // change, but a checkpoint is a statement that the ledger stands, and it does not.
    updateRow(ledger.store, 4, 'data', rowAt(ledger.store, 4).data.replace('second', 'Second'));
    const before = rows(ledger.store).length;
    await expect(ledger.checkpoint()).rejects.toMatchObject({
      code: 'ledger-damaged',
      message: expect.stringMatching(/^cannot issue a checkpoint: verify finds \d+ problems? in the ledger, the first: norm-b revision 1, event [0-9a-f-]+, position 4: hash-mismatch: /),
    });
    expect(rows(ledger.store)).toHaveLength(before);
  });

  it('refuses to sign when an earlier checkpoint does not verify (signed by a key not trusted here)', async () => {
    const otherDir = tempDir();
    try {
      const other = loadOrCreateSigningKey({ dataDir: otherDir, signingKeyFile: undefined });
      const { issueCheckpoint } = await import('../../src/audit/application/issue-checkpoint.command.js');
      await ledger.note('norm-a', 'more');
      await ledger.checkpoint(other);
      const before = rows(ledger.store).length;
      await expect(issueCheckpoint({ store: ledger.store, clock: ledger.clock, ids: ledger.ids, signer: ledger.signer }, { principal: 't', correlationId: 'c' })).rejects.toThrow(
        /checkpoint 2 of ledger-checkpoints is signed by key [0-9a-f]{16}, but the signing key is [0-9a-f]{16} and key [0-9a-f]{16} is not trusted here: put back the key file .* trust-key --in FILE/,
      );
      expect(rows(ledger.store)).toHaveLength(before);
      // Trusting that key, it signs.
      await issueCheckpoint({ store: ledger.store, clock: ledger.clock, ids: ledger.ids, signer: ledger.signer, trustedKeys: [other.publicKey] }, { principal: 't', correlationId: 'c' });
      expect(rows(ledger.store)).toHaveLength(before + 1);
    } finally {
      removeDir(otherDir);
    }
  });

  it('issues a new checkpoint when nothing changed, covering what the last one did, and both verify', async () => {
    const before = rows(ledger.store).length;
    await ledger.checkpoint();
    await ledger.checkpoint();
    const added = rows(ledger.store).slice(before);
    expect(added.map((row) => row.stream_id)).toEqual([CHECKPOINT_STREAM, CHECKPOINT_STREAM]);
    const [first, second] = added.map((row) => JSON.parse(row.data) as { upTo: string; root: string; eventCount: number });
    expect(second).toMatchObject({ upTo: first!.upTo, root: first!.root, eventCount: first!.eventCount });
    expect((await verify(ledger)).ok).toBe(true);
  });

  it('checks a checkpoint whose upTo lies before events that precede it in the log', async () => {
    // What a race leaves: the tree read at head 11, then other events, then the checkpoint.
    const { issueCheckpoint, computeLedgerTree } = await import('../../src/audit/application/issue-checkpoint.command.js');
    const tree = await computeLedgerTree(ledger.store);
    expect(tree.upTo).toBe('11');
    await ledger.note('norm-c', 'raced in');
    await ledger.note('norm-a', 'raced in too');
    const store = ledger.store;
    const frozen = withFrozenHead(store, '11');
    await issueCheckpoint({ store: frozen, clock: ledger.clock, ids: ledger.ids, signer: ledger.signer }, { principal: 't', correlationId: 'c' });
    const last = rows(store).at(-1)!;
    expect(last.stream_id).toBe(CHECKPOINT_STREAM);
    expect(JSON.parse(last.data).upTo).toBe('11');
    expect(await verify(ledger)).toMatchObject({ ok: true, checkpointsChecked: 3 });
  });

  it('reads the tree again when a newer checkpoint landed after it read an older head, so a 201 always names a checkpoint it created', async () => {
    const { issueCheckpoint } = await import('../../src/audit/application/issue-checkpoint.command.js');
    const store = ledger.store;
    const before = rows(store).length;
    // The first two reads of the head are the verification's; the tree's first read then sees head 5,
    // before the seed's checkpoint of upTo 9 (a race lost); then the real head.
    let reads = 0;
    const racing = new Proxy(store, {
      get: (target, property) => {
        if (property === 'headPosition') return async () => (++reads === 3 ? '5' : target.headPosition());
        const value = Reflect.get(target, property, target) as unknown;
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const issued = await issueCheckpoint({ store: racing, clock: ledger.clock, ids: ledger.ids, signer: ledger.signer }, { principal: 't', correlationId: 'c' });
    expect(reads).toBe(4);
    expect(issued.events).toHaveLength(1);
    expect(issued.checkpoint.upTo).toBe('11');
    expect(rows(store).length).toBe(before + 1);
    // Always behind: refused after three reads, nothing appended.
    await expect(
      issueCheckpoint({ store: withFrozenHead(store, '5'), clock: ledger.clock, ids: ledger.ids, signer: ledger.signer }, { principal: 't', correlationId: 'c' }),
    ).rejects.toThrow(/^other checkpoints, issued meanwhile, cover more of the ledger \(up to position 11\): ask again$/);
    expect(rows(store).length).toBe(before + 1);
    expect(await verify(ledger)).toMatchObject({ ok: true });
  });
});
