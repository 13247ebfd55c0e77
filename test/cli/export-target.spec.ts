import { existsSync, linkSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runExport, writeError } from '../../src/cli/commands/export.command.js';
import { runVerify } from '../../src/cli/commands/verify.command.js';
import { exportTarget, realPathOf } from '../../src/cli/export-target.js';
import { captureIo, configFor, demoLedger, listing, removeDir, runCli, sha256, tempDir } from './support/cli-process.js';

/** One line on stderr saying `norms-ledger export: …`, nothing on stdout, exit 2. */
const expectRefused = (run: { status: number | null; stdout: string; stderr: string }, pattern: RegExp): void => {
  expect(run.stdout).toBe('');
  expect(run.stderr).toMatch(/^norms-ledger export: [^\n]*; nothing was written\n$/);
  expect(run.stderr).toMatch(pattern);
  expect(run.status).toBe(2);
};

const inProcess = async (config: ReturnType<typeof configFor>, out: string, force = false) => {
  const io = captureIo();
  const status = await runExport(config, { out, force }, io);
  return { status, stdout: io.stdout(), stderr: io.stderr() };
};

describe('norms-ledger export --out: what it refuses to write', () => {
  let ledger: Awaited<ReturnType<typeof demoLedger>>;
  let dir: string;
  let data: string;
  let before: { ledger: string; key: string; files: string[] };
  beforeAll(async () => {
    ledger = await demoLedger();
  });
  afterAll(() => ledger.remove());
  beforeEach(() => {
    dir = tempDir();
    data = join(dir, 'data');
    ledger.copyTo(data);
    before = { ledger: sha256(join(data, 'ledger.sqlite')), key: sha256(join(data, 'signing-key.pem')), files: listing(dir) };
  });
  afterEach(async () => {
    try {
      // Whatever a test tried, the ledger still verifies.
      expect(await runVerify(configFor(data), {}, captureIo())).toBe(0);
    } finally {
      removeDir(dir);
    }
  });

  /** The ledger, its key and every file around them exactly as they were: nothing written, no `.partial` left. */
  const expectUntouched = async (): Promise<void> => {
    expect(sha256(join(data, 'ledger.sqlite'))).toBe(before.ledger);
    expect(sha256(join(data, 'signing-key.pem'))).toBe(before.key);
    expect(listing(dir)).toEqual(before.files);
  };

  it('refuses the ledger file and the signing key in the data directory (the audit\'s reproduction, through the built CLI)', async () => {
    // --force overwrites other files, never these.
    for (const [name, force] of [['ledger.sqlite', []], ['signing-key.pem', ['--force']]] as const) {
      const run = runCli(['export', '--out', join(data, name), ...force], { LEDGER_DATA_DIR: data });
      expectRefused(run, new RegExp(`^norms-ledger export: --out ${join(data, name)} is in the data directory ${data} \\(LEDGER_DATA_DIR\\), which holds the ledger and its keys: write the bundle elsewhere; nothing was written\n$`));
    }
    expectRefused(await inProcess(configFor(data), join(data, 'ledger.sqlite'), true), /is in the data directory/);
    await expectUntouched();
  });

  it('refuses any path that resolves into the data directory: a new file there, a linked directory, a link to the ledger, a dangling link, a hard link to the ledger', async () => {
    symlinkSync(data, join(dir, 'linked-dir'));
    symlinkSync(join(data, 'ledger.sqlite'), join(dir, 'ledger-link'));
    symlinkSync(join(data, 'not-yet'), join(dir, 'dangling'));
    linkSync(join(data, 'ledger.sqlite'), join(dir, 'hard-link'));
    before.files = listing(dir);
    const config = configFor(data);
    for (const out of [join(data, 'new.ndjson'), join(data, '.'), join(dir, 'linked-dir', 'x.ndjson'), join(dir, 'ledger-link'), join(dir, 'dangling'), join(data, 'sub', '..', 'ledger.sqlite-wal')]) {
      expectRefused(await inProcess(config, out, true), /is in the data directory/);
    }
    // Not in the data directory by any path, but the same file as the ledger.
    expectRefused(await inProcess(config, join(dir, 'hard-link'), true), new RegExp(`is a file of the ledger \\(LEDGER_DATA_DIR\\), ${join(data, 'ledger.sqlite')}`));
    // A data directory named through a link is the same directory.
    symlinkSync(data, join(dir, 'data-link'));
    before.files = listing(dir);
    expectRefused(await inProcess(configFor(join(dir, 'data-link')), join(data, 'x.ndjson'), true), /is in the data directory/);
    await expectUntouched();
  });

  it('refuses the signing key file and the tokens file outside the data directory, even with --force', async () => {
    const key = join(dir, 'keys', 'signing.pem');
    mkdirSync(join(dir, 'keys'));
    writeFileSync(key, readFileSync(join(data, 'signing-key.pem')));
    const tokens = join(dir, 'tokens.txt');
    writeFileSync(tokens, 'clerk:0123456789abcdef0123\n');
    symlinkSync(key, join(dir, 'key-link'));
    before.files = listing(dir);
    expectRefused(runCli(['export', '--out', key, '--force'], { LEDGER_DATA_DIR: data, LEDGER_SIGNING_KEY_FILE: key }), new RegExp(`is the signing key file \\(LEDGER_SIGNING_KEY_FILE\\), ${key}:`));
    const withKey = configFor(data, { LEDGER_SIGNING_KEY_FILE: key });
    expectRefused(await inProcess(withKey, join(dir, 'key-link'), true), /is the signing key file \(LEDGER_SIGNING_KEY_FILE\)/);
    expectRefused(await inProcess(configFor(data, { LEDGER_TOKENS_FILE: tokens }), tokens, true), new RegExp(`is the tokens file \\(LEDGER_TOKENS_FILE\\), ${tokens}:`));
    expect(readFileSync(tokens, 'utf8')).toBe('clerk:0123456789abcdef0123\n');
    expect(readFileSync(key)).toEqual(readFileSync(join(data, 'signing-key.pem')));
    await expectUntouched();
  });

  it('refuses an existing file unless --force, which overwrites it with a bundle that verifies; --force is in the help', async () => {
    const out = join(dir, 'old.ndjson');
    writeFileSync(out, 'precious\n');
    before.files = listing(dir);
    expectRefused(runCli(['export', '--out', out], { LEDGER_DATA_DIR: data }), new RegExp(`--out ${out} already exists: --force overwrites it;`));
    expect(readFileSync(out, 'utf8')).toBe('precious\n');
    await expectUntouched();

    const forced = runCli(['export', '--out', out, '--force'], { LEDGER_DATA_DIR: data });
    expect(forced.stderr).toBe('');
    expect(forced.stdout).toMatch(new RegExp(`^exported \\d+ events to ${out} \\(\\d+ bytes, key [0-9a-f]{16}\\)\\n$`));
    expect(forced.status).toBe(0);
    expect(await runVerify(undefined, { bundle: out }, captureIo())).toBe(0);

    const help = runCli(['export', '--help'], {});
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/--force\s+overwrite <file> if it exists/);
  });

  it('a new file outside the data directory is written, with no `.partial` left', () => {
    const run = runCli(['export', '--out', join(dir, 'bundle.ndjson')], { LEDGER_DATA_DIR: data });
    expect(run.status).toBe(0);
    expect(listing(dir)).toEqual([...before.files, 'bundle.ndjson'].sort());
  });

  it.each([
    ['a directory that does not exist', (d: string) => join(d, 'missing', 'x.ndjson'), (d: string) => `: the directory ${join(d, 'missing')} does not exist;`],
    ['a directory', (d: string) => d, (d: string) => `--out ${d} is a directory: name the bundle file to write;`],
    ['a path ending with /', (d: string) => `${join(d, 'new')}/`, (d: string) => `--out ${join(d, 'new')}/ ends with /`],
    ['a path below a file', (d: string) => join(d, 'a-file', 'x.ndjson'), (d: string) => `: ${join(d, 'a-file')} is not a directory;`],
    // Through a link in the temporary directory: should this check ever fail, the rename replaces the link, not /dev/null.
    ['a device', (d: string) => join(d, 'null-link'), (d: string) => `--out ${join(d, 'null-link')} is not a regular file;`],
  ])('%s: one clear line, exit 2, no raw errno text, no `.partial` anywhere', async (_what, out, message) => {
    writeFileSync(join(dir, 'a-file'), 'x');
    symlinkSync('/dev/null', join(dir, 'null-link'));
    before.files = listing(dir);
    const run = await inProcess(configFor(data), out(dir));
    expectRefused(run, new RegExp(message(dir).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    expect(run.stderr).not.toMatch(/ENOENT|EISDIR|ENOTDIR|rename|\.partial/);
    expect(existsSync(`${dir}.partial`)).toBe(false);
    await expectUntouched();
  });

  it('an empty path: one clear line, exit 2, no `.partial` in the working directory (through the built CLI)', async () => {
    // Run from the temporary directory, where the old code made and failed to rename `.partial`.
    const run = runCli(['export', '--out', ''], { LEDGER_DATA_DIR: data }, dir);
    expectRefused(run, /^norms-ledger export: --out is an empty path: name the bundle file to write;/);
    await expectUntouched();
  });

  it('the temporary `.partial` file: a leftover one needs --force; one that leads into the data directory is refused even then', async () => {
    const config = configFor(data);
    const out = join(dir, 'b.ndjson');
    writeFileSync(`${out}.partial`, 'half a bundle');
    expectRefused(await inProcess(config, out), /b\.ndjson\.partial exists \(left by an interrupted export\?\): remove it, or --force overwrites it;/);
    expect((await inProcess(config, out, true)).status).toBe(0);
    expect(existsSync(`${out}.partial`)).toBe(false);

    const other = join(dir, 'c.ndjson');
    symlinkSync(join(data, 'ledger.sqlite'), `${other}.partial`);
    before.files = listing(dir);
    expectRefused(await inProcess(config, other, true), /c\.ndjson\.partial, the temporary file export writes first, is in the data directory/);
    await expectUntouched();
  });
});

describe('exportTarget and realPathOf', () => {
  let dir: string;
  beforeEach(() => (dir = tempDir()));
  afterEach(() => removeDir(dir));

  it('follows links through missing tails and dangling links, and stops on a loop', () => {
    mkdirSync(join(dir, 'real'));
    symlinkSync(join(dir, 'real'), join(dir, 'via'));
    symlinkSync('../real/target', join(dir, 'via', 'rel-dangling'));
    symlinkSync(join(dir, 'loop-b'), join(dir, 'loop-a'));
    symlinkSync(join(dir, 'loop-a'), join(dir, 'loop-b'));
    const real = realPathOf(dir);
    expect(realPathOf(join(dir, 'via', 'missing', 'x'))).toBe(join(real, 'real', 'missing', 'x'));
    // Relative to the directory the link really is in (real/), not the one it was named through.
    expect(realPathOf(join(dir, 'via', 'rel-dangling'))).toBe(join(real, 'real', 'target'));
    expect(realPathOf(join(dir, 'loop-a'))).toMatch(/loop-[ab]$/);
  });

  it('tells in from out by path segments, not by how names start', () => {
    mkdirSync(join(dir, 'data'));
    const config = { dataDir: join(dir, 'data'), signingKeyFile: undefined, tokensFile: undefined };
    expect(exportTarget(config, join(dir, 'data-bundle.ndjson'), false).problem).toBeUndefined();
    expect(exportTarget(config, join(dir, '..data'), false).problem).toBeUndefined();
    expect(exportTarget(config, join(dir, 'data', '..bundle'), false).problem).toMatch(/is in the data directory/);
  });
});

describe('export onto a full disk', () => {
  it('says that nothing was written: a failed write(2) names no path, and is the bundle\'s', () => {
    // As Node's fs.WriteStream reports a write to a full disk.
    const full = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28, syscall: 'write' });
    expect((writeError('b.ndjson', '/tmp/out/b.ndjson', full) as Error).message).toBe('--out b.ndjson: cannot write the bundle in the directory /tmp/out (the disk is full); nothing was written');
    // Another file's failure is not told as the bundle's.
    const other = Object.assign(new Error('EACCES: permission denied, open'), { code: 'EACCES', syscall: 'open', path: '/elsewhere' });
    expect(writeError('b.ndjson', '/tmp/out/b.ndjson', other)).toBe(other);
  });
});
