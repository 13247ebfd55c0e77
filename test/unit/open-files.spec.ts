import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MIN_OPEN_FILES, openFilesLimit, openFilesProblem } from '../../src/shared/open-files.js';

/*
 * Under `ulimit -n 512` Node could not even load the server or the CLI, and said "Cannot find
 * package …/rxjs/index.js" (an outside operations audit): both now say what is wrong, in one line.
 */
describe('the open-files limit', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'norms-ledger-nofile-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads the soft limit from /proc/self/limits, and nothing where it is unlimited or unreadable', () => {
    const limits = join(dir, 'limits');
    writeFileSync(limits, 'Limit                     Soft Limit           Hard Limit           Units\nMax open files            512                  4096                 files\n');
    expect(openFilesLimit(limits)).toBe(512);
    writeFileSync(limits, 'Max open files            unlimited            unlimited            files\n');
    expect(openFilesLimit(limits)).toBeUndefined();
    expect(openFilesLimit(join(dir, 'none'))).toBeUndefined();
    expect(openFilesProblem(MIN_OPEN_FILES)).toBeUndefined();
    expect(openFilesProblem(undefined)).toBeUndefined();
    expect(openFilesProblem(512)).toMatch(/^the open-files limit is 512 \(ulimit -n\), and norms-ledger needs at least 1024 /);
  });

  it.each([
    ['the server', 1, 'dist/main.js'],
    ['the CLI', 2, 'dist/cli/main.js verify'],
  ])('%s under ulimit -n 512 says so in one line and exits %i', (_what, status, command) => {
    const run = spawnSync('bash', ['-c', `ulimit -n 512 && exec node ${command}`], { env: { ...process.env, LEDGER_DATA_DIR: join(dir, 'data'), PORT: '0' }, encoding: 'utf8', timeout: 20_000 });
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status, stderr: expect.stringMatching(/^norms-ledger: the open-files limit is 512 \(ulimit -n\)[^\n]*\n$/) });
  });
});
