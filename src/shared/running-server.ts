import { readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

/**
 * `<data dir>/server-<pid>.json`: which server processes serve a data directory, so that a command
 * that would pull files from under them (`norms-ledger rebuild` swaps the read-model file) can
 * refuse and point at a server's own route instead. One file per process (several instances may
 * share a SQLite store), written once the server listens, removed when it closes or exits; a file
 * left by a process that no longer runs is ignored.
 */
const MARKER = /^server-(\d+)\.json$/;

export const markerFileOf = (dataDir: string, pid = process.pid): string => join(dataDir, `server-${pid}.json`);

export interface RunningServer {
  readonly pid: number;
  readonly url: string;
}

/** The URL a listening socket answers on (an IPv6 address in brackets). */
export const urlOf = (address: AddressInfo | string | null, fallback: string): string => {
  if (address === null || typeof address === 'string') return fallback;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}`;
};

/**
 * Marks this server as serving `dataDir` (see markServerRunning), then looks for a CLI rebuild
 * there: its pid (the mark is removed again), or what removes the mark. See takeRebuildLock for why
 * the look comes after the mark.
 */
export const announceServer = (dataDir: string, url: string): { readonly rebuildBy: number } | { readonly unmark: () => void } => {
  const unmark = markServerRunning(dataDir, url);
  const rebuildBy = runningRebuild(dataDir);
  if (rebuildBy === undefined) return { unmark };
  unmark();
  return { rebuildBy };
};

/** Returns what removes this process's file (also run on exit). */
export const markServerRunning = (dataDir: string, url: string): (() => void) => {
  const file = markerFileOf(dataDir);
  try {
    writeFileSync(file, `${JSON.stringify({ pid: process.pid, url, start: processStart(process.pid), dataDir: canonicalDir(dataDir) })}\n`, { mode: 0o600 });
  } catch (error) {
    // A full disk leaves an empty file, which would read as a server being written.
    rmSync(file, { force: true });
    throw error;
  }
  const remove = (): void => {
    process.off('exit', remove);
    rmSync(file, { force: true });
  };
  process.once('exit', remove);
  return remove;
};

/**
 * When process `pid` started, as Linux counts it (clock ticks since boot, /proc/<pid>/stat field
 * 22); undefined where that cannot be read. A marker records its writer's, so a pid that the
 * system has since given to another program is not taken for the ledger process that wrote it.
 */
export const processStart = (pid: number): string | undefined => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces: count fields after it.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
};

/** The directory as the system resolves it (symlinks followed); as given when it cannot be resolved. */
const canonicalDir = (dataDir: string): string => {
  try {
    return realpathSync(dataDir);
  } catch {
    return dataDir;
  }
};

/**
 * A marker or lock recorded for another directory: one copied along with the data directory (a
 * backup restored beside the original), which names a process that serves the original.
 */
const recordedElsewhere = (recorded: unknown, dataDir: string): boolean => typeof recorded === 'string' && recorded !== canonicalDir(dataDir);

/** Process `pid` runs, and is the one that wrote a marker recording `start` (when both are known). */
const isMarkerOwnerAlive = (pid: number, start: unknown): boolean => {
  if (!isAlive(pid)) return false;
  if (typeof start !== 'string') return true;
  const now = processStart(pid);
  return now === undefined || now === start;
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

/** A server marker of another process; `contents` undefined when the file is not a JSON object (being written, or damaged). */
interface Marker {
  readonly file: string;
  readonly pid: number;
  readonly contents: { readonly url?: unknown; readonly start?: unknown; readonly dataDir?: unknown } | undefined;
}

/** The server markers in `dataDir` but this process's, in name order. */
const markersIn = (dataDir: string): Marker[] => {
  let names: string[];
  try {
    names = readdirSync(dataDir);
  } catch {
    return [];
  }
  return names.sort().flatMap((name) => {
    const pid = Number(MARKER.exec(name)?.[1]);
    if (!Number.isSafeInteger(pid) || pid === process.pid) return [];
    const file = join(dataDir, name);
    let contents: unknown;
    try {
      contents = JSON.parse(readFileSync(file, 'utf8'));
    } catch {
      contents = undefined;
    }
    return [{ file, pid, contents: typeof contents === 'object' && contents !== null ? (contents as Marker['contents']) : undefined }];
  });
};

/** Another live process serving `dataDir`, if any. */
export const runningServer = (dataDir: string): RunningServer | undefined => {
  for (const { pid, contents } of markersIn(dataDir)) {
    if (!isMarkerOwnerAlive(pid, contents?.start) || recordedElsewhere(contents?.dataDir, dataDir)) continue;
    // Being written or damaged: the pid alone still says a server runs.
    if (contents === undefined) return { pid, url: '(its address is unknown)' };
    if (typeof contents.url === 'string') return { pid, url: contents.url };
  }
  return undefined;
};

/**
 * `<data dir>/rebuild.lock`: the process running `norms-ledger rebuild` there, which swaps the
 * read-model file when done. A second rebuild, or a server starting (it would keep the file the
 * rebuild replaces), is refused while it runs. Created exclusively, so two rebuilds started at
 * once cannot both take it; a lock left by a process that no longer runs is taken over.
 */
export const rebuildLockOf = (dataDir: string): string => join(dataDir, 'rebuild.lock');

/** The pid of a live process holding the rebuild lock of `dataDir` (not this one), if any. */
export const runningRebuild = (dataDir: string): number | undefined => {
  let lock: { pid?: unknown; start?: unknown; dataDir?: unknown };
  try {
    lock = JSON.parse(readFileSync(rebuildLockOf(dataDir), 'utf8')) as { pid?: unknown; start?: unknown; dataDir?: unknown };
  } catch {
    return undefined;
  }
  const pid = Number(lock.pid);
  return Number.isSafeInteger(pid) && pid !== process.pid && isMarkerOwnerAlive(pid, lock.start) && !recordedElsewhere(lock.dataDir, dataDir) ? pid : undefined;
};

/**
 * Takes the rebuild lock: the pid of the live process holding it instead, a server serving the
 * directory, or what releases it. A lock left by a process that no longer runs is taken over. The
 * server check comes after the lock is taken, as announceServer checks for the lock after marking:
 * of a rebuild and a server start racing, one always sees the other.
 */
export const takeRebuildLock = (
  dataDir: string,
): { readonly heldBy: number } | { readonly server: RunningServer } | { readonly release: () => void } => {
  const file = rebuildLockOf(dataDir);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(file, `${JSON.stringify({ pid: process.pid, start: processStart(process.pid), dataDir: canonicalDir(dataDir) })}\n`, { mode: 0o600, flag: 'wx' });
      const release = (): void => {
        process.off('exit', release);
        rmSync(file, { force: true });
      };
      process.once('exit', release);
      const server = runningServer(dataDir);
      if (server === undefined) return { release };
      release();
      return { server };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = runningRebuild(dataDir);
      if (holder !== undefined) return { heldBy: holder };
      // Left by a process that is gone (or being written this instant: the retry settles it).
      rmSync(file, { force: true });
    }
  }
  const holder = runningRebuild(dataDir);
  return { heldBy: holder ?? 0 };
};

/**
 * Removes the markers of server processes, and the rebuild lock of a rebuild, that no longer run
 * (killed before they could). A lock whose rebuild still runs, here, is kept.
 */
export const removeStaleMarkers = (dataDir: string): void => {
  for (const { file, pid, contents } of markersIn(dataDir)) if (!isMarkerOwnerAlive(pid, contents?.start)) rmSync(file, { force: true });
  if (runningRebuild(dataDir) === undefined) rmSync(rebuildLockOf(dataDir), { force: true });
};
