import { chmodSync, closeSync, lstatSync, mkdirSync, openSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/**
 * `mkdir -p`, one level at a time. Node's own recursive mkdirSync never returns for some paths
 * (under /proc it loops on ENOENT); here a directory that cannot be made is an error naming it.
 */
export const ensureDir = (path: string, mode?: number): void => {
  const missing: string[] = [];
  let current = resolve(path);
  for (;;) {
    let isDirectory: boolean | undefined;
    try {
      isDirectory = statSync(current).isDirectory();
    } catch (error) {
      // ENOTDIR: an ancestor is a file, which the walk up finds and names.
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw error;
    }
    if (isDirectory === true) break;
    if (isDirectory === false) throw new Error(`${current} is not a directory`);
    missing.push(current);
    const parent = dirname(current);
    if (parent === current) break;
    current = parent;
  }
  for (const dir of missing.reverse()) {
    try {
      mkdirSync(dir, mode === undefined ? {} : { mode });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST' && statSync(dir).isDirectory()) continue;
      throw new Error(`cannot create the directory ${dir}: ${(error as Error).message}`);
    }
  }
};

/**
 * Creates `file` empty and owner-only (0600) if it does not exist, so that a SQLite database opened
 * on it, and the -wal and -shm files SQLite gives the same permissions, are owner-only even in a
 * data directory that others can read. An existing file of this user's that others may read or
 * write (a ledger an older build created 0644, a copy made with cp) is made owner-only, with its
 * -wal and -shm; another user's file, or one on a read-only mount, is left as it is.
 */
export const createOwnerOnly = (file: string): void => {
  try {
    closeSync(openSync(file, 'wx', 0o600));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    for (const path of [file, `${file}-wal`, `${file}-shm`]) tightenIfOwn(path);
  }
};

/** A symbolic link is left alone: whoever could plant one beside the ledger would choose what we change. */
const tightenIfOwn = (path: string): void => {
  try {
    const stats = lstatSync(path);
    if (stats.isFile() && (stats.mode & 0o077) !== 0 && stats.uid === process.getuid?.()) chmodSync(path, stats.mode & 0o700);
  } catch {
    // Absent (no -wal yet), or not ours to change (read-only mount): as it was.
  }
};
