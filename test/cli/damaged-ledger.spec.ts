import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { runCheckpoint } from '../../src/cli/commands/checkpoint.command.js';
import { runDemo } from '../../src/cli/commands/demo.command.js';
import { runExport } from '../../src/cli/commands/export.command.js';
import { captureIo, configFor, listing, removeDir, sha256, tempDir } from './support/cli-process.js';

/** One byte of the event at position 2 changed behind the ledger's back: the ledger no longer verifies. */
const tamper = (dataDir: string): void => {
  const db = new Database(join(dataDir, 'ledger.sqlite'));
  try {
    const { data } = db.prepare('SELECT data FROM events WHERE position = 2').get() as { data: string };
    db.prepare('UPDATE events SET data = ? WHERE position = 2').run(data.replace('United States', 'United Statez'));
  } finally {
    db.close();
  }
};

const HASH_MISMATCH = /track-us-cn-seg revision 1, event [0-9a-f-]+, position 2: hash-mismatch: stored hash [0-9a-f]{64}, recomputed [0-9a-f]{64}/;

describe('a demo ledger with no signing key yet, one byte of an event changed', () => {
  let source: string;
  let dir: string;
  let dataDir: string;
  beforeAll(async () => {
    source = tempDir();
    const io = captureIo();
    if ((await runDemo(configFor(join(source, 'data')), io)) !== 0) throw new Error(io.stderr());
    tamper(join(source, 'data'));
  });
  afterAll(() => removeDir(source));
  beforeEach(() => {
    dir = tempDir();
    dataDir = join(dir, 'data');
    cpSync(join(source, 'data'), dataDir, { recursive: true });
  });
  afterEach(() => removeDir(dir));

  it('checkpoint is refused in one line naming the first problem, exit 2, and changes nothing: no signing key is made', async () => {
    const before = listing(dataDir);
    const ledger = sha256(join(dataDir, 'ledger.sqlite'));
    const io = captureIo();
    expect(await runCheckpoint(configFor(dataDir), io)).toBe(2);
    expect(io.stdout()).toBe('');
    expect(io.stderr()).toMatch(new RegExp(`^norms-ledger checkpoint: cannot issue a checkpoint: verify finds 1 problem in the ledger, the first: ${HASH_MISMATCH.source}; run verify for the full report\\n$`));
    expect(listing(dataDir)).toEqual(before);
    expect(sha256(join(dataDir, 'ledger.sqlite'))).toBe(ledger);
  });

  it('export still writes the bundle (forensics), but warns in one line naming what verify finds, and exits 1', async () => {
    const out = join(dir, 'damaged.ndjson');
    const io = captureIo();
    expect(await runExport(configFor(dataDir), { out }, io)).toBe(1);
    expect(io.stdout()).toMatch(new RegExp(`^exported 135 events to ${out} \\(\\d+ bytes, key [0-9a-f]{16}\\)\\n$`));
    const lines = io.stderr().split('\n');
    expect(lines[0]).toMatch(/^norms-ledger export: created the signing key /);
    expect(lines.slice(1)).toEqual([expect.stringMatching(new RegExp(`^norms-ledger export: warning: the ledger does not verify \\(1 problem; first: ${HASH_MISMATCH.source}\\): `)), '']);
    expect(readFileSync(out, 'utf8')).toContain('United Statez');
  });

  it('export of a ledger that verifies says nothing more, exit 0', async () => {
    const clean = join(dir, 'clean');
    const io = captureIo();
    expect(await runDemo(configFor(clean), captureIo())).toBe(0);
    expect(await runExport(configFor(clean), { out: join(dir, 'clean.ndjson') }, io)).toBe(0);
    expect(io.stderr()).toMatch(/^norms-ledger export: created the signing key [^\n]+\n$/);
  });
});
