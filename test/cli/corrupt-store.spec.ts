import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SqliteEventStore } from '../../src/infrastructure/sqlite/sqlite-event-store.js';
import { StoreUnavailableError } from '../../src/shared/event-store/event-store.errors.js';
import { demoLedger, removeDir, ROOT, runCli, sha256, tempDir } from './support/cli-process.js';

describe('a data file that is not a SQLite database', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = tempDir();
    file = join(dir, 'ledger.sqlite');
    writeFileSync(file, 'garbage\n');
  });
  afterEach(() => removeDir(dir));

  it('verify names the file and LEDGER_DATA_DIR in one line, exit 2, and leaves the file as it was (through the built CLI)', () => {
    const run = runCli(['verify'], { LEDGER_DATA_DIR: dir });
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(`norms-ledger verify: ${file} is not a SQLite database (file is not a database): check LEDGER_DATA_DIR\n`);
    expect(run.status).toBe(2);
    expect(readFileSync(file, 'utf8')).toBe('garbage\n');
  });

  it('the store says so where it opens the file, so every command and the server start say the same', () => {
    let thrown: unknown;
    try {
      new SqliteEventStore({ file });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(StoreUnavailableError);
    expect((thrown as Error).message).toBe(`${file} is not a SQLite database (file is not a database): check LEDGER_DATA_DIR`);
    expect(readFileSync(file, 'utf8')).toBe('garbage\n');
  });

  it('the server start says the same and does not start', () => {
    const server = spawnSync(process.execPath, [join(ROOT, 'dist', 'main.js')], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', LEDGER_DATA_DIR: dir, PORT: '0', LOG_LEVEL: 'silent', LEDGER_TOKENS: 'clerk:0123456789abcdef0123' },
      timeout: 60_000,
    });
    expect(server.stderr).toContain(`${file} is not a SQLite database (file is not a database): check LEDGER_DATA_DIR\n`);
    expect(server.status).not.toBe(0);
    expect(server.status).not.toBeNull();
    expect(readFileSync(file, 'utf8')).toBe('garbage\n');
  });

  it('a damaged database (a real header, then garbage) is named too', () => {
    const header = Buffer.alloc(4096);
    Buffer.from('SQLite format 3\0').copy(header);
    header.writeUInt16BE(4096, 16);
    header.fill(0xee, 100);
    writeFileSync(file, header);
    expect(() => new SqliteEventStore({ file })).toThrow(new RegExp(`^${file.replace(/[.]/g, '\\.')} is (not a|a damaged) SQLite database \\(.+\\): check LEDGER_DATA_DIR$`));
  });
});

describe('a ledger path SQLite cannot open (a directory in its place, a read-only directory)', () => {
  let dir: string;
  beforeEach(() => {
    dir = tempDir();
    mkdirSync(join(dir, 'ledger.sqlite'));
  });
  afterEach(() => removeDir(dir));

  it('verify names the file, what it must be and LEDGER_DATA_DIR in one line, exit 2 (through the built CLI)', () => {
    const run = runCli(['verify'], { LEDGER_DATA_DIR: dir });
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      `norms-ledger verify: cannot open ${join(dir, 'ledger.sqlite')} (unable to open database file): it must be a file this user can read and write, in a directory it can write (SQLite writes ledger.sqlite-wal and -shm beside it); check LEDGER_DATA_DIR\n`,
    );
    expect(run.status).toBe(2);
  });

  it('a read-model path SQLite cannot open stops the server with one line naming that file, not HOST and PORT', () => {
    const other = tempDir();
    try {
      mkdirSync(join(other, 'read-models.sqlite'));
      const server = spawnSync(process.execPath, [join(ROOT, 'dist', 'main.js')], {
        encoding: 'utf8',
        env: { PATH: process.env.PATH ?? '', LEDGER_DATA_DIR: other, PORT: '0', LOG_LEVEL: 'silent', LEDGER_TOKENS: 'clerk:0123456789abcdef0123' },
        timeout: 60_000,
      });
      expect(server.stderr).toContain(
        `cannot open the read models at ${join(other, 'read-models.sqlite')} (unable to open database file): it must be a file this user can read and write, in a directory it can write; check LEDGER_DATA_DIR\n`,
      );
      expect(server.stderr).not.toContain('cannot listen');
      expect(server.status).not.toBe(0);
      expect(server.status).not.toBeNull();
    } finally {
      removeDir(other);
    }
  });
});

