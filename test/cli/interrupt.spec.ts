import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, watch } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { CLI, demoCopyPerTest, removeDir, ROOT, runCli, sha256 } from './support/cli-process.js';

interface Interrupted {
  /** Whether the signal reached the command while its temporary file existed (else it had finished). */
  readonly caught: boolean;
  readonly code: number | null;
  readonly stderr: string;
}

/**
 * Runs the built CLI and, the moment `file` appears, stops it (SIGSTOP), sends `signal` if the file
 * is still there, and lets it go on: the signal then lands while the command is half-done.
 */
const interruptOnce = (args: readonly string[], env: Record<string, string>, file: string, signal: NodeJS.Signals): Promise<Interrupted> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'silent', LEDGER_SQLITE_SYNCHRONOUS: 'NORMAL', ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    let caught = false;
    let done = false;
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const watcher = watch(dirname(file), (_event, name) => {
      if (done || name !== basename(file) || child.pid === undefined) return;
      done = true;
      process.kill(child.pid, 'SIGSTOP');
      if (existsSync(file)) {
        caught = true;
        process.kill(child.pid, signal);
      }
      process.kill(child.pid, 'SIGCONT');
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      watcher.close();
      resolve({ caught, code, stderr });
    });
  });

/** A few tries: the command may finish between its file appearing and the stop landing. */
const interrupt = async (args: readonly string[], env: Record<string, string>, file: string, signal: NodeJS.Signals, reset: () => void): Promise<Interrupted> => {
  for (let attempt = 0; attempt < 8; attempt++) {
    reset();
    const run = await interruptOnce(args, env, file, signal);
    if (run.caught) return run;
  }
  throw new Error(`never caught ${basename(file)} in 8 runs of ${args.join(' ')}`);
};

describe('an interrupted command leaves nothing half-done (through the built CLI)', () => {
  const copies = demoCopyPerTest();
  let dir: string;
  let dataDir: string;
  beforeEach(() => {
    ({ dir, dataDir } = copies);
  });

  it('export stopped by Ctrl-C (SIGINT) removes its .partial file, says so in one line and exits 130; the next export needs no --force', async () => {
    const outDir = join(dir, 'out');
    const out = join(outDir, 'bundle.ndjson');
    const run = await interrupt(['export', '--out', out], { LEDGER_DATA_DIR: dataDir }, `${out}.partial`, 'SIGINT', () => {
      removeDir(outDir);
      mkdirSync(outDir);
    });
    expect(run.code).toBe(130);
    expect(run.stderr).toMatch(/norms-ledger export: interrupted \(SIGINT\)\n$/);
    expect(readdirSync(outDir)).toEqual([]);

    const again = runCli(['export', '--out', out], { LEDGER_DATA_DIR: dataDir });
    expect(again.stderr).toBe('');
    expect(again.status).toBe(0);
    expect(readdirSync(outDir)).toEqual(['bundle.ndjson']);
  });

  it('rebuild stopped by SIGTERM stops its threads, then removes its half-built file and its lock, leaves the current read models as they were, exits 143 (removing the file under a running thread crashed the process)', async () => {
    expect(runCli(['rebuild'], { LEDGER_DATA_DIR: dataDir }).status).toBe(0);
    const current = join(dataDir, 'read-models.sqlite');
    const before = sha256(current);
    // Eight times: terminating a thread inside better-sqlite3 aborted the process (SIGABRT, V8's
    // "ToLocalChecked Empty MaybeLocal") in about one interrupted rebuild in six; threads now stop themselves.
    for (let round = 1; round <= 8; round++) {
      const run = await interrupt(['rebuild'], { LEDGER_DATA_DIR: dataDir, LEDGER_REBUILD_THREADS: '2' }, `${current}.rebuild`, 'SIGTERM', () => undefined);
      expect({ round, code: run.code, stderr: run.stderr }).toEqual({ round, code: 143, stderr: expect.stringMatching(/^norms-ledger rebuild: interrupted \(SIGTERM\)\n$/) });
      expect(readdirSync(dataDir).filter((name) => name.includes('.rebuild') || name === 'rebuild.lock')).toEqual([]);
      expect(sha256(current)).toBe(before);
    }
    expect(runCli(['rebuild'], { LEDGER_DATA_DIR: dataDir }).status).toBe(0);
  });
});
