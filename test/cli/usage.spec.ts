import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { demoCopyPerTest, listing, ROOT, runCli } from './support/cli-process.js';

describe('norms-ledger usage', () => {
  const copies = demoCopyPerTest();

  it('--version prints the version package.json gives, exit 0', () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(runCli(['--version'], {})).toEqual({ status: 0, stdout: `${version}\n`, stderr: '' });
  });

  it('export --out given twice is refused in one line, exit 2, writing neither file', () => {
    const [first, second] = [join(copies.dir, 'first.ndjson'), join(copies.dir, 'second.ndjson')];
    const before = listing(copies.dataDir);
    const run = runCli(['export', '--out', first, '--out', second], { LEDGER_DATA_DIR: copies.dataDir });
    expect(run).toEqual({
      status: 2,
      stdout: '',
      stderr: `error: option '--out <file>' argument '${second}' is invalid. --out is given twice (${first}, then ${second}): give it once (run norms-ledger --help for usage)\n`,
    });
    expect([existsSync(first), existsSync(second)]).toEqual([false, false]);
    expect(listing(copies.dataDir)).toEqual(before);
  });

  it.each([
    ['import', '--in'],
    ['trust-key', '--in'],
    ['verify', '--bundle'],
  ])('%s %s given twice is refused in one line, exit 2', (command, flag) => {
    const before = listing(copies.dataDir);
    const run = runCli([command, flag, 'a.ndjson', flag, 'b.ndjson'], { LEDGER_DATA_DIR: copies.dataDir });
    expect(run).toMatchObject({ status: 2, stdout: '', stderr: expect.stringMatching(new RegExp(`^error: [^\\n]*${flag} is given twice \\(a\\.ndjson, then b\\.ndjson\\): give it once[^\\n]*\\n$`)) });
    expect(listing(copies.dataDir)).toEqual(before);
  });

  it('trust-key --in a directory is one clear line, exit 2, not the raw EISDIR text', () => {
    const dir = join(copies.dir, 'keys');
    mkdirSync(dir);
    expect(runCli(['trust-key', '--in', dir], { LEDGER_DATA_DIR: copies.dataDir })).toEqual({ status: 2, stdout: '', stderr: `norms-ledger trust-key: --in ${dir}: a directory, not a key file\n` });
  });

  it('rebuild --help says what it does as README does: a new file, swapped in once complete (nothing is dropped first)', () => {
    const help = runCli(['rebuild', '--help'], {}).stdout.replace(/\s+/g, ' ');
    expect(help).toContain('into a new file, swapped in for the old one once complete');
    expect(help).not.toMatch(/drop/);
  });
});
