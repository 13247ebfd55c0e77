import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exportBundle, verifyBundle } from '../../src/audit/application/bundle.js';
import { rawEvents } from '../../src/audit/application/ledger-source.js';
import { verifyStore } from '../../src/audit/application/verify-ledger.query.js';
import { LedgerVerifier, type StoredEventText, type VerificationReport } from '../../src/audit/domain/verifier.js';
import { canonicalJson, GENESIS_HASH, hashInputFromCanonicalText, sealMetadata, sha256Hex } from '../../src/shared/event-store/envelope.js';
import { type Ledger, openLedger, removeDir, rowAt, rows, seedLedger, updateRow } from './support/ledger-fixture.js';

/** Seeded: norm-a 1-2, norm-b 3-4, session-s1 5-6, checkpoint 7 (upTo 6), norm-a 8, topic-t 9, checkpoint 10 (upTo 9), norm-b 11. */
const LAST_UP_TO = '9';

/** Every object's keys in reverse order: the same JSON values, not the canonical text. */
const reversed = (value: unknown): unknown =>
  Array.isArray(value)
    ? value.map(reversed)
    : value !== null && typeof value === 'object'
      ? Object.fromEntries(Object.entries(value).reverse().map(([key, item]) => [key, reversed(item)]))
      : value;

/** What the stores wrote before they kept canonical text: JSON.stringify in insertion order. */
const oldText = (json: string): string => JSON.stringify(reversed(JSON.parse(json)));

const fastAndFull = async (ledger: Ledger): Promise<[VerificationReport, VerificationReport]> => [
  await verifyStore(ledger.store, [ledger.signer.publicKey]),
  await verifyStore(ledger.store, [ledger.signer.publicKey], undefined, { fastPath: false }),
];

/** How many events the fast path takes, verifying the stored rows with fastUpTo = the last checkpoint's upTo. */
const fastPathEvents = async (ledger: Ledger): Promise<{ fast: number; report: VerificationReport }> => {
  const verifier = new LedgerVerifier({ publicKeys: [ledger.signer.publicKey], fastUpTo: LAST_UP_TO });
  for await (const raw of rawEvents(ledger.store)) {
    if (!verifier.addStoredText(raw)) verifier.add({ ...raw, data: JSON.parse(raw.data), metadata: JSON.parse(raw.metadata) });
  }
  return { fast: verifier.fastPathEvents, report: verifier.finish() };
};

/**
 * A forger with write access who recomputes the hash over the text as stored, arranged as the hash
 * input, instead of over its canonical form.
 */
const forgeNonCanonical = (ledger: Ledger, position: number): void => {
  const row = rowAt(ledger.store, position);
  const data = oldText(row.data);
  const metadata = JSON.parse(row.metadata) as Record<string, unknown>;
  const { hash: _hash, ...unsealed } = metadata;
  metadata.hash = sha256Hex(hashInputFromCanonicalText(row.stream_id, row.revision, row.event_id, row.type, data, canonicalJson(unsealed)));
  updateRow(ledger.store, position, 'data', data);
  updateRow(ledger.store, position, 'metadata', canonicalJson(metadata));
};

