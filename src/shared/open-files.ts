import { readFileSync } from 'node:fs';

/**
 * The open-files limit below which norms-ledger cannot even load: Node's module loader opens its
 * modules (about 2,000, Nest and its dependencies) many at a time, and under `ulimit -n 512` it
 * fails with "Cannot find package …", a message that sends an operator to reinstall node_modules.
 * The server also holds a file per connection. Checked before anything else is loaded.
 */
export const MIN_OPEN_FILES = 1024;

/** The soft limit on open files, from /proc (Linux); undefined where it cannot be read or is unlimited. */
export const openFilesLimit = (limits = '/proc/self/limits'): number | undefined => {
  try {
    const line = readFileSync(limits, 'utf8').split('\n').find((row) => row.startsWith('Max open files'));
    const soft = line?.slice('Max open files'.length).trim().split(/\s+/)[0];
    return soft === undefined || !/^\d+$/.test(soft) ? undefined : Number(soft);
  } catch {
    return undefined;
  }
};

/** Why this process cannot run, in one line; undefined when the limit is enough (or unknown). */
export const openFilesProblem = (limit = openFilesLimit()): string | undefined =>
  limit === undefined || limit >= MIN_OPEN_FILES
    ? undefined
    : `the open-files limit is ${limit} (ulimit -n), and norms-ledger needs at least ${MIN_OPEN_FILES} to load and serve: raise it (ulimit -n 4096 in the shell, LimitNOFILE=4096 in a systemd unit)`;

/** For an entry point, before it loads anything else: under the limit, one line and `exitCode`. */
export const exitUnlessEnoughOpenFiles = (exitCode: number): void => {
  const problem = openFilesProblem();
  if (problem === undefined) return;
  process.stderr.write(`norms-ledger: ${problem}\n`);
  process.exit(exitCode);
};
