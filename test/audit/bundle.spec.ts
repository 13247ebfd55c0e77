import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exportBundle, importBundle, verifyBundle } from '../../src/audit/application/bundle.js';
import { describeProblem } from '../../src/audit/domain/verifier.js';
import { verifyStore } from '../../src/audit/application/verify-ledger.query.js';
import { addTrustedKey } from '../../src/audit/infrastructure/signing-key.js';
import { ConflictError, UnprocessableError } from '../../src/shared/domain/domain-error.js';
import { type Ledger, openLedger, removeDir, rows, seedLedger } from './support/ledger-fixture.js';

describe('the bundle', () => {
  let ledger: Ledger;
  let file: string;
  beforeEach(async () => {
    ledger = openLedger();
    await seedLedger(ledger);
    file = join(ledger.dir, 'bundle.ndjson');
    await exportBundle(ledger.store, [ledger.signer.publicKey], file);
  });
  afterEach(async () => {
    await ledger.close();
    removeDir(ledger.dir);
  });

  const lines = (): string[] => readFileSync(file, 'utf8').split('\n').slice(0, -1);
  const rewrite = (edited: string[]): void => writeFileSync(file, `${edited.join('\n')}\n`);

  it('is every event in global order, checkpoints in place, then the public key', () => {
    const parsed = lines().map((line) => JSON.parse(line));
    expect(parsed).toHaveLength(12);
    expect(parsed.slice(0, 11).map((event) => [event.position, event.streamId, event.revision])).toEqual(
      rows(ledger.store).map((row) => [String(row.position), row.stream_id, row.revision]),
    );
    expect(Object.keys(parsed[0])).toEqual(['streamId', 'revision', 'position', 'eventId', 'type', 'data', 'metadata']);
    expect(parsed[6].type).toBe('CheckpointIssued');
    expect(parsed[11]).toEqual({ publicKey: ledger.signer.publicKey });
  });

  it('verifies offline, with no store', async () => {
    expect(await verifyBundle(file)).toEqual({ ok: true, eventsChecked: 11, streamsChecked: 5, checkpointsChecked: 2, signedUpTo: '9', unsignedEvents: 1, problems: [], signedBy: [ledger.signer.publicKey.keyId] });
  });

  it('names the line of a tampered event', async () => {
    const edited = lines();
    edited[3] = edited[3]!.replace('second norm-b', 'Second norm-b');
    rewrite(edited);
    const report = await verifyBundle(file);
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual([expect.objectContaining({ line: 4, streamId: 'norm-b', revision: 1, position: '4', problem: 'hash-mismatch' })]);
    expect(describeProblem(report.problems[0]!)).toMatch(/^line 4, norm-b revision 1, event \S+, position 4: hash-mismatch: stored hash/);
  });

  it('accepts extra fields and positions that only increase', async () => {
    rewrite(lines().map((line, index) => (index < 11 ? line.replace(/"position":"(\d+)"/, (_m, p: string) => `"position":"${Number(p) * 10}","extra":true`) : line)));
    const report = await verifyBundle(file);
    // The checkpoints' upTo name the old positions (as after a move to EventStoreDB): each still holds
    // where its eventCount first events end, and the signed coverage is told in this log's positions.
    expect(report).toEqual({ ok: true, eventsChecked: 11, streamsChecked: 5, checkpointsChecked: 2, signedUpTo: '90', unsignedEvents: 1, problems: [], signedBy: [ledger.signer.publicKey.keyId] });
  });

  it('renumbered so that another event takes a place before a checkpoint: that checkpoint fails, its cut read by position or by count', async () => {
    // Lines: 0-5 norm-a, norm-b, session-s1 (two each), 6 checkpoint (6 events), 7 norm-a, 8 topic-t,
    // 9 checkpoint (8 events in 4 streams), 10 norm-b. Moving 10 before 9 and 8 after it keeps 8
    // events before the second checkpoint, but not the same ones; only positions are rewritten.
    const original = lines();
    const order = [0, 1, 2, 3, 4, 5, 6, 7, 10, 9, 8];
    expect(JSON.parse(original[9]!).type).toBe('CheckpointIssued');
    rewrite([...order.map((index, at) => original[index]!.replace(/"position":"\d+"/, `"position":"${(at + 1) * 10}"`)), original[11]!]);
    const report = await verifyBundle(file);
    expect(report.ok).toBe(false);
    expect(report.problems.map((problem) => [problem.streamId, problem.revision])).toEqual([['ledger-checkpoints', 1]]);
    expect(report.signedUpTo).toBe('60');
  });

  it('finds a checkpoint signed by a key the bundle does not carry', async () => {
    const edited = lines();
    edited[11] = JSON.stringify({ publicKey: { ...ledger.signer.publicKey } }).replace(ledger.signer.publicKey.keyId, '0123456789abcdef');
    rewrite(edited);
    const report = await verifyBundle(file);
    expect(report.problems.map((problem) => [problem.line, problem.problem])).toEqual([[12, 'bad-key']].concat([[7, 'unknown-key'], [10, 'unknown-key']]).sort((a, b) => (a[0] as number) - (b[0] as number)));
  });

  it('refuses a truncated bundle', async () => {
    const text = readFileSync(file, 'utf8');
    writeFileSync(file, text.slice(0, text.indexOf('\n', text.length / 2) + 20));
    const report = await verifyBundle(file);
    expect(report.ok).toBe(false);
    const kinds = report.problems.map((problem) => problem.problem);
    expect(kinds).toContain('unparseable');
    expect(kinds.at(-1)).toBe('missing-key');
  });

  it('refuses a bundle whose key line is missing', async () => {
    rewrite(lines().slice(0, 11));
    const report = await verifyBundle(file);
    expect(report.problems.map((problem) => [problem.line, problem.problem])).toEqual([
      [7, 'unknown-key'],
      [10, 'unknown-key'],
      [12, 'missing-key'],
    ]);
    expect(report.problems[2]!.detail).toBe('no {"publicKey": ...} line after line 11: the bundle is truncated or not a bundle');
  });

  it('refuses a file that is not NDJSON', async () => {
    writeFileSync(file, JSON.stringify(lines().map((line) => JSON.parse(line)), null, 2));
    const report = await verifyBundle(file);
    expect(report.ok).toBe(false);
    expect(report.problems[0]).toMatchObject({ line: 1, problem: 'unparseable' });
  });

  it('refuses an empty file and a missing one', async () => {
    writeFileSync(file, '');
    expect((await verifyBundle(file)).problems).toEqual([expect.objectContaining({ problem: 'missing-key', detail: 'the file is empty: not a bundle' })]);
    await expect(verifyBundle(join(ledger.dir, 'nope.ndjson'))).rejects.toThrow(/nope\.ndjson: no such file/);
  });

  describe('import', () => {
    let fresh: Ledger;
    beforeEach(() => {
      fresh = openLedger({ idPrefix: 1 });
    });
    afterEach(async () => {
      await fresh.close();
      removeDir(fresh.dir);
    });

    it('loads a bundle into an empty store: same events, positions and hashes, and it verifies', async () => {
      const result = await importBundle(fresh.store, file);
      expect(result).toEqual({ events: 11, streams: 5, checkpoints: 2, publicKey: ledger.signer.publicKey, trustedKeys: [], signingKeys: [ledger.signer.publicKey], idleKeyIds: [], renumbered: 0 });
      expect(rows(fresh.store)).toEqual(rows(ledger.store));
      expect(await verifyStore(fresh.store, [result.publicKey])).toMatchObject({ ok: true, eventsChecked: 11, checkpointsChecked: 2 });
      const again = join(fresh.dir, 'again.ndjson');
      await exportBundle(fresh.store, [ledger.signer.publicKey], again);
      expect(readFileSync(again, 'utf8')).toBe(readFileSync(file, 'utf8'));
    });

    it('a bundle exported again after an import, under a new signing key, carries the imported key and verifies offline', async () => {
      const imported = await importBundle(fresh.store, file);
      expect(fresh.signer.publicKey.keyId).not.toBe(ledger.signer.publicKey.keyId);
      // As `norms-ledger import` does: the data directory trusts the key that signed the bundle's
      // checkpoints (a new checkpoint is only signed over a ledger that verifies).
      addTrustedKey({ dataDir: fresh.dir }, imported.publicKey);
      await fresh.checkpoint();
      const again = join(fresh.dir, 'again.ndjson');
      // As the server and the CLI export: their own key first, then those of the bundles they imported.
      await exportBundle(fresh.store, [fresh.signer.publicKey, imported.publicKey], again);
      const keyLine = JSON.parse(readFileSync(again, 'utf8').trim().split('\n').at(-1)!) as { publicKey: { keyId: string }; trustedKeys: Array<{ keyId: string }> };
      expect(keyLine.publicKey.keyId).toBe(fresh.signer.publicKey.keyId);
      expect(keyLine.trustedKeys.map((key) => key.keyId)).toEqual([ledger.signer.publicKey.keyId]);
      expect(await verifyBundle(again)).toMatchObject({ ok: true, checkpointsChecked: 3, problems: [] });
      // Pinned to the new key alone, the checkpoints the old key signed are not vouched for.
      const pinned = await verifyBundle(again, { expectKeyId: fresh.signer.publicKey.keyId });
      expect(pinned.ok).toBe(false);
      expect(pinned.problems.map((problem) => problem.problem)).toEqual(['unknown-key', 'unknown-key']);
      // Pinned to both keys (the old one is among the bundle's trustedKeys), every checkpoint is vouched for.
      expect(await verifyBundle(again, { expectKeyId: [ledger.signer.publicKey.keyId, fresh.signer.publicKey.keyId] })).toMatchObject({ ok: true, checkpointsChecked: 3, problems: [] });
      // Pinned to the old key alone, only the new key's checkpoint is not vouched for, and it is named.
      const old = await verifyBundle(again, { expectKeyId: ledger.signer.publicKey.keyId });
      expect(old.problems).toEqual([
        expect.objectContaining({ streamId: 'ledger-checkpoints', revision: 2, problem: 'unknown-key', detail: expect.stringContaining(`signed by key ${fresh.signer.publicKey.keyId}`) }),
      ]);
      // A pinned key the bundle does not carry is named as such.
      const absent = await verifyBundle(again, { expectKeyId: ['0123456789abcdef', fresh.signer.publicKey.keyId] });
      expect(absent.problems.map((problem) => problem.detail)).toContain(
        `the pinned key 0123456789abcdef is not in the bundle, which carries ${fresh.signer.publicKey.keyId}, ${ledger.signer.publicKey.keyId}`,
      );
      // Without that line's trustedKeys (the bundle format before), the old checkpoints do not verify.
      const lines = readFileSync(again, 'utf8').trim().split('\n');
      const bare = join(fresh.dir, 'bare.ndjson');
      writeFileSync(bare, [...lines.slice(0, -1), JSON.stringify({ publicKey: keyLine.publicKey })].join('\n') + '\n');
      expect((await verifyBundle(bare)).problems.map((problem) => problem.problem)).toEqual(['unknown-key', 'unknown-key']);
    });

    it('keeps the bundle\'s positions, gaps included (as in a bundle from EventStoreDB): its checkpoints verify here and it exports again byte for byte', async () => {
      const gappy = openLedger({ idPrefix: 2 });
      try {
        // Gaps between positions, as EventStoreDB's commit positions have: the next position jumps by 97.
        const jump = () => gappy.store.database.prepare("UPDATE sqlite_sequence SET seq = seq + 97 WHERE name = 'events'").run();
        for (const streamId of ['norm-a', 'norm-b', 'norm-a', 'session-s1']) {
          await gappy.note(streamId);
          jump();
        }
        await gappy.checkpoint();
        jump();
        await gappy.note('norm-b', 'later');
        await gappy.checkpoint();
        const source = join(gappy.dir, 'gappy.ndjson');
        await exportBundle(gappy.store, [gappy.signer.publicKey], source);
        expect(rows(gappy.store).map((row) => row.position)).toEqual([1, 99, 197, 295, 393, 491, 492]);
        expect(await verifyBundle(source)).toMatchObject({ ok: true, checkpointsChecked: 2 });

        const result = await importBundle(fresh.store, source);
        expect(result).toMatchObject({ events: 7, checkpoints: 2, renumbered: 0 });
        expect(rows(fresh.store)).toEqual(rows(gappy.store));
        expect(await verifyStore(fresh.store, [result.publicKey])).toMatchObject({ ok: true, eventsChecked: 7, checkpointsChecked: 2, problems: [] });
        const again = join(fresh.dir, 'again.ndjson');
        await exportBundle(fresh.store, [gappy.signer.publicKey], again);
        expect(readFileSync(again, 'utf8')).toBe(readFileSync(source, 'utf8'));
        // New appends go after the imported head.
        await fresh.note('norm-c');
        expect(rows(fresh.store).at(-1)!.position).toBe(493);
      } finally {
        await gappy.close();
        removeDir(gappy.dir);
      }
    });

    it('appendAtPositions: refuses a position at or before the head, positions that do not increase or are not whole numbers, writing nothing', async () => {
      await fresh.note('norm-x');
      const event = (n: number) => ({ eventId: `00000000-0000-4000-8000-00000000000${n}`, type: 'Noted', data: { n }, metadata: {} });
      await expect(fresh.store.appendAtPositions('norm-y', [event(1)], 'no_stream', ['1'])).rejects.toMatchObject({ reason: 'position-taken', message: 'invalid append (position-taken): position 1 is not after the head of the log (1)' });
      await expect(fresh.store.appendAtPositions('norm-y', [event(1), event(2)], 'no_stream', ['9', '9'])).rejects.toMatchObject({ message: 'invalid append (invalid-event): positions must increase: 9 after 9' });
      for (const bad of ['0', '-3', '1e3', '9007199254740993', ' 5']) {
        await expect(fresh.store.appendAtPositions('norm-y', [event(1)], 'no_stream', [bad])).rejects.toMatchObject({ reason: 'invalid-event' });
      }
      await expect(fresh.store.appendAtPositions('norm-y', [event(1)], 'no_stream', ['1', '2'])).rejects.toMatchObject({ message: 'invalid append (invalid-event): 2 positions for 1 events' });
      expect(rows(fresh.store).map((row) => row.position)).toEqual([1]);
      await expect(fresh.store.appendAtPositions('norm-y', [event(1), event(2)], 'no_stream', ['10', '12'])).resolves.toMatchObject({ position: '12', revision: 1 });
      expect(rows(fresh.store).map((row) => row.position)).toEqual([1, 10, 12]);
    });

    it('refuses a store that holds anything, writing nothing', async () => {
      await fresh.note('norm-x');
      const before = rows(fresh.store);
      await expect(importBundle(fresh.store, file)).rejects.toThrow(ConflictError);
      await expect(importBundle(fresh.store, file)).rejects.toThrow('the store already holds events (head position 1): import needs an empty store; nothing was written');
      expect(rows(fresh.store)).toEqual(before);
    });

    it.each([
      ['tampered', (text: string) => text.replace('second norm-b', 'Second norm-b')],
      // Cut inside its last line (the key line), as an interrupted copy leaves it.
      ['truncated', (text: string) => text.slice(0, text.length - 40)],
      // Cut inside the last event's line, after the checkpoints.
      ['truncated inside an event', (text: string) => text.slice(0, text.indexOf('after the last checkpoint'))],
      ['without its key', (text: string) => text.split('\n').slice(0, 11).join('\n')],
      ['not NDJSON', (text: string) => `[${text.split('\n').filter(Boolean).join(',\n')}]`],
    ])('refuses a %s bundle, writing nothing', async (name, damage) => {
      writeFileSync(file, damage(readFileSync(file, 'utf8')));
      const error = await importBundle(fresh.store, file).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(UnprocessableError);
      // A bundle that only lost its end is named by that above all (its checkpoints' unknown key, and
      // a last line cut in the middle, follow from it).
      const cut = { 'without its key': 'line 12', truncated: 'line 13', 'truncated inside an event': 'line 12' }[name];
      expect((error as Error).message).toMatch(
        cut !== undefined
          ? new RegExp(`^bundle .* does not verify \\(\\d+ problems; above all: ${cut}: missing-key: no \\{"publicKey": \\.\\.\\.\\} line after .* the bundle is truncated or not a bundle\\); nothing was written$`)
          : /^bundle .* does not verify \(\d+ problems?; first: .*\); nothing was written$/,
      );
      expect(await fresh.store.headPosition()).toBeNull();
    });
  });
});
