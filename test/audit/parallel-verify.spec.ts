import { unlinkSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { rawEvents } from '../../src/audit/application/ledger-source.js';
import { type ParallelVerifyOptions, type VerifyPass, verifyStore } from '../../src/audit/application/verify-ledger.query.js';
import { CHECKPOINT_STREAM } from '../../src/audit/domain/checkpoint.events.js';
import { type CheckedRun, LedgerVerifier, type StoredEventText, type VerificationReport } from '../../src/audit/domain/verifier.js';
import { checkRangesInParallel } from '../../src/audit/infrastructure/sqlite-range-check.js';
import { SqliteEventStore } from '../../src/infrastructure/sqlite/sqlite-event-store.js';
import { canonicalJson, computeEventHash, GENESIS_HASH, sealMetadata } from '../../src/shared/event-store/envelope.js';
import { type Ledger, openLedger, removeDir, rowAt, rows, seedLedger, tempDir, updateRow, withFrozenHead } from './support/ledger-fixture.js';

/**
 * 20 notes over 5 streams, checkpoint at 21 (upTo 20), 20 notes, checkpoint at 42 (upTo 41), 20
 * notes, checkpoint at 63 (upTo 62), then 3 notes no checkpoint covers: the workers check 1..62.
 */
const seedBigLedger = async (ledger: Ledger): Promise<void> => {
  for (let block = 0; block < 3; block++) {
    for (let i = 0; i < 20; i++) await ledger.note(`norm-${(block * 20 + i) % 5}`, `note ${block}.${i}`);
    await ledger.checkpoint();
  }
  for (let i = 0; i < 3; i++) await ledger.note(`norm-${i}`, `uncovered ${i}`);
};

/** Chunks of 8 positions: 1-8, 9-16, 17-24, ... (the checkpoints' upTo cut runs inside chunks 3, 6 and 8). */
const PARALLEL: ParallelVerifyOptions = { minEvents: 0, threads: 2, chunkSize: 8 };

interface Verified {
  readonly report: VerificationReport;
  readonly passes: VerifyPass[];
}

const run = async (ledger: Ledger, parallel: ParallelVerifyOptions | false): Promise<Verified> => {
  const passes: VerifyPass[] = [];
  const report = await verifyStore(ledger.store, [ledger.signer.publicKey], undefined, { parallel, onPass: (pass) => passes.push(pass) });
  return { report, passes };
};

/** The report across workers, checked against the one-thread report of the same ledger. */
const verifyBoth = async (ledger: Ledger, parallel: ParallelVerifyOptions = PARALLEL): Promise<Verified> => {
  const across = await run(ledger, parallel);
  const single = await run(ledger, false);
  expect(single.passes[0]).not.toBe('parallel');
  expect(across.passes[0]).toBe('parallel');
  expect(across.report).toEqual(single.report);
  return across;
};

/** Recomputes the hash of the event at `position` and of every later event of its stream, so each links to the one before. */
const resealFrom = (ledger: Ledger, position: number, prevHash: string): void => {
  const first = rowAt(ledger.store, position);
  let prev = prevHash;
  for (const row of rows(ledger.store).filter((r) => r.stream_id === first.stream_id && r.position >= position)) {
    const metadata: Record<string, unknown> = { ...(JSON.parse(row.metadata) as Record<string, unknown>), prevHash: prev };
    prev = computeEventHash({ streamId: row.stream_id, revision: row.revision, eventId: row.event_id, type: row.type, data: JSON.parse(row.data), metadata: metadata as never });
    updateRow(ledger.store, row.position, 'metadata', canonicalJson({ ...metadata, hash: prev }));
  }
};

const problemsAt = (report: VerificationReport): string[] => report.problems.map(({ position, problem }) => `${position} ${problem}`);

describe('verify across worker threads (SQLite file)', () => {
  let dir: string;
  let ledger: Ledger;
  beforeEach(async () => {
    dir = tempDir();
    ledger = openLedger({ file: join(dir, 'ledger.sqlite'), dir });
    await seedBigLedger(ledger);
  });
  afterEach(async () => {
    await ledger.close();
    removeDir(dir);
  });

  it('verifies an untouched ledger in one parallel pass, with the one-thread report', async () => {
    const { report, passes } = await verifyBoth(ledger);
    expect(passes).toEqual(['parallel']);
    expect(report).toEqual({ ok: true, eventsChecked: 66, streamsChecked: 6, checkpointsChecked: 3, signedUpTo: expect.any(String), unsignedEvents: expect.any(Number), problems: [] });
    expect(report).toEqual((await run(ledger, { ...PARALLEL, chunkSize: 100 })).report);
    expect(await verifyStore(ledger.store, [ledger.signer.publicKey], undefined, { fastPath: false })).toEqual(report);
  });

  it('reports progress up to every event', async () => {
    const seen: number[] = [];
    await verifyStore(ledger.store, [ledger.signer.publicKey], (count) => seen.push(count), { parallel: PARALLEL });
    expect(seen.at(-1)).toBe(66);
  });

  it.each([
    ['the first event of a chunk', 9],
    ['the last event of a chunk', 16],
    ['the first event after a checkpoint', 22],
    ['the last event the workers check', 62],
    ['the first event of the log', 1],
  ])('names an edit of %s as the one-thread path does', async (_where, position) => {
    updateRow(ledger.store, position, 'data', rowAt(ledger.store, position).data.replace('note', 'Note'));
    const { report, passes } = await verifyBoth(ledger);
    // A row that does not match its hash as stored text may be an older row in another key order,
    // which only the verifier's full path can judge: the one-thread passes take over.
    expect(passes).toEqual(['parallel', 'fast', 'full']);
    expect(report.problems[0]).toMatchObject({ position: String(position), problem: 'hash-mismatch' });
  });

  it.each([
    ['the first event of a chunk', 9],
    ['the last event of a chunk', 8],
    ["a checkpoint's upTo", 41],
  ])('finds a deleted event at %s as the one-thread path does', async (_where, position) => {
    ledger.store.database.prepare('DELETE FROM events WHERE position = ?').run(position);
    const { report } = await verifyBoth(ledger);
    expect(report.ok).toBe(false);
    expect(report.problems.map(({ problem }) => problem)).toContain('revision-gap');
  });

  it('finds a link broken across chunks, the rest of the stream resealed to match', async () => {
    // Position 9 (norm-3 revision 1) is the first event of the second chunk; its stream's later
    // events are resealed, so only the link to revision 0 (in the first chunk) and the roots break.
    const row = rowAt(ledger.store, 9);
    expect(rows(ledger.store).filter((r) => r.stream_id === row.stream_id && r.position < 9).at(-1)!.position).toBeLessThanOrEqual(8);
    resealFrom(ledger, 9, 'f'.repeat(64));
    const { report } = await verifyBoth(ledger);
    expect(problemsAt(report)).toEqual(['9 broken-link', '21 bad-root', '42 bad-root', '63 bad-root']);
  });

  it.each([
    ['inside a chunk', 1, PARALLEL],
    ['at the start of a chunk', 9, PARALLEL],
    ['inside one chunk of everything', 1, { ...PARALLEL, chunkSize: 1000 }],
  ])('finds an event edited %s with its own hash recomputed (the next link breaks, no root does)', async (_where, position, parallel) => {
    // Position 1 is norm-0 revision 0, linked to by position 6 in the same chunk; position 9 is
    // norm-3 revision 1, linked to by position 14.
    const row = rowAt(ledger.store, position);
    const data = JSON.parse(row.data.replace('note', 'Note')) as never;
    const metadata = JSON.parse(row.metadata) as Record<string, unknown>;
    metadata.hash = computeEventHash({ streamId: row.stream_id, revision: row.revision, eventId: row.event_id, type: row.type, data, metadata: metadata as never });
    updateRow(ledger.store, position, 'data', canonicalJson(data));
    updateRow(ledger.store, position, 'metadata', canonicalJson(metadata));
    const { report } = await verifyBoth(ledger, parallel);
    expect(problemsAt(report)).toEqual([`${position + 5} broken-link`]);
  });

  it('finds a deleted checkpoint inside a chunk', async () => {
    ledger.store.database.prepare('DELETE FROM events WHERE position = 42').run();
    const { report } = await verifyBoth(ledger);
    expect(problemsAt(report)).toEqual(['63 revision-gap']);
  });

  it('leaves rows the fast path does not take (written before stores kept canonical text) to the one-thread fast pass', async () => {
    const reorder = (json: string): string => JSON.stringify(Object.fromEntries(Object.entries(JSON.parse(json) as object).reverse()));
    for (const position of [9, 30]) {
      updateRow(ledger.store, position, 'data', reorder(rowAt(ledger.store, position).data));
      updateRow(ledger.store, position, 'metadata', reorder(rowAt(ledger.store, position).metadata));
    }
    const { report, passes } = await verifyBoth(ledger);
    expect(passes).toEqual(['parallel', 'fast']);
    expect(report).toMatchObject({ ok: true, eventsChecked: 66 });
  });

  it('verifies on one thread when the workers cannot open the file', async () => {
    // The store keeps its open connection; a new connection finds no file.
    unlinkSync(join(dir, 'ledger.sqlite'));
    const { report, passes } = await verifyBoth(ledger);
    expect(passes).toEqual(['parallel', 'fast']);
    expect(report).toMatchObject({ ok: true, eventsChecked: 66 });
  });

  it('stays on one thread below minEvents, on one thread, and for a store in memory', async () => {
    expect((await run(ledger, { ...PARALLEL, minEvents: 63 })).passes).toEqual(['fast']);
    expect((await run(ledger, { ...PARALLEL, threads: 1 })).passes).toEqual(['fast']);
    expect((await run(ledger, {})).passes).toEqual(['fast']);
    const memory = openLedger();
    try {
      await seedLedger(memory);
      const passes: VerifyPass[] = [];
      const report = await verifyStore(memory.store, [memory.signer.publicKey], undefined, { parallel: PARALLEL, onPass: (pass) => passes.push(pass) });
      expect(report.ok).toBe(true);
      expect(passes).toEqual(['fast']);
    } finally {
      await memory.close();
      removeDir(memory.dir);
    }
  });

  it('gives the one-thread report for any single-byte edit (25 random edits)', async () => {
    const columns = ['stream_id', 'event_id', 'type', 'data', 'metadata'] as const;
    const pristine = rows(ledger.store);
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.constantFrom(...columns), fc.nat(), fc.integer({ min: 0x20, max: 0x7e }), async (rowIndex, column, index, code) => {
        const target = pristine[rowIndex % pristine.length]!;
        const text = target[column];
        const at = index % text.length;
        const char = String.fromCharCode(code) === text[at] ? (text[at] === 'x' ? 'y' : 'x') : String.fromCharCode(code);
        try {
          updateRow(ledger.store, target.position, column, text.slice(0, at) + char + text.slice(at + 1));
        } catch {
          fc.pre(false); // a unique key refused the edit
        }
        try {
          const { report } = await verifyBoth(ledger);
          expect(report.ok).toBe(false);
        } finally {
          updateRow(ledger.store, target.position, column, text);
        }
      }),
      { numRuns: 25, seed: 20260312 },
    );
  });
});

