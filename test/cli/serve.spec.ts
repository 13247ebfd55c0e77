import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, removeDir, ROOT, runCli, tempDir } from './support/cli-process.js';

/** `npm start` without its build step, with only the variables given. */
const npmStart = (env: Record<string, string>): { status: number | null; stdout: string; stderr: string } => {
  const child = spawnSync(process.execPath, [join(ROOT, 'dist', 'main.js')], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'silent', ...env },
    timeout: 60_000,
  });
  return { status: child.status, stdout: child.stdout, stderr: child.stderr };
};

describe('norms-ledger serve fails to start as npm start does (README: one line `norms-ledger: …`, exit 1)', () => {
  let dir: string;
  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(() => removeDir(dir));

  it('a bad configuration: the same line and exit 1, not the exit 2 of a command that could not run', () => {
    const env = { PORT: 'x', LEDGER_DATA_DIR: join(dir, 'data') };
    const serve = runCli(['serve'], env);
    expect(serve).toEqual({ status: 1, stdout: '', stderr: 'norms-ledger: invalid configuration: PORT="x" must be an integer port number from 0 to 65535\n' });
    expect(serve).toEqual(npmStart(env));
  });

  it('a data directory that is a file: the same line and exit 1', () => {
    const file = join(dir, 'not-a-directory');
    writeFileSync(file, '');
    const env = { PORT: '0', LEDGER_DATA_DIR: file };
    const serve = runCli(['serve'], env);
    expect(serve.status).toBe(1);
    expect(serve.stderr).toMatch(/^norms-ledger: [^\n]+\n$/);
    expect(serve).toEqual(npmStart(env));
  });

  it('under ulimit -n 512: the same line and exit 1 (the other commands exit 2)', () => {
    const run = spawnSync('bash', ['-c', `ulimit -n 512 && exec node ${CLI} serve`], { env: { ...process.env, LEDGER_DATA_DIR: join(dir, 'data'), PORT: '0' }, encoding: 'utf8', timeout: 20_000 });
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 1, stderr: expect.stringMatching(/^norms-ledger: the open-files limit is 512 \(ulimit -n\)[^\n]*\n$/) });
  });
});
