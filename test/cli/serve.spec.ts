import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, demoCopyPerTest, removeDir, ROOT, runCli, tempDir } from './support/cli-process.js';

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

const freePort = (): Promise<number> =>
  new Promise((done, fail) => {
    const server = createServer().once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => done(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });

describe('norms-ledger serve whose log reader goes away (`norms-ledger serve | head -1`)', () => {
  let dir: string;
  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(() => removeDir(dir));

  it('goes on serving, as npm start does', async () => {
    const port = await freePort();
    // LOG_LEVEL=debug: start-up and every request write lines to the closed pipe.
    const child = spawn(process.execPath, [CLI, 'serve'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'debug', LEDGER_DATA_DIR: join(dir, 'data'), PORT: String(port), LEDGER_TOKENS: 'clerk:serve-spec-clerk-token-0123456789' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => child.once('exit', (code, signal) => done({ code, signal })));
    try {
      await new Promise((done) => child.stdout.once('data', done));
      child.stdout.destroy();
      let health = 0;
      for (let attempt = 0; attempt < 600 && health !== 200 && child.exitCode === null; attempt++) {
        health = await fetch(`http://127.0.0.1:${port}/health`).then((answer) => answer.status, () => 0);
        if (health !== 200) await new Promise((wake) => setTimeout(wake, 100));
      }
      expect({ health, exitCode: child.exitCode, stderr }).toEqual({ health: 200, exitCode: null, stderr: expect.any(String) });
      for (let i = 0; i < 10; i++) expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);
      expect(child.exitCode).toBeNull();
      expect(stderr).toContain('norms-ledger: standard output failed (EPIPE): its log lines are dropped from now on; the server goes on\n');
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toEqual({ code: null, signal: 'SIGTERM' });
  }, 120_000);
});

describe('another command whose reader goes away (`norms-ledger verify --json | true`)', () => {
  const demo = demoCopyPerTest();

  it('stops quietly with its own exit status, not with an EPIPE stack', async () => {
    const child = spawn(process.execPath, [CLI, 'verify', '--json'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'silent', LEDGER_DATA_DIR: demo.dataDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // Closed before node has even started, so verify's first write meets a closed pipe.
    child.stdout.destroy();
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const code = await new Promise((done) => child.once('close', done));
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
  }, 60_000);
});
