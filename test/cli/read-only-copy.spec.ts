import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { CLI, type CliRun, demoLedger, listing, removeDir, ROOT, runCli, sha256, tempDir } from './support/cli-process.js';

/**
 * An auditor handed a copy of a ledger they may not write beside (a backup on a read-only mount,
 * another user's directory) verifies and exports it as it is (README, Command line). SQLite cannot
 * open a WAL-mode file there without writing its -shm file; the CLI opens it as immutable instead,
 * unless a -wal file holds changes not yet in it.
 *
 * The copy is made read-only for the CLI by permissions: as root (who may write anywhere), the CLI
 * runs as nobody (uid 65534) on a root-owned 0755 directory; otherwise the directory is 0555.
 */
const asRoot = process.getuid?.() === 0;
const NOBODY = 65534;

const runReader = (args: readonly string[], dataDir: string): CliRun => {
  const child = spawnSync(process.execPath, [CLI, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'silent', LEDGER_DATA_DIR: dataDir },
    timeout: 60_000,
    ...(asRoot ? { uid: NOBODY, gid: NOBODY } : {}),
  });
  return { status: child.status, stdout: child.stdout, stderr: child.stderr };
};

/** The directory and its files readable by all, writable by none but root. */
const makeReadOnly = (dataDir: string): void => {
  for (const name of readdirSync(dataDir)) chmodSync(join(dataDir, name), 0o444);
  chmodSync(dataDir, 0o555);
};

describe('norms-ledger verify and export on a copy they may not write beside', () => {
  let ledger: Awaited<ReturnType<typeof demoLedger>>;
  let dir: string;
  let data: string;
  let out: string;
  beforeAll(async () => {
    ledger = await demoLedger();
  });
  afterAll(() => ledger.remove());
  beforeEach(() => {
    dir = tempDir();
    // mkdtemp makes 0700: the reader (nobody, as root) must be able to walk into it.
    chmodSync(dir, 0o755);
    data = join(dir, 'data');
    ledger.copyTo(data);
    out = join(dir, 'out');
    mkdirSync(out);
    chmodSync(out, 0o777);
  });
  afterEach(() => {
    chmodSync(data, 0o700);
    removeDir(dir);
  });

  it('verifies it and exports it, byte for byte as from a writable copy, writing nothing beside it', () => {
    const writable = join(dir, 'writable');
    ledger.copyTo(writable);
    const reference = runCli(['export', '--out', join(out, 'reference.ndjson')], { LEDGER_DATA_DIR: writable });
    expect(reference.status).toBe(0);
    makeReadOnly(data);
    const before = { files: listing(data), ledger: sha256(join(data, 'ledger.sqlite')) };

    // The reader may read the key, so others may: said, and left as it is.
    const keyWarning = (command: string) => new RegExp(`^norms-ledger ${command}: warning: the signing key [^\\n]*signing-key\\.pem may be read by others [^\\n]*\\n$`);
    const verified = runReader(['verify'], data);
    expect(verified.stderr).toMatch(keyWarning('verify'));
    expect(verified.stdout).toMatch(/^ledger OK: \d+ events in \d+ streams/);
    expect(verified.status).toBe(0);

    const exported = runReader(['export', '--out', join(out, 'copy.ndjson')], data);
    expect(exported.stderr).toMatch(keyWarning('export'));
    expect(exported.status).toBe(0);
    expect(readFileSync(join(out, 'copy.ndjson'), 'utf8')).toBe(readFileSync(join(out, 'reference.ndjson'), 'utf8'));

    // No -wal, no -shm, no lock or marker: the copy is as it was.
    expect(listing(data)).toEqual(before.files);
    expect(sha256(join(data, 'ledger.sqlite'))).toBe(before.ledger);
  });

  it('refuses, in one line, a copy whose -wal file holds changes not yet in the file (read as immutable, they would be missed)', () => {
    // A copy taken while a writer held changes in the WAL: the file and its -wal, copied mid-way.
    const source = join(dir, 'live');
    ledger.copyTo(source);
    const writer = new Database(join(source, 'ledger.sqlite'));
    try {
      writer.pragma('journal_mode = WAL');
      writer.pragma('wal_autocheckpoint = 0');
      const version = writer.pragma('user_version', { simple: true }) as number;
      writer.pragma(`user_version = ${version}`);
      for (const suffix of ['', '-wal']) copyFileSync(join(source, `ledger.sqlite${suffix}`), join(data, `ledger.sqlite${suffix}`));
      expect(statSync(join(data, 'ledger.sqlite-wal')).size).toBeGreaterThan(0);
    } finally {
      writer.close();
    }
    makeReadOnly(data);
    const before = listing(data);

    const verified = runReader(['verify'], data);
    expect(verified.stdout).toBe('');
    expect(verified.stderr).toMatch(/^norms-ledger verify: cannot open [^\n]*ledger\.sqlite \([^\n]*\): it must be a file this user can read and write, in a directory it can write[^\n]*\n$/);
    expect(verified.status).toBe(2);
    expect(listing(data)).toEqual(before);
  });
});