/**
 * A ledger file this user may only read: SQLite opens it read-only without a word (and in WAL mode
 * even grants the write lock), so the server started, said ready, and refused the first command.
 * Root may write a 0400 file, so as root the file is made immutable (chattr +i) instead.
 */
describe('a ledger file this user may only read', () => {
  const asRoot = process.getuid?.() === 0;
  const immutable = (file: string, on: boolean): boolean => spawnSync('chattr', [on ? '+i' : '-i', file]).status === 0;
  const probeDir = tempDir();
  writeFileSync(join(probeDir, 'probe'), '');
  const canMakeReadOnly = !asRoot || immutable(join(probeDir, 'probe'), true);
  if (asRoot && canMakeReadOnly) immutable(join(probeDir, 'probe'), false);
  removeDir(probeDir);
  const itReadOnly = canMakeReadOnly ? it : it.skip;
  if (!canMakeReadOnly) console.warn('skipped: running as root where chattr +i is refused, so no file can be made read-only for this user');

  let dir: string;
  let file: string;
  let demo: Awaited<ReturnType<typeof demoLedger>>;
  beforeAll(async () => {
    demo = await demoLedger();
  });
  afterAll(() => demo.remove());
  beforeEach(() => {
    dir = tempDir();
    demo.copyTo(join(dir, 'data'));
    file = join(dir, 'data', 'ledger.sqlite');
    if (asRoot) immutable(file, true);
    else chmodSync(file, 0o400);
  });
  afterEach(() => {
    if (asRoot) immutable(file, false);
    removeDir(dir);
  });
  const refusal = (path: string) =>
    `${path} can only be read here (attempt to write a readonly database): the server must be able to write it; is it immutable, on a read-only mount, or another user's? check LEDGER_DATA_DIR (verify and export read such a file as it is)\n`;

  itReadOnly('stops the server at start with one line naming the file, and leaves it as it was', () => {
    const before = sha256(file);
    const server = spawnSync(process.execPath, [join(ROOT, 'dist', 'main.js')], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', LEDGER_DATA_DIR: join(dir, 'data'), PORT: '0', LOG_LEVEL: 'silent', LEDGER_TOKENS: 'clerk:0123456789abcdef0123' },
      timeout: 60_000,
    });
    expect(server.stderr).toContain(refusal(file));
    expect(server.stdout).not.toContain('listening on');
    expect(server.status).not.toBe(0);
    expect(server.status).not.toBeNull();
    expect(sha256(file)).toBe(before);
  });

  itReadOnly('checkpoint, which writes, says the same in one line, exit 2', () => {
    const run = runCli(['checkpoint'], { LEDGER_DATA_DIR: join(dir, 'data') });
    expect(run.stderr).toBe(`norms-ledger checkpoint: ${refusal(file)}`);
    expect(run.status).toBe(2);
  });

  itReadOnly('verify and export, which only read, work on it as it is', () => {
    const before = sha256(file);
    const verify = runCli(['verify'], { LEDGER_DATA_DIR: join(dir, 'data') });
    expect(verify.stderr).toBe('');
    expect(verify.stdout).toMatch(/^ledger OK: 135 events in 22 streams/);
    expect(verify.status).toBe(0);
    const exported = runCli(['export', '--out', join(dir, 'out.ndjson')], { LEDGER_DATA_DIR: join(dir, 'data') });
    expect(exported.stdout).toMatch(/^exported 135 events to /);
    expect(exported.status).toBe(0);
    expect(sha256(file)).toBe(before);
  });
});
