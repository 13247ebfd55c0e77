import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { verifyStore } from '../../src/audit/application/verify-ledger.query.js';
import { runExport } from '../../src/cli/commands/export.command.js';
import { runImport } from '../../src/cli/commands/import.command.js';
import { runVerify } from '../../src/cli/commands/verify.command.js';
import type { AppConfig } from '../../src/config/app-config.js';
import { trustedPublicKeys } from '../../src/audit/infrastructure/signing-key.js';
import { existsSync } from 'node:fs';
import { canonicalJson, computeEventHash } from '../../src/shared/event-store/envelope.js';
import { type Ledger, openDataDirLedger, removeDir, rowAt, seedLedger, tempDir, updateRow } from './support/ledger-fixture.js';
import { capture } from './support/capture-io.js';
import { configFor } from '../cli/support/cli-process.js';

/** The bundle without some of its lines (a forger's cut). */
const withoutLines = (from: string, to: string, drop: (line: { streamId?: string; position?: string }, index: number, lines: string[]) => boolean): void => {
  const lines = readFileSync(from, 'utf8').trimEnd().split('\n');
  writeFileSync(to, `${lines.filter((text, index) => !drop(JSON.parse(text) as { streamId?: string }, index, lines)).join('\n')}\n`);
};

describe('signed coverage, and pinned keys that signed nothing', () => {
  let dir: string;
  let config: AppConfig;
  let bundle: string;
  let keyId: string;
  // seedLedger: 6 events, a checkpoint (position 7, upTo 6), 2 events, a checkpoint (position 10, upTo 9), 1 event.
  beforeEach(async () => {
    dir = tempDir();
    config = configFor(join(dir, 'data'));
    const ledger: Ledger = openDataDirLedger(join(dir, 'data'));
    await seedLedger(ledger);
    keyId = ledger.signer.publicKey.keyId;
    await ledger.close();
    bundle = join(dir, 'bundle.ndjson');
    expect(await runExport(config, { out: bundle }, capture())).toBe(0);
  });
  afterEach(() => removeDir(dir));

  it('verify --bundle --key-id K: a bundle none of whose checkpoints K signed (a forger dropped them) is a problem, exit 1', async () => {
    const cut = join(dir, 'no-checkpoints.ndjson');
    withoutLines(bundle, cut, (line) => line.streamId === 'ledger-checkpoints');
    const io = capture();
    expect(await runVerify(undefined, { bundle: cut, keyId }, io)).toBe(1);
    const lines = io.text().out.split('\n');
    expect(lines[0]).toBe(`bundle ${cut} NOT OK: 1 problem in 9 events in 4 streams, 0 checkpoints`);
    expect(lines[1]).toBe('signed: no valid checkpoint; 9 events are covered by no checkpoint');
    expect(lines[2]).toBe(`  line 10: unknown-key: no checkpoint of the bundle is signed by the pinned key ${keyId}: nothing in it is vouched for by that key`);
  });

  it('every report says what the signatures cover: the upTo of the last valid checkpoint and the events after it', async () => {
    const io = capture();
    expect(await runVerify(undefined, { bundle, keyId }, io)).toBe(0);
    expect(io.text().out).toBe(
      `bundle ${bundle} OK: 11 events in 5 streams, 2 checkpoints verified (signed by key ${keyId})\nsigned: checkpoints cover positions up to 9; 1 event after it is covered by no checkpoint\n`,
    );
    // The last checkpoint dropped: still OK (nothing shows a deletion after the last checkpoint), but the tail is named.
    const cut = join(dir, 'last-dropped.ndjson');
    withoutLines(bundle, cut, (line) => line.streamId === 'ledger-checkpoints' && line.position === '10');
    const dropped = capture();
    expect(await runVerify(undefined, { bundle: cut, keyId }, dropped)).toBe(0);
    expect(dropped.text().out.split('\n')[1]).toBe('signed: checkpoints cover positions up to 6; 3 events after it are covered by no checkpoint');

    const store = capture();
    expect(await runVerify(config, {}, store)).toBe(0);
    expect(store.text().out).toBe('ledger OK: 11 events in 5 streams, 2 checkpoints verified\nsigned: checkpoints cover positions up to 9; 1 event after it is covered by no checkpoint\n');
    const json = capture();
    expect(await runVerify(config, { json: true }, json)).toBe(0);
    expect(JSON.parse(json.text().out)).toMatchObject({ ok: true, signedUpTo: '9', unsignedEvents: 1 });
  });

  it('a checkpoint whose signature does not hold covers nothing', async () => {
    const ledger = openDataDirLedger(join(dir, 'data'));
    ledger.store.database.prepare("UPDATE events SET data = json_set(data, '$.signature', 'AAAA') WHERE position = 10").run();
    const report = await verifyStore(ledger.store, trustedPublicKeys({ dataDir: join(dir, 'data') }, ledger.signer));
    await ledger.close();
    expect(report).toMatchObject({ ok: false, signedUpTo: '6', unsignedEvents: 3 });
  });

  it('import --key-id K refuses, writing nothing, a bundle whose checkpoints K did not sign; imports one it did', async () => {
    const cut = join(dir, 'no-checkpoints.ndjson');
    withoutLines(bundle, cut, (line) => line.streamId === 'ledger-checkpoints');
    const other = configFor(join(dir, 'other'));
    const refused = capture();
    expect(await runImport(other, { in: cut, keyId }, refused)).toBe(2);
    expect(refused.text().err).toBe(
      `norms-ledger import: bundle ${cut} does not verify (1 problem; first: line 10: unknown-key: no checkpoint of the bundle is signed by the pinned key ${keyId}: nothing in it is vouched for by that key); nothing was written\n`,
    );
    expect(existsSync(join(dir, 'other'))).toBe(false);
    const wrongKey = capture();
    expect(await runImport(other, { in: bundle, keyId: '0123456789abcdef' }, wrongKey)).toBe(2);
    // The pin is named above all, not the checkpoint signed by a key no longer trusted that follows from it.
    expect(wrongKey.text().err).toMatch(/does not verify \(3 problems; above all: line \d+: unknown-key: the pinned key 0123456789abcdef is not in the bundle, which carries [0-9a-f]{16}\); nothing was written\n$/);
    expect(existsSync(join(dir, 'other'))).toBe(false);

    const pinned = capture();
    expect(await runImport(other, { in: bundle, keyId }, pinned)).toBe(0);
    // Only the line saying the new ledger's key was made: no note.
    expect(pinned.text().err).toMatch(/^norms-ledger import: created the signing key [^\n]+\n$/);
  });

  it('import without --key-id says, as verify --bundle does, that the bundle vouched for its own keys; store verify names the keys it trusts beyond its own', async () => {
    const other = configFor(join(dir, 'other'));
    const io = capture();
    expect(await runImport(other, { in: bundle }, io)).toBe(0);
    expect(io.text().err.split('\n')[0]).toMatch(/^norms-ledger import: created the signing key /);
    expect(io.text().err.split('\n').slice(1).join('\n')).toBe(
      `norms-ledger import: note: no --key-id given, so the checkpoints were checked with the keys the bundle itself names (${keyId}), and this ledger now trusts them; compare them with the ledger's GET /audit/public-key, or pin it with --key-id\n`,
    );
    const there = capture();
    expect(await runVerify(other, {}, there)).toBe(0);
    expect(there.text().err).toBe(
      `norms-ledger verify: note: besides this ledger's own signing key, the checkpoints were checked with key ${keyId} from ${join(dir, 'other', 'trusted-keys.json')} (put there by import or trust-key)\n`,
    );
    // The ledger's own key alone: no note.
    const home = capture();
    expect(await runVerify(config, {}, home)).toBe(0);
    expect(home.text().err).toBe('');
  });

  it('a checkpoint whose data carries a key besides the seven of DESIGN §6 (an unsigned claim, its chain rehashed) is a problem naming the key, and covers nothing', async () => {
    const ledger = openDataDirLedger(join(dir, 'data'));
    const row = rowAt(ledger.store, 10);
    const data = { ...(JSON.parse(row.data) as object), note: 'unsigned claim: all good' };
    const metadata = JSON.parse(row.metadata) as Record<string, unknown>;
    const hash = computeEventHash({ streamId: row.stream_id, revision: row.revision, eventId: row.event_id, type: row.type, data, metadata });
    updateRow(ledger.store, 10, 'data', canonicalJson(data));
    updateRow(ledger.store, 10, 'metadata', canonicalJson({ ...metadata, hash }));
    const report = await verifyStore(ledger.store, trustedPublicKeys({ dataDir: join(dir, 'data') }, ledger.signer));
    await ledger.close();
    expect(report).toMatchObject({ ok: false, signedUpTo: '6', unsignedEvents: 3 });
    expect(report.problems).toEqual([
      expect.objectContaining({ streamId: 'ledger-checkpoints', revision: 1, position: '10', problem: 'bad-checkpoint', detail: 'checkpoint data has a key "note" besides the seven of DESIGN §6, signed by nothing' }),
    ]);
  });
});