describe('the workers take the rows the fast path takes, and only those', () => {
  let dir: string;
  let store: SqliteEventStore;
  beforeEach(() => {
    dir = tempDir();
    store = new SqliteEventStore({ file: join(dir, 'ledger.sqlite'), synchronous: 'NORMAL' });
  });
  afterEach(async () => {
    await store.close();
    removeDir(dir);
  });

  /** Revision 0 plain, then revision 1 with the given data and extra metadata, sealed and stored as canonical text. */
  const storeStream = (data: Record<string, unknown>, extra: Record<string, unknown>): StoredEventText[] => {
    let prevHash = GENESIS_HASH;
    const stored: StoredEventText[] = [];
    for (const [revision, payload, more] of [
      [0, { a: 1 }, {}],
      [1, data, extra],
    ] as const) {
      const base = { streamId: 's-1', revision, eventId: `00000000-0000-4000-8000-00000000000${revision}`, type: 'Noted' };
      const metadata = sealMetadata(
        { ...base, data: payload, metadata: { schemaVersion: 1, effectiveOn: '2026-01-01', recordedAt: 'r', recordedBy: 'b', correlationId: 'c', causationId: 'c', ...more } },
        prevHash,
      );
      prevHash = metadata.hash;
      const row = { ...base, position: String(revision + 1), data: canonicalJson(payload), metadata: canonicalJson(metadata) };
      store.database.prepare('INSERT INTO events (stream_id, revision, event_id, type, data, metadata) VALUES (?, ?, ?, ?, ?, ?)').run(row.streamId, row.revision, row.eventId, row.type, row.data, row.metadata);
      stored.push(row);
    }
    return stored;
  };

  it.each([
    ['plain data and flat metadata', { b: 2, 'é"\\': 'ü\u2028' }, {}, true],
    ['`,"eventId":` in data (the text could split another way)', { a: 1, eventId: 'x' }, {}, false],
    ['metadata that is not flat', { b: 2 }, { trace: { span: 1 } }, false],
    ['a metadata string with an escape', { b: 2 }, { note: 'say "hi"' }, false],
  ])('%s', async (_case, data, extra, fast) => {
    const stored = storeStream(data, extra);
    const verifier = new LedgerVerifier({ checkCheckpoints: false, fastUpTo: '2' });
    expect(stored.map((event) => verifier.addStoredText(event))).toEqual([true, fast]);
    const runs: CheckedRun[] = [];
    const outcome = await checkRangesInParallel({
      file: join(dir, 'ledger.sqlite'),
      upTo: 2,
      chunkSize: 2,
      threads: 1,
      cuts: [],
      consume: (segments) => {
        for (const segment of segments) if ('run' in segment) runs.push(segment.run);
        return true;
      },
    });
    expect(outcome).toBe(fast ? 'checked' : 'cannot-check');
    if (fast) expect(runs).toEqual([runOf(stored)]);
  });
});

