import { Command } from 'commander';
import type { AppConfig } from '../../config/app-config.js';
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { exportBundle, partialBundleOf } from '../../audit/application/bundle.js';
import { verifyStore } from '../../audit/application/verify-ledger.query.js';
import { describeProblem, problemCountOf } from '../../audit/domain/verifier.js';
import { signingKeyFor, trustedPublicKeys } from '../../audit/infrastructure/signing-key.js';
import { plural } from '../../shared/plural.js';
import { type CliIo, configOrExit, EXIT_OK, EXIT_PROBLEMS, fail, onExit, processIo, progressReporter, once } from '../cli-io.js';
import { closeStore, estimatedEvents, openExistingStore } from '../cli-store.js';
import { exportTarget } from '../export-target.js';

export interface ExportOptions {
  readonly out: string;
  /** Overwrite an existing file (never the data directory, the signing key or the tokens file). */
  readonly force?: boolean;
}

/**
 * `norms-ledger export --out FILE [--force]`: the bundle, written to a temporary file renamed into
 * place. FILE is checked first (exportTarget): a refusal is one line, exit 2, nothing written. A
 * symbolic link is written through: the file it leads to gets the bundle, and the link stays.
 * The ledger is verified once written: a ledger that does not verify is still exported, with a
 * one-line warning naming verify's first problem, and exit 1.
 */
export const runExport = async (config: AppConfig, options: ExportOptions, io: CliIo = processIo): Promise<number> => {
  const target = exportTarget(config, options.out, options.force === true);
  if (target.problem !== undefined) return fail(io, 'export', new Error(target.problem));
  const { file } = target;
  let store;
  try {
    store = await openExistingStore(config);
  } catch (error) {
    return fail(io, 'export', error);
  }
  // Interrupted, the export leaves no half bundle behind (a failure removes it in exportBundle).
  const keepPartial = onExit(() => rmSync(partialBundleOf(file), { force: true }));
  try {
    const signer = await signingKeyFor(config, store, (line) => io.err.write(`norms-ledger export: ${line}\n`));
    const progress = progressReporter(io, 'export', await estimatedEvents(config, store));
    const keys = trustedPublicKeys(config, signer);
    const result = await exportBundle(store, keys, file, progress.update);
    progress.stop();
    io.out.write(`exported ${result.events} events to ${options.out} (${result.bytes} bytes, key ${signer.publicKey.keyId})\n`);
    // A backup of a damaged ledger is still worth having (forensics), but not in silence: a script
    // that checks the exit code learns it too. About half again the export's time (500,000 events:
    // 3.6 s export, 1.9 s verify here), for a backup that is known to be whole.
    const checking = progressReporter(io, 'export: verify', await estimatedEvents(config, store));
    const report = await verifyStore(store, keys, checking.update);
    checking.stop();
    if (report.ok) return EXIT_OK;
    io.err.write(
      `norms-ledger export: warning: the ledger does not verify (${plural(problemCountOf(report), 'problem')}; first: ${describeProblem(report.problems[0]!)}): ` +
        `the bundle holds it as it stands, damage included, and verify --bundle will report it; run norms-ledger verify for the full report\n`,
    );
    return EXIT_PROBLEMS;
  } catch (error) {
    return fail(io, 'export', writeError(options.out, file, error));
  } finally {
    keepPartial();
    await closeStore(store);
  }
};

/**
 * A file system error writing the bundle (the directory went away, a full or read-only disk), told
 * in one line naming --out rather than as raw errno text; exportBundle has removed its `.partial`.
 */
export const writeError = (out: string, file: string, error: unknown): unknown => {
  if (!(error instanceof Error)) return error;
  const { code, syscall, path } = error as NodeJS.ErrnoException;
  // A failed write(2) names no path (a full disk is `ENOSPC: no space left on device, write`): it is the bundle's.
  if (typeof code !== 'string' || typeof syscall !== 'string' || (path !== file && path !== partialBundleOf(file) && !(path === undefined && syscall === 'write'))) return error;
  const why = code === 'ENOSPC' ? 'the disk is full' : code === 'EROFS' ? 'the file system is read-only' : code;
  return new Error(`--out ${out}: cannot write the bundle in the directory ${dirname(file)} (${why}); nothing was written`);
};

export const exportCommand = (): Command =>
  new Command('export')
    .description('write the offline-verifiable bundle: every event in global order, then the public key (NDJSON)')
    .requiredOption('--out <file>', 'the bundle file to write (never in the data directory, nor the signing key or tokens file)', once('--out'))
    .option('--force', 'overwrite <file> if it exists')
    .action(async (options: ExportOptions) => {
      const config = configOrExit('export');
      if (config !== undefined) process.exitCode = await runExport(config, options);
    });
