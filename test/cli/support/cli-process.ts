import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { CliIo } from '../../../src/cli/cli-io.js';
import { runDemo } from '../../../src/cli/commands/demo.command.js';
import { loadOrCreateSigningKey } from '../../../src/audit/infrastructure/signing-key.js';
import { type AppConfig, loadConfig } from '../../../src/config/app-config.js';

export const ROOT = resolve(import.meta.dirname, '..', '..', '..');
/** The built CLI: `npm run build` first. */
export const CLI = join(ROOT, 'dist', 'cli', 'main.js');

export interface CliRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the built CLI with only the variables given (none of the caller's LEDGER_* leak in). */
export const runCli = (args: readonly string[], env: Record<string, string>, cwd = ROOT): CliRun => {
  const child = spawnSync(process.execPath, [CLI, ...args], {
    cwd,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'silent', LEDGER_SQLITE_SYNCHRONOUS: 'NORMAL', ...env },
    timeout: 60_000,
  });
  return { status: child.status, stdout: child.stdout, stderr: child.stderr };
};

/**
 * As runCli, without blocking this process while the command runs: a test can meanwhile send
 * requests to a server (commands in flight during an export).
 */
export const runCliAsync = (args: readonly string[], env: Record<string, string>, cwd = ROOT): Promise<CliRun> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd,
      env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'silent', LEDGER_SQLITE_SYNCHRONOUS: 'NORMAL', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 60_000,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.once('error', reject);
    child.once('close', (status) => resolve({ status, stdout, stderr }));
  });

/** Captures what a command writes, called in-process. */
export const captureIo = (): CliIo & { stdout: () => string; stderr: () => string } => {
  const out: string[] = [];
  const err: string[] = [];
  const stream = (sink: string[]) => ({ isTTY: false, write: (chunk: string) => sink.push(String(chunk)) > 0 }) as unknown as NodeJS.WriteStream;
  return { out: stream(out), err: stream(err), stdout: () => out.join(''), stderr: () => err.join('') };
};

export const configFor = (dataDir: string, env: Record<string, string> = {}): AppConfig =>
  loadConfig({ LEDGER_DATA_DIR: dataDir, LOG_LEVEL: 'silent', LEDGER_SQLITE_SYNCHRONOUS: 'NORMAL', ...env });

export const tempDir = (): string => mkdtempSync(join(tmpdir(), 'norms-ledger-cli-'));
export const removeDir = (dir: string): void => rmSync(dir, { recursive: true, force: true });

/** A demo ledger (ledger.sqlite, and signing-key.pem as an export or a checkpoint makes it), made once and copied into each test's directory. */
export const demoLedger = async (): Promise<{ readonly copyTo: (dataDir: string) => void; readonly remove: () => void }> => {
  const source = join(tempDir(), 'data');
  const io = captureIo();
  if ((await runDemo(configFor(source), io)) !== 0) throw new Error(`demo failed: ${io.stderr()}`);
  loadOrCreateSigningKey(configFor(source));
  return { copyTo: (dataDir) => cpSync(source, dataDir, { recursive: true }), remove: () => removeDir(join(source, '..')) };
};

/** A demo ledger of the caller's own at `<dir>/data`, whose path is returned. */
export const demoLedgerIn = async (dir: string): Promise<string> => {
  const ledger = await demoLedger();
  const dataDir = join(dir, 'data');
  ledger.copyTo(dataDir);
  ledger.remove();
  return dataDir;
};

/**
 * Jest hooks for a describe block whose tests each get their own copy of one demo ledger: made once
 * for the block, copied into `<dir>/data` before each test, `dir` removed after it. Read the paths
 * from the returned object inside the tests (they change with each test).
 */
export const demoCopyPerTest = (): { readonly dir: string; readonly dataDir: string } => {
  let demo: Awaited<ReturnType<typeof demoLedger>>;
  const paths = { dir: '', dataDir: '' };
  beforeAll(async () => {
    demo = await demoLedger();
  });
  afterAll(() => demo.remove());
  beforeEach(() => {
    paths.dir = tempDir();
    paths.dataDir = join(paths.dir, 'data');
    demo.copyTo(paths.dataDir);
  });
  afterEach(() => removeDir(paths.dir));
  return paths;
};

export const sha256 = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');

/** Every file name under a directory, recursively, sorted: what a refused command must not change. */
export const listing = (dir: string): string[] => (readdirSync(dir, { recursive: true }) as string[]).sort();
