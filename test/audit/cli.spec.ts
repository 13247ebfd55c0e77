import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { runCheckpoint } from '../../src/cli/commands/checkpoint.command.js';
import { runExport } from '../../src/cli/commands/export.command.js';
import { runImport } from '../../src/cli/commands/import.command.js';
import { runVerify } from '../../src/cli/commands/verify.command.js';
import type { AppConfig } from '../../src/config/app-config.js';
import { SqliteEventStore } from '../../src/infrastructure/sqlite/sqlite-event-store.js';
import { markerFileOf } from '../../src/shared/running-server.js';
import { type Ledger, openDataDirLedger, openLedger, removeDir, seedLedger, tempDir } from './support/ledger-fixture.js';
import { capture } from './support/capture-io.js';
import { configFor } from '../cli/support/cli-process.js';

const ROOT = resolve(import.meta.dirname, '..', '..');

describe('norms-ledger audit commands', () => {
  let dir: string;
  let config: AppConfig;
  beforeEach(async () => {
    dir = tempDir();
    config = configFor(join(dir, 'data'));
    // A ledger in the data directory, written the way the server writes it (file store, key in the directory).
    const ledger: Ledger = openDataDirLedger(join(dir, 'data'));
    await seedLedger(ledger);
    await ledger.close();
  });
  afterEach(() => removeDir(dir));

  it('verify: exit 0 and a one-line summary when all holds', async () => {
    const io = capture();
    expect(await runVerify(config, {}, io)).toBe(0);
    expect(io.text()).toEqual({ out: 'ledger OK: 11 events in 5 streams, 2 checkpoints verified\nsigned: checkpoints cover positions up to 9; 1 event after it is covered by no checkpoint\n', err: '' });
  });

  it('verify: exit 1, the summary, then each problem', async () => {
    const store = new SqliteEventStore({ file: join(dir, 'data', 'ledger.sqlite') });
    store.database.prepare("UPDATE events SET data = replace(data, 'first', 'First') WHERE position = 3").run();
    await store.close();
    const io = capture();
    expect(await runVerify(config, {}, io)).toBe(1);
    const lines = io.text().out.split('\n');
    expect(lines[0]).toBe('ledger NOT OK: 1 problem in 11 events in 5 streams, 2 checkpoints');
    // The checkpoints still hold (they commit to the stored hash): the event's own problem is named below.
    expect(lines[1]).toBe('signed: checkpoints cover positions up to 9; 1 event after it is covered by no checkpoint');
    expect(lines[2]).toMatch(/^ {2}norm-b revision 0, event \S+, position 3: hash-mismatch: stored hash [0-9a-f]{64}, recomputed [0-9a-f]{64}$/);
  });

  it('verify: exit 2 with one line when there is no ledger, or a bad --key-id', async () => {
    const io = capture();
    expect(await runVerify(configFor(join(dir, 'elsewhere')), {}, io)).toBe(2);
    expect(io.text().err).toBe(`norms-ledger verify: no ledger at ${join(dir, 'elsewhere', 'ledger.sqlite')} (LEDGER_DATA_DIR=${join(dir, 'elsewhere')})\n`);
    expect(existsSync(join(dir, 'elsewhere'))).toBe(false);
    const io2 = capture();
    expect(await runVerify(config, { keyId: 'nope' }, io2)).toBe(2);
    expect(io2.text().err).toBe('norms-ledger verify: --key-id "nope" is not 16 lowercase hex digits\n');
  });

  it('export, verify --bundle offline, import into a fresh store, verify there', async () => {
    const bundle = join(dir, 'bundle.ndjson');
    const io = capture();
    expect(await runExport(config, { out: bundle }, io)).toBe(0);
    expect(io.text().out).toMatch(/^exported 11 events to .*bundle\.ndjson \(\d+ bytes, key [0-9a-f]{16}\)\n$/);
    // Owner-only, as the ledger it copies, even over a killed export's leftover that others could read.
    expect(statSync(bundle).mode & 0o777).toBe(0o600);
    const second = join(dir, 'second.ndjson');
    writeFileSync(`${second}.partial`, 'left by a killed export');
    chmodSync(`${second}.partial`, 0o644);
    expect(await runExport(config, { out: second, force: true }, capture())).toBe(0);
    expect(statSync(second).mode & 0o777).toBe(0o600);
    expect(readFileSync(second, 'utf8')).toBe(readFileSync(bundle, 'utf8'));

    const offline = capture();
    expect(await runVerify(undefined, { bundle }, offline)).toBe(0);
    const ledgerKey = (JSON.parse(readFileSync(bundle, 'utf8').trim().split('\n').at(-1)!) as { publicKey: { keyId: string } }).publicKey.keyId;
    expect(offline.text()).toEqual({
      out: `bundle ${bundle} OK: 11 events in 5 streams, 2 checkpoints verified (signed by key ${ledgerKey})\nsigned: checkpoints cover positions up to 9; 1 event after it is covered by no checkpoint\n`,
      // Unpinned, the bundle vouches for its own keys: the note says how to know who signed.
      err: `norms-ledger verify: note: no --key-id given, so the checkpoints were checked with the keys the bundle itself names (${ledgerKey}); compare them with the ledger's GET /audit/public-key, or pin it with --key-id\n`,
    });
    const pinned = capture();
    expect(await runVerify(undefined, { bundle, keyId: ledgerKey }, pinned)).toBe(0);
    expect(pinned.text()).toEqual({ out: `bundle ${bundle} OK: 11 events in 5 streams, 2 checkpoints verified (signed by key ${ledgerKey})\nsigned: checkpoints cover positions up to 9; 1 event after it is covered by no checkpoint\n`, err: '' });

    // Another instance, with its own signing key: it trusts the bundle's key on import.
    const other = configFor(join(dir, 'other'));
    const imported = capture();
    expect(await runImport(other, { in: bundle }, imported)).toBe(0);
    expect(imported.text().out).toMatch(/^imported 11 events in 5 streams \(2 checkpoints, key [0-9a-f]{16}\) from /);
    const there = capture();
    expect(await runVerify(other, {}, there)).toBe(0);
    expect(there.text().out).toBe('ledger OK: 11 events in 5 streams, 2 checkpoints verified\nsigned: checkpoints cover positions up to 9; 1 event after it is covered by no checkpoint\n');

    const again = join(dir, 'again.ndjson');
    expect(await runExport(other, { out: again }, capture())).toBe(0);
    const withoutKey = (file: string): string => readFileSync(file, 'utf8').split('\n').slice(0, 11).join('\n');
    expect(withoutKey(again)).toBe(withoutKey(bundle));
  });

  it('import builds a new ledger aside and renames it into place: what a killed import left is discarded, and no partial ledger is ever in place', async () => {
    const bundle = join(dir, 'bundle.ndjson');
    expect(await runExport(config, { out: bundle }, capture())).toBe(0);
    const other = configFor(join(dir, 'other'));
    // What an import killed half-way leaves: a staging file, and no ledger.
    mkdirSync(join(dir, 'other'));
    writeFileSync(join(dir, 'other', 'ledger.sqlite.importing'), 'half an import');
    writeFileSync(join(dir, 'other', 'ledger.sqlite.importing-wal'), 'half a WAL');
    const verifyNone = capture();
    expect(await runVerify(other, {}, verifyNone)).toBe(2);
    expect(verifyNone.text().err).toMatch(/no ledger at/);
    const io = capture();
    expect(await runImport(other, { in: bundle }, io)).toBe(0);
    expect(io.text().out).toMatch(/^imported 11 events in 5 streams/);
    expect(readdirSync(join(dir, 'other')).filter((name) => name.includes('importing'))).toEqual([]);
    const there = capture();
    expect(await runVerify(other, {}, there)).toBe(0);
    expect(there.text().out).toBe('ledger OK: 11 events in 5 streams, 2 checkpoints verified\nsigned: checkpoints cover positions up to 9; 1 event after it is covered by no checkpoint\n');
  });

  it('import discards what a killed import left even when an empty ledger file has appeared since (a server started and stopped)', async () => {
    const bundle = join(dir, 'bundle.ndjson');
    expect(await runExport(config, { out: bundle }, capture())).toBe(0);
    const otherDir = join(dir, 'other');
    await new SqliteEventStore({ file: join(otherDir, 'ledger.sqlite') }).close();
    writeFileSync(join(otherDir, 'ledger.sqlite.importing'), 'half an import');
    expect(await runImport(configFor(otherDir), { in: bundle }, capture())).toBe(0);
    expect(readdirSync(otherDir).filter((name) => name.includes('importing'))).toEqual([]);
  });

  it('import refuses while a server serves the data directory, writing nothing', async () => {
    const bundle = join(dir, 'bundle.ndjson');
    expect(await runExport(config, { out: bundle }, capture())).toBe(0);
    const otherDir = join(dir, 'other');
    mkdirSync(otherDir);
    // The parent of this test process: alive, and not this process.
    writeFileSync(markerFileOf(otherDir, process.ppid), JSON.stringify({ pid: process.ppid, url: 'http://127.0.0.1:3999' }));
    const io = capture();
    expect(await runImport(configFor(otherDir), { in: bundle }, io)).toBe(2);
    expect(io.text().err).toBe(`norms-ledger import: a norms-ledger server (pid ${process.ppid}, http://127.0.0.1:3999) serves LEDGER_DATA_DIR=${otherDir}: stop it before importing; nothing was written\n`);
    expect(readdirSync(otherDir)).toEqual([`server-${process.ppid}.json`]);
  });

  it('import of a bundle that was itself exported after an import: every key it trusted is trusted here, so it verifies', async () => {
    const first = join(dir, 'first.ndjson');
    expect(await runExport(config, { out: first }, capture())).toBe(0);
    const second = configFor(join(dir, 'second'));
    expect(await runImport(second, { in: first }, capture())).toBe(0);
    expect(await runCheckpoint(second, capture())).toBe(0);
    const again = join(dir, 'again.ndjson');
    expect(await runExport(second, { out: again }, capture())).toBe(0);
    // Signed by two keys (before and after the move): pinned to both, it verifies, in process and
    // through the built CLI's repeated --key-id; pinned to one, the other's checkpoints are named.
    const bundleKeyId = (file: string): string => (JSON.parse(readFileSync(file, 'utf8').trim().split('\n').at(-1)!) as { publicKey: { keyId: string } }).publicKey.keyId;
    const [oldKey, newKey] = [bundleKeyId(first), bundleKeyId(again)];
    expect(newKey).not.toBe(oldKey);
    expect(await runVerify(undefined, { bundle: again, keyId: [oldKey, newKey] }, capture())).toBe(0);
    const pinnedOld = capture();
    expect(await runVerify(undefined, { bundle: again, keyId: oldKey }, pinnedOld)).toBe(1);
    expect(pinnedOld.text().out).toContain(`unknown-key: signed by key ${newKey}`);
    const cli = spawnSync(process.execPath, [join(ROOT, 'dist', 'cli', 'main.js'), 'verify', '--bundle', again, '--key-id', oldKey, '--key-id', newKey], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '' },
    });
    expect({ status: cli.status, stdout: cli.stdout }).toEqual({
      status: 0,
      stdout: `bundle ${again} OK: 12 events in 5 streams, 3 checkpoints verified (signed by keys ${[oldKey, newKey].sort().join(', ')})\nsigned: checkpoints cover positions up to 11; 0 events after it are covered by no checkpoint\n`,
    });

    const third = configFor(join(dir, 'third'));
    expect(await runImport(third, { in: again }, capture())).toBe(0);
    const there = capture();
    expect(await runVerify(third, {}, there)).toBe(0);
    expect(there.text().out).toBe('ledger OK: 12 events in 5 streams, 3 checkpoints verified\nsigned: checkpoints cover positions up to 11; 0 events after it are covered by no checkpoint\n');
    const exported = join(dir, 'third.ndjson');
    expect(await runExport(third, { out: exported }, capture())).toBe(0);
    expect(await runVerify(undefined, { bundle: exported }, capture())).toBe(0);
  });

  it('import trusts only the keys that signed the bundle\'s checkpoints, not another key the bundle carries', async () => {
    const bundle = join(dir, 'bundle.ndjson');
    expect(await runExport(config, { out: bundle }, capture())).toBe(0);
    // A key that signed nothing in the bundle, added to its key line: the bundle still verifies.
    const stranger = openLedger({ idPrefix: 7 });
    const strangerKey = stranger.signer.publicKey;
    await stranger.close();
    removeDir(stranger.dir);
    const lines = readFileSync(bundle, 'utf8').trim().split('\n');
    const keyLine = JSON.parse(lines.at(-1)!) as { publicKey: { keyId: string }; trustedKeys?: unknown[] };
    const carried = join(dir, 'carried.ndjson');
    writeFileSync(carried, [...lines.slice(0, -1), JSON.stringify({ ...keyLine, trustedKeys: [...(keyLine.trustedKeys ?? []), strangerKey] })].join('\n') + '\n');
    expect(await runVerify(undefined, { bundle: carried }, capture())).toBe(0);

    const other = configFor(join(dir, 'other'));
    const imported = capture();
    expect(await runImport(other, { in: carried }, imported)).toBe(0);
    expect(imported.text().err.split('\n').slice(2).join('\n')).toBe(`norms-ledger import: note: not trusting key ${strangerKey.keyId}: the bundle carries it but it signed none of its checkpoints\n`);
    const trusted = JSON.parse(readFileSync(join(dir, 'other', 'trusted-keys.json'), 'utf8')) as { keys: Array<{ keyId: string }> };
    expect(trusted.keys.map((key) => key.keyId)).toEqual([keyLine.publicKey.keyId]);
    // Owner-only, as every file the ledger creates in its data directory (it was 0644).
    expect(statSync(join(dir, 'other', 'trusted-keys.json')).mode & 0o777).toBe(0o600);
    expect(await runVerify(other, {}, capture())).toBe(0);
  });

  it('verify --bundle: exit 1 naming the tampered line; exit 2 for a missing file', async () => {
    const bundle = join(dir, 'bundle.ndjson');
    await runExport(config, { out: bundle }, capture());
    const lines = readFileSync(bundle, 'utf8').split('\n');
    lines[7] = lines[7]!.replace('third', 'THIRD');
    writeFileSync(bundle, lines.join('\n'));
    const io = capture();
    expect(await runVerify(undefined, { bundle }, io)).toBe(1);
    expect(io.text().out.split('\n')[2]).toMatch(/^ {2}line 8, norm-a revision 2, .*hash-mismatch/);
    const missing = capture();
    expect(await runVerify(undefined, { bundle: join(dir, 'none.ndjson') }, missing)).toBe(2);
    expect(missing.text().err).toBe(`norms-ledger verify: bundle ${join(dir, 'none.ndjson')}: no such file\n`);
  });

  it('verify --bundle and import take a bundle saved with a byte order mark (it was a parse error on line 1 and a cascade after it)', async () => {
    const bundle = join(dir, 'bundle.ndjson');
    await runExport(config, { out: bundle }, capture());
    const marked = join(dir, 'bom.ndjson');
    writeFileSync(marked, `\uFEFF${readFileSync(bundle, 'utf8')}`);
    const io = capture();
    expect(await runVerify(undefined, { bundle: marked }, io)).toBe(0);
    expect(io.text().out).toMatch(/^bundle .+ OK: 11 events/);
    const imported = capture();
    expect(await runImport(configFor(join(dir, 'from-bom')), { in: marked }, imported)).toBe(0);
    expect(await runVerify(configFor(join(dir, 'from-bom')), {}, capture())).toBe(0);
    // A mark anywhere else is part of a line, and changes what it says.
    writeFileSync(marked, readFileSync(bundle, 'utf8').replace('\n{', '\n\uFEFF{'));
    expect(await runVerify(undefined, { bundle: marked }, capture())).toBe(1);
  });

  it('import: refuses a non-empty store and a bad bundle with one line, exit 2, nothing written', async () => {
    const bundle = join(dir, 'bundle.ndjson');
    await runExport(config, { out: bundle }, capture());
    const io = capture();
    expect(await runImport(config, { in: bundle }, io)).toBe(2);
    expect(io.text().err).toBe('norms-ledger import: the store already holds events (head position 11): import needs an empty store; nothing was written\n');

    writeFileSync(bundle, readFileSync(bundle, 'utf8').slice(0, 2000));
    const fresh = join(dir, 'fresh');
    const refused = capture();
    expect(await runImport(configFor(fresh), { in: bundle }, refused)).toBe(2);
    // Cut inside a line, as an interrupted copy is: named as cut short above all (its last line does not parse either).
    expect(refused.text().err).toMatch(/^norms-ledger import: bundle .* does not verify \(\d+ problems; above all: line \d+: missing-key: .* the bundle is truncated or not a bundle\); nothing was written\n$/);
    expect(existsSync(fresh) ? readdirSync(fresh) : []).toEqual([]);
  });

  it('checkpoint: issues one, and another when nothing changed (a signed statement that the ledger still stood so)', async () => {
    const store = new SqliteEventStore({ file: join(dir, 'data', 'ledger.sqlite') });
    await store.close();
    const first = capture();
    expect(await runCheckpoint(config, first)).toBe(0);
    expect(first.text().out).toMatch(/^checkpoint issued at position 12: 9 events in 4 streams up to position 11, root [0-9a-f]{64}, key [0-9a-f]{16}\n$/);
    const second = capture();
    expect(await runCheckpoint(config, second)).toBe(0);
    expect(second.text().out).toMatch(/^checkpoint issued at position 13: 9 events in 4 streams up to position 11, root [0-9a-f]{64}, key [0-9a-f]{16}\n$/);
    expect(await runVerify(config, {}, capture())).toBe(0);
  });
});