describe('the verifier fast path (stored canonical text hashed as it is)', () => {
  let ledger: Ledger;
  beforeEach(async () => {
    ledger = openLedger();
    await seedLedger(ledger);
  });
  afterEach(async () => {
    await ledger.close();
    removeDir(ledger.dir);
  });

  it('finds canonical text in the store, and takes the fast path up to the last checkpoint only', async () => {
    for (const row of rows(ledger.store)) {
      expect(row.data).toBe(canonicalJson(JSON.parse(row.data)));
      expect(row.metadata).toBe(canonicalJson(JSON.parse(row.metadata)));
    }
    const { fast, report } = await fastPathEvents(ledger);
    // Positions 1-6, 8 and 9; never a checkpoint (7, 10), never past upTo 9 (11).
    expect(fast).toBe(8);
    const [viaFast, viaFull] = await fastAndFull(ledger);
    expect(viaFast).toEqual({ ok: true, eventsChecked: 11, streamsChecked: 5, checkpointsChecked: 2, signedUpTo: '9', unsignedEvents: 1, problems: [] });
    expect(report).toEqual(viaFull);
    expect(viaFast).toEqual(viaFull);
  });

  it('gives the same report as the full path on rows written before stores kept canonical text', async () => {
    for (const row of rows(ledger.store)) {
      updateRow(ledger.store, row.position, 'data', oldText(row.data));
      updateRow(ledger.store, row.position, 'metadata', oldText(row.metadata));
      const stored = rowAt(ledger.store, row.position).metadata;
      expect(stored).not.toBe(canonicalJson(JSON.parse(stored)));
    }
    expect((await fastPathEvents(ledger)).fast).toBe(0);
    const [viaFast, viaFull] = await fastAndFull(ledger);
    expect(viaFull.ok).toBe(true);
    expect(viaFast).toEqual(viaFull);
  });

  it('accepts a row whose text was reordered but whose values are the sealed ones, through the full path', async () => {
    // Accepted, not flagged: the hash covers the event's values in canonical form (DESIGN.md §3),
    // not the bytes a store happens to keep; rows written before this change and events read back
    // through another store's serialiser are legitimately in other key orders. A reader parsing the
    // row gets exactly the sealed values, so nothing an auditor relies on has changed. (The report
    // shape is fixed by DESIGN.md §7, so a note would be a problem, and would fail honest ledgers.)
    updateRow(ledger.store, 4, 'data', oldText(rowAt(ledger.store, 4).data));
    updateRow(ledger.store, 4, 'metadata', oldText(rowAt(ledger.store, 4).metadata));
    expect((await fastPathEvents(ledger)).fast).toBe(7);
    const [viaFast, viaFull] = await fastAndFull(ledger);
    expect(viaFast).toEqual({ ok: true, eventsChecked: 11, streamsChecked: 5, checkpointsChecked: 2, signedUpTo: '9', unsignedEvents: 1, problems: [] });
    expect(viaFast).toEqual(viaFull);
  });

  it('names a non-canonical forgery after the last checkpoint, which only the full path can see', async () => {
    forgeNonCanonical(ledger, 11);
    const [viaFast, viaFull] = await fastAndFull(ledger);
    expect(viaFull.problems.map(({ position, problem }) => [position, problem])).toEqual([['11', 'hash-mismatch']]);
    expect(viaFast).toEqual(viaFull);
  });

  it('names a non-canonical forgery inside a checkpoint exactly as the full path does', async () => {
    // Its own hash matches the stored text, so the fast pass accepts it, but the next event of the
    // stream no longer links to it and the checkpoints' roots no longer hold: the pass is not clean,
    // so the log is verified again on the full path.
    forgeNonCanonical(ledger, 4);
    const [viaFast, viaFull] = await fastAndFull(ledger);
    expect(viaFull.problems.map(({ position, problem }) => [position, problem])).toEqual([
      ['4', 'hash-mismatch'],
      ['7', 'bad-root'],
      ['10', 'bad-root'],
      ['11', 'broken-link'],
    ]);
    expect(viaFast).toEqual(viaFull);
  });

  it('refuses to sign for an event that does not match its hash on the full path', async () => {
    await ledger.note('norm-c', 'not yet covered');
    forgeNonCanonical(ledger, 12);
    const before = rows(ledger.store).length;
    await expect(ledger.checkpoint()).rejects.toMatchObject({ code: 'ledger-damaged', message: expect.stringMatching(/ the first: norm-c revision 0, event [0-9a-f-]+, position 12: hash-mismatch: /) });
    expect(rows(ledger.store)).toHaveLength(before);
    // The tree's own check, for events appended while the verification ran (after the head it read):
    const { computeLedgerTree } = await import('../../src/audit/application/issue-checkpoint.command.js');
    await expect(computeLedgerTree(ledger.store, '11')).rejects.toMatchObject({ code: 'ledger-damaged', message: expect.stringMatching(/position 12 \(norm-c revision 0\) does not match its hash/) });
  });

  it('takes the full path when the text could split another way (`,"eventId":` in data) or metadata is not flat', () => {
    const verifier = new LedgerVerifier({ checkCheckpoints: false, fastUpTo: '100' });
    let prevHash = GENESIS_HASH;
    const sealed = (revision: number, data: Record<string, unknown>, extra: Record<string, unknown> = {}): StoredEventText => {
      const base = { streamId: 's-1', revision, eventId: `00000000-0000-4000-8000-00000000000${revision}`, type: 'Noted' };
      const metadata = sealMetadata({ ...base, data, metadata: { schemaVersion: 1, effectiveOn: '2026-01-01', recordedAt: 'r', recordedBy: 'b', correlationId: 'c', causationId: 'c', ...extra } }, prevHash);
      prevHash = metadata.hash;
      return { ...base, position: String(revision + 1), data: canonicalJson(data), metadata: canonicalJson(metadata) };
    };
    expect(verifier.addStoredText(sealed(0, { a: 1, 'é"\\': 'ü\u2028' }))).toBe(true);
    for (const event of [sealed(1, { a: 1, eventId: 'x' }), sealed(2, { b: 2 }, { trace: { span: 1 } }), sealed(3, { b: 2 }, { note: 'say "hi"' })]) {
      expect(verifier.addStoredText(event)).toBe(false);
      verifier.add({ ...event, data: JSON.parse(event.data), metadata: JSON.parse(event.metadata) });
    }
    expect(verifier.addStoredText(sealed(4, { c: [1, { d: null }] }))).toBe(true);
    expect(verifier.fastPathEvents).toBe(2);
    expect(verifier.finish()).toMatchObject({ ok: true, eventsChecked: 5 });
  });

  describe('offline, on a bundle', () => {
    let file: string;
    const lines = (): string[] => readFileSync(file, 'utf8').split('\n').slice(0, -1);
    // The fast path needs a pinned key: a bundle's own key vouches for nothing.
    const fastAndFullBundle = async (): Promise<[VerificationReport, VerificationReport]> => {
      const expectKeyId = ledger.signer.publicKey.keyId;
      const full = await verifyBundle(file, { expectKeyId, fastPath: false });
      expect(await verifyBundle(file)).toEqual(full);
      return [await verifyBundle(file, { expectKeyId }), full];
    };

    it('embeds the stored canonical text verbatim and verifies it as the full path does', async () => {
      file = join(ledger.dir, 'bundle.ndjson');
      await exportBundle(ledger.store, [ledger.signer.publicKey], file);
      lines()
        .slice(0, 11)
        .forEach((line, index) => {
          const row = rows(ledger.store)[index]!;
          expect(line.endsWith(`,"data":${row.data},"metadata":${row.metadata}}`)).toBe(true);
        });
      const [viaFast, viaFull] = await fastAndFullBundle();
      expect(viaFast).toEqual({ ok: true, eventsChecked: 11, streamsChecked: 5, checkpointsChecked: 2, signedUpTo: '9', unsignedEvents: 1, problems: [], signedBy: [ledger.signer.publicKey.keyId] });
      expect(viaFast).toEqual(viaFull);
    });

    it('names a tampered or forged line exactly as the full path does', async () => {
      forgeNonCanonical(ledger, 4);
      file = join(ledger.dir, 'forged.ndjson');
      await exportBundle(ledger.store, [ledger.signer.publicKey], file);
      const [forgedFast, forgedFull] = await fastAndFullBundle();
      expect(forgedFull.problems.map(({ line, problem }) => [line, problem])).toEqual([
        [4, 'hash-mismatch'],
        [7, 'bad-root'],
        [10, 'bad-root'],
        [11, 'broken-link'],
      ]);
      expect(forgedFast).toEqual(forgedFull);

      writeFileSync(file, lines().map((line, index) => (index === 0 ? line.replace('first', 'First') : line)).join('\n') + '\n');
      const [editedFast, editedFull] = await fastAndFullBundle();
      expect(editedFull.problems.map(({ line, problem }) => [line, problem])).toContainEqual([1, 'hash-mismatch']);
      expect(editedFast).toEqual(editedFull);
    });
  });
});
