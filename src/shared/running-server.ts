import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * `<data dir>/server.json`: which server process serves a data directory, so that a command that
 * would pull files from under it (`norms-ledger rebuild` swaps the read-model file) can refuse and
 * point at the server's own route instead. Written once the server listens, removed when it exits;
 * a file left by a process that no longer runs is ignored.
 */
export const RUNNING_SERVER_FILE = 'server.json';

export interface RunningServer {
  readonly pid: number;
  readonly url: string;
}

/**
 * Returns what removes the file (also run on exit). A shutdown by signal ends with the signal raised
 * again (Nest's shutdown hooks), with no 'exit' event: the server also removes it when it closes.
 */
export const markServerRunning = (dataDir: string, url: string): (() => void) => {
  const file = join(dataDir, RUNNING_SERVER_FILE);
  writeFileSync(file, `${JSON.stringify({ pid: process.pid, url } satisfies RunningServer)}\n`, { mode: 0o600 });
  const remove = (): void => rmSync(file, { force: true });
  process.once('exit', remove);
  return remove;
};

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, under another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** The other live process serving `dataDir`, if any. */
export const runningServer = (dataDir: string): RunningServer | undefined => {
  let found: unknown;
  try {
    found = JSON.parse(readFileSync(join(dataDir, RUNNING_SERVER_FILE), 'utf8'));
  } catch {
    return undefined;
  }
  const { pid, url } = (found ?? {}) as Partial<RunningServer>;
  if (!Number.isSafeInteger(pid) || typeof url !== 'string' || pid === process.pid || !isAlive(pid!)) return undefined;
  return { pid: pid!, url };
};
