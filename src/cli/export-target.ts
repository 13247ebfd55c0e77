import { accessSync, constants, lstatSync, readlinkSync, realpathSync, type Stats, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { AppConfig } from '../config/app-config.js';
import { defaultSigningKeyFile, trustedKeysFile } from '../audit/infrastructure/signing-key.js';

/** More links than this in one path and the kernel gives up too (ELOOP). */
const MAX_LINKS = 40;

/**
 * Where a path leads once every symbolic link in it is followed, for a path that need not exist:
 * a missing tail is kept as written, a dangling link is followed to where it points (a file written
 * through it would land there).
 */
export const realPathOf = (path: string, links = 0): string => {
  const absolute = resolve(path);
  try {
    return realpathSync(absolute);
  } catch {
    // Missing, dangling or looping: resolved by hand below.
  }
  const parent = dirname(absolute);
  if (parent === absolute) return absolute;
  const realParent = realPathOf(parent, links);
  if (links < MAX_LINKS) {
    try {
      if (lstatSync(absolute).isSymbolicLink()) return realPathOf(resolve(realParent, readlinkSync(absolute)), links + 1);
    } catch {
      // Not there: the path ends here.
    }
  }
  return join(realParent, basename(absolute));
};

const isWithin = (dir: string, path: string): boolean => {
  const rel = relative(dir, path);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
};

const statOrUndefined = (path: string, follow: boolean): Stats | undefined => {
  try {
    return follow ? statSync(path) : lstatSync(path);
  } catch {
    return undefined;
  }
};

const sameFile = (a: Stats | undefined, b: Stats | undefined): boolean => a !== undefined && b !== undefined && a.dev === b.dev && a.ino === b.ino;

type TargetConfig = Pick<AppConfig, 'dataDir' | 'signingKeyFile' | 'tokensFile'>;

/** The files export must never write, wherever they are, with the variable that names each. */
const protectedFiles = (config: TargetConfig): Array<{ file: string; what: string }> => [
  { file: config.signingKeyFile ?? defaultSigningKeyFile(config), what: `the signing key file (${config.signingKeyFile !== undefined ? 'LEDGER_SIGNING_KEY_FILE' : 'LEDGER_DATA_DIR'})` },
  ...(config.tokensFile !== undefined ? [{ file: config.tokensFile, what: 'the tokens file (LEDGER_TOKENS_FILE)' }] : []),
  ...['', '-wal', '-shm'].map((suffix) => ({ file: join(config.dataDir, `ledger.sqlite${suffix}`), what: 'a file of the ledger (LEDGER_DATA_DIR)' })),
  { file: trustedKeysFile(config), what: 'the trusted keys file (LEDGER_DATA_DIR)' },
];

/**
 * Why `export --out` may not write `out`, in one line; undefined when it may. Checked before the
 * store is opened or anything is written: the data directory (the ledger, its keys, its read models),
 * the signing key and the tokens file are never written, whatever path leads to them (symbolic or
 * hard links included), and an existing file only with --force. `out.partial`, the temporary file the
 * bundle is written to before it is renamed into place, is held to the same rules.
 */
export const exportTargetProblem = (config: TargetConfig, out: string, force: boolean): string | undefined => {
  const nothing = 'nothing was written';
  if (out.trim() === '') return `--out is an empty path: name the bundle file to write; ${nothing}`;
  const target = resolve(out);
  const parent = dirname(target);
  let parentStat: Stats;
  try {
    parentStat = statSync(parent);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ENOENT' || code === 'ENOTDIR'
      ? `--out ${out}: the directory ${parent} does not exist; ${nothing}`
      : `--out ${out}: cannot reach the directory ${parent} (${code ?? (error as Error).message}); ${nothing}`;
  }
  if (!parentStat.isDirectory()) return `--out ${out}: ${parent} is not a directory; ${nothing}`;

  const temporary = `${target}.partial`;
  const dataDir = realPathOf(config.dataDir);
  const guarded = protectedFiles(config).map(({ file, what }) => ({ file, what, real: realPathOf(file), stat: statOrUndefined(file, true) }));
  for (const [path, role] of [
    [target, ''],
    [temporary, ', the temporary file export writes first,'],
  ] as const) {
    const shown = role === '' ? `--out ${out}` : `${out}.partial${role}`;
    const real = realPathOf(path);
    if (isWithin(dataDir, real)) {
      return `${shown} is in the data directory ${config.dataDir} (LEDGER_DATA_DIR), which holds the ledger and its keys: write the bundle elsewhere; ${nothing}`;
    }
    const stat = statOrUndefined(path, true);
    const hit = guarded.find((file) => file.real === real || sameFile(file.stat, stat));
    if (hit !== undefined) return `${shown} is ${hit.what}, ${hit.file}: write the bundle elsewhere; ${nothing}`;
  }

  const existing = statOrUndefined(target, true);
  if (existing?.isDirectory() === true) return `--out ${out} is a directory: name the bundle file to write; ${nothing}`;
  if (existing !== undefined && !existing.isFile()) return `--out ${out} is not a regular file; ${nothing}`;
  if (existing === undefined && out.endsWith('/')) return `--out ${out} ends with /: name the bundle file to write, not a directory; ${nothing}`;
  if (existing !== undefined && !force) return `--out ${out} already exists: --force overwrites it; ${nothing}`;

  const leftover = statOrUndefined(temporary, false);
  if (leftover !== undefined && !leftover.isFile()) return `${out}.partial, the temporary file export writes first, exists and is not a regular file: remove it; ${nothing}`;
  if (leftover !== undefined && !force) return `${out}.partial exists (left by an interrupted export?): remove it, or --force overwrites it; ${nothing}`;

  try {
    accessSync(parent, constants.W_OK);
  } catch {
    return `--out ${out}: cannot write in the directory ${parent} (permission denied); ${nothing}`;
  }
  return undefined;
};