/** Runs as the workers make them: each piece of rows between cuts summed up per stream. */
const runOf = (events: readonly StoredEventText[]): CheckedRun => {
  const byStream = new Map<string, { first: number; prev: string; last: number; hash: string }>();
  for (const event of events) {
    const metadata = JSON.parse(event.metadata) as Record<'prevHash' | 'hash', string>;
    const seen = byStream.get(event.streamId);
    if (seen === undefined) byStream.set(event.streamId, { first: event.revision, prev: metadata.prevHash, last: event.revision, hash: metadata.hash });
    else Object.assign(seen, { last: event.revision, hash: metadata.hash });
  }
  const streams = [...byStream];
  return {
    firstPosition: events[0]!.position,
    lastPosition: events.at(-1)!.position,
    events: events.length,
    streamIds: streams.map(([streamId]) => streamId),
    firstRevisions: streams.map(([, s]) => s.first),
    firstPrevHashes: streams.map(([, s]) => s.prev),
    lastRevisions: streams.map(([, s]) => s.last),
    lastHashes: streams.map(([, s]) => s.hash),
  };
};

const parse = (event: StoredEventText): unknown => ({ ...event, data: JSON.parse(event.data), metadata: JSON.parse(event.metadata) });

/** Feeds the log event by event, or as runs cut before each checkpoint row and after each of `cuts`. */
const feed = (verifier: LedgerVerifier, events: readonly StoredEventText[], asRuns: { cuts: readonly number[] } | undefined): boolean => {
  let pending: StoredEventText[] = [];
  const flush = (): boolean => {
    const ok = pending.length === 0 || verifier.addCheckedRun(runOf(pending));
    pending = [];
    return ok;
  };
  for (const event of events) {
    if (asRuns === undefined || event.streamId === CHECKPOINT_STREAM) {
      if (!flush()) return false;
      if (!verifier.addStoredText(event)) verifier.add(parse(event));
      continue;
    }
    if (pending.length > 0 && asRuns.cuts.some((cut) => cut >= Number(pending.at(-1)!.position) && cut < Number(event.position))) {
      if (!flush()) return false;
    }
    pending.push(event);
  }
  return flush();
};

