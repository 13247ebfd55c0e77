import { accessSync, constants, lstatSync, readlinkSync, realpathSync, type Stats, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { AppConfig } from '../config/app-config.js';
import { defaultSigningKeyFile, trustedKeysFile } from '../audit/infrastructure/signing-key.js';
import { partialBundleOf } from '../audit/application/bundle.js';

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

/** Where `export --out` writes: `file`, through a temporary `file.partial` renamed over it; or why it may not, in one line. */
export type ExportTarget = { readonly file: string; readonly problem?: undefined } | { readonly file?: undefined; readonly problem: string };

/**
 * The directory a path's parent names as the kernel reads it (`..` after a symbolic link leads to
 * the parent of the link's target, not of the link), or why it cannot be written in: a missing
 * directory is the first one missing along the path as written (`a/missing/../b` needs `a/missing`).
 */
const parentDirectory = (out: string, parent: string): { real: string } | { problem: string } => {
  const nothing = 'nothing was written';
  let real: string;
  try {
    real = realpathSync.native(parent);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'ENOTDIR') return { problem: `--out ${out}: cannot reach the directory ${parent} (${code ?? (error as Error).message}); ${nothing}` };
    // The first directory along the path, as written, that is missing or not a directory.
    for (let end = parent.indexOf(sep, 1); ; end = parent.indexOf(sep, end + 1)) {
      const prefix = end < 0 ? parent : parent.slice(0, end);
      const stat = statOrUndefined(prefix, true);
      if (stat === undefined) return { problem: `--out ${out}: the directory ${prefix} does not exist; ${nothing}` };
      if (!stat.isDirectory()) return { problem: `--out ${out}: ${prefix} is not a directory; ${nothing}` };
      if (end < 0) break;
    }
    return { problem: `--out ${out}: the directory ${parent} does not exist; ${nothing}` };
  }
  if (!statOrUndefined(real, true)?.isDirectory()) return { problem: `--out ${out}: ${parent} is not a directory; ${nothing}` };
  return { real };
};

/**
 * Where `export --out` writes `out`, or why it may not, in one line. Checked before the store is
 * opened or anything is written: the data directory (the ledger, its keys, its read models), the
 * signing key and the tokens file are never written, whatever path leads to them (symbolic or hard
 * links included), and an existing file only with --force. `out.partial`, the temporary file the
 * bundle is written to before it is renamed into place, is held to the same rules. When `out` is a
 * symbolic link, the bundle goes to the regular file it leads to (the `.partial` beside that file,
 * renamed over it), so the link stays a link; a link that leads to no file, or to anything but a
 * regular file (a pipe, a device), is refused.
 */
export const exportTarget = (config: TargetConfig, out: string, force: boolean): ExportTarget => {
  const nothing = 'nothing was written';
  const refuse = (problem: string): ExportTarget => ({ problem });
  if (out.trim() === '') return refuse(`--out is an empty path: name the bundle file to write; ${nothing}`);
  const target = resolve(out);
  const parent = dirname(target);
  let parentStat: Stats;
  try {
    parentStat = statSync(parent);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return refuse(
      code === 'ENOENT' || code === 'ENOTDIR'
        ? `--out ${out}: the directory ${parent} does not exist; ${nothing}`
        : `--out ${out}: cannot reach the directory ${parent} (${code ?? (error as Error).message}); ${nothing}`,
    );
  }
  if (!parentStat.isDirectory()) return refuse(`--out ${out}: ${parent} is not a directory; ${nothing}`);

  const dataDir = realPathOf(config.dataDir);
  const guarded = protectedFiles(config).map(({ file, what }) => ({ file, what, real: realPathOf(file), stat: statOrUndefined(file, true) }));
  const guardProblem = (path: string, shown: string): string | undefined => {
    const real = realPathOf(path);
    if (isWithin(dataDir, real)) {
      return `${shown} is in the data directory ${config.dataDir} (LEDGER_DATA_DIR), which holds the ledger and its keys: write the bundle elsewhere; ${nothing}`;
    }
    const stat = statOrUndefined(path, true);
    const hit = guarded.find((file) => file.real === real || sameFile(file.stat, stat));
    return hit !== undefined ? `${shown} is ${hit.what}, ${hit.file}: write the bundle elsewhere; ${nothing}` : undefined;
  };
  const partialRole = ', the temporary file export writes first,';
  // The path as written (`..` read lexically): refused when it looks into a protected place at all.
  const lexical = guardProblem(target, `--out ${out}`) ?? guardProblem(`${target}.partial`, `${out}.partial${partialRole}`);
  if (lexical !== undefined) return refuse(lexical);

  if (out.endsWith('/')) {
    return refuse(
      statOrUndefined(target, true)?.isDirectory() === true
        ? `--out ${out} is a directory: name the bundle file to write; ${nothing}`
        : `--out ${out} ends with /: name the bundle file to write, not a directory; ${nothing}`,
    );
  }
  // The path as the kernel opens it: its directory followed physically, its last name as it is.
  const written = isAbsolute(out) ? out : `${process.cwd()}${sep}${out}`;
  const cut = written.lastIndexOf(sep);
  const directory = parentDirectory(out, cut === 0 ? sep : written.slice(0, cut));
  if ('problem' in directory) return refuse(directory.problem);
  const named = join(directory.real, written.slice(cut + 1));

  const existing = statOrUndefined(named, true);
  if (existing?.isDirectory() === true) return refuse(`--out ${out} is a directory: name the bundle file to write; ${nothing}`);
  const isLink = statOrUndefined(named, false)?.isSymbolicLink() === true;
  if (isLink && existing === undefined) {
    let to = '?';
    try {
      to = readlinkSync(named);
    } catch {
      // Named as unknown.
    }
    return refuse(`--out ${out} is a symbolic link to ${to}, which leads to no file: export writes through a link only to an existing regular file; ${nothing}`);
  }
  if (existing !== undefined && !existing.isFile()) return refuse(`--out ${out} is not a regular file; ${nothing}`);
  let file = named;
  if (isLink) {
    // Replaced by a rename, the link itself would become a regular file: the bundle replaces what it leads to.
    try {
      file = realpathSync.native(named);
    } catch (error) {
      return refuse(`--out ${out} is a symbolic link that cannot be followed (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); ${nothing}`);
    }
    if (!sameFile(statOrUndefined(file, true), existing)) return refuse(`--out ${out} is a symbolic link to a file that has no path of its own to replace; ${nothing}`);
  }
  const temporary = partialBundleOf(file);
  const shownPartial = isLink ? temporary : `${out}.partial`;
  // Where the bundle really lands, and its temporary file beside it.
  const physical = guardProblem(file, isLink ? `--out ${out} (a link to ${file})` : `--out ${out}`) ?? guardProblem(temporary, `${shownPartial}${partialRole}`);
  if (physical !== undefined) return refuse(physical);

  if (existing !== undefined && !force) return refuse(`--out ${out} already exists: --force overwrites it; ${nothing}`);

  const leftover = statOrUndefined(temporary, false);
  if (leftover !== undefined && !leftover.isFile()) return refuse(`${shownPartial}, the temporary file export writes first, exists and is not a regular file: remove it; ${nothing}`);
  if (leftover !== undefined && !force) return refuse(`${shownPartial} exists (left by an interrupted export?): remove it, or --force overwrites it; ${nothing}`);

  try {
    accessSync(dirname(file), constants.W_OK);
  } catch {
    return refuse(`--out ${out}: cannot write in the directory ${dirname(file)} (permission denied); ${nothing}`);
  }
  return { file };
};