describe('LedgerVerifier.addCheckedRun', () => {
  let ledger: Ledger;
  let events: StoredEventText[];
  const keys = (): { publicKeys: [Ledger['signer']['publicKey']] } => ({ publicKeys: [ledger.signer.publicKey] });
  beforeEach(async () => {
    ledger = openLedger();
    await seedLedger(ledger);
    events = [];
    for await (const event of rawEvents(ledger.store)) events.push(event);
  });
  afterEach(async () => {
    await ledger.close();
    removeDir(ledger.dir);
  });

  /** Seeded: norm-a 1-2, norm-b 3-4, session-s1 5-6, checkpoint 7 (upTo 6), norm-a 8, topic-t 9, checkpoint 10 (upTo 9), norm-b 11. */
  const covered = (): StoredEventText[] => events.filter((event) => Number(event.position) <= 9);

  it('ends where the events one by one end: same report, same fast-path count', () => {
    const one = new LedgerVerifier({ ...keys(), fastUpTo: '9' });
    feed(one, covered(), undefined);
    const runs = new LedgerVerifier({ ...keys(), fastUpTo: '9' });
    expect(feed(runs, covered(), { cuts: [6, 9] })).toBe(true);
    expect(runs.fastPathEvents).toBe(one.fastPathEvents);
    expect(runs.finish()).toEqual(one.finish());
    expect(runs.checkpointedUpTo).toBe('6');
  });

  const tampered: Array<[string, (run: CheckedRun) => CheckedRun]> = [
    ['a link to a hash that is not the stream head', (r) => ({ ...r, firstPrevHashes: r.firstPrevHashes.map((h, i) => (i === 0 ? 'f'.repeat(64) : h)) })],
    ['a revision that skips one', (r) => ({ ...r, firstRevisions: r.firstRevisions.map((v, i) => (i === 0 ? v + 1 : v)), lastRevisions: r.lastRevisions.map((v, i) => (i === 0 ? v + 1 : v)) })],
    ['a revision that repeats', (r) => ({ ...r, firstRevisions: r.firstRevisions.map((v, i) => (i === 0 ? v - 1 : v)), lastRevisions: r.lastRevisions.map((v, i) => (i === 0 ? v - 1 : v)) })],
    ['a count that does not add up', (r) => ({ ...r, events: r.events + 1 })],
    ['a stream twice', (r) => ({ ...r, streamIds: [r.streamIds[0]!, r.streamIds[0]!, ...r.streamIds.slice(2)] })],
    ['the checkpoint stream', (r) => ({ ...r, streamIds: [CHECKPOINT_STREAM, ...r.streamIds.slice(1)] })],
    ['positions past fastUpTo', (r) => ({ ...r, lastPosition: '10' })],
    ['positions not after the last event', (r) => ({ ...r, firstPosition: '6' })],
  ];

  it.each(tampered)('refuses a run with %s, recording nothing', (_what, tamper) => {
    const verifier = new LedgerVerifier({ ...keys(), fastUpTo: '9' });
    const [first, second] = [covered().slice(0, 6), covered().slice(7)]; // norm-a 8 and topic-t 9 after the checkpoint
    expect(feed(verifier, first, { cuts: [6] })).toBe(true);
    expect(verifier.addStoredText(events[6]!)).toBe(false);
    verifier.add(parse(events[6]!));
    const honest = runOf(second);
    expect(honest.streamIds).toEqual(['norm-a', 'topic-t']);
    expect(verifier.addCheckedRun(tamper(honest))).toBe(false);
    expect(verifier.addCheckedRun(honest)).toBe(true);
    for (const event of events.slice(9)) if (!verifier.addStoredText(event)) verifier.add(parse(event));
    expect(verifier.finish()).toEqual({ ok: true, eventsChecked: 11, streamsChecked: 5, checkpointsChecked: 2, signedUpTo: '9', unsignedEvents: 1, problems: [] });
  });

  it('refuses a first run that does not start its streams at revision 0 with the genesis link', () => {
    const verifier = new LedgerVerifier({ ...keys(), fastUpTo: '9' });
    expect(verifier.addCheckedRun(runOf(covered().slice(1, 6)))).toBe(false);
    expect(verifier.fastPathEvents).toBe(0);
  });

  /**
   * What a race leaves: the tree read at head 11, two events of norm-a (12, 13), then the
   * checkpoint (14, upTo 11); then a checkpoint of everything (15, upTo 13).
   */
  const race = async (): Promise<StoredEventText[]> => {
    const { issueCheckpoint } = await import('../../src/audit/application/issue-checkpoint.command.js');
    const store = ledger.store;
    await ledger.note('norm-a', 'raced in');
    await ledger.note('norm-a', 'raced in too');
    const frozen = withFrozenHead(store, '11');
    await issueCheckpoint({ store: frozen, clock: ledger.clock, ids: ledger.ids, signer: ledger.signer }, { principal: 't', correlationId: 'c' });
    await ledger.checkpoint();
    const all: StoredEventText[] = [];
    for await (const event of rawEvents(store)) all.push(event);
    const checkpoints = all.filter((event) => event.streamId === CHECKPOINT_STREAM);
    expect(checkpoints.map((event) => [event.position, (JSON.parse(event.data) as { upTo: string }).upTo])).toEqual([
      ['7', '6'],
      ['10', '9'],
      ['14', '11'],
      ['15', '13'],
    ]);
    return all;
  };

  it('does not check a checkpoint against a run its upTo cuts', async () => {
    const all = await race();
    const verifier = new LedgerVerifier({ ...keys(), fastUpTo: '13' });
    expect(feed(verifier, all, { cuts: [6, 9, 13] })).toBe(true); // 11-13 in one run: upTo 11 cuts it
    expect(verifier.finish().problems).toEqual([
      expect.objectContaining({ position: '14', problem: 'bad-checkpoint', detail: 'covers up to position 11, inside positions 11..13 checked as one run: verify event by event' }),
    ]);
    const cut = new LedgerVerifier({ ...keys(), fastUpTo: '13' });
    expect(feed(cut, all, { cuts: [6, 9, 11, 13] })).toBe(true);
    expect(cut.finish()).toEqual({ ok: true, eventsChecked: 15, streamsChecked: 5, checkpointsChecked: 4, signedUpTo: '13', unsignedEvents: 0, problems: [] });
  });

  it('refuses, as one by one, a checkpoint more than maxCheckpointLag events behind itself', async () => {
    const all = await race();
    for (const maxCheckpointLag of [1, 2]) {
      const one = new LedgerVerifier({ ...keys(), fastUpTo: '13', maxCheckpointLag });
      feed(one, all, undefined);
      // Positions 12-13 form one run, norm-a's one undo slot standing for two events.
      const runs = new LedgerVerifier({ ...keys(), fastUpTo: '13', maxCheckpointLag });
      expect(feed(runs, all, { cuts: [6, 9, 11, 13] })).toBe(true);
      expect(runs.fastPathEvents).toBe(one.fastPathEvents);
      const [viaRuns, oneByOne] = [runs.finish(), one.finish()];
      expect(viaRuns).toEqual(oneByOne);
      if (maxCheckpointLag === 2) expect(oneByOne.ok).toBe(true);
      else expect(oneByOne.problems).toEqual([expect.objectContaining({ position: '14', problem: 'bad-checkpoint', detail: expect.stringMatching(/more than 1 events before itself/) })]);
    }
  });
});
