import { existsSync } from 'node:fs';
import { Command } from 'commander';
import type { AppConfig } from '../../config/app-config.js';
import { verifyBundle } from '../../audit/application/bundle.js';
import { verifyStore } from '../../audit/application/verify-ledger.query.js';
import { countsOf, describeProblem, problemCountOf, type VerificationReport } from '../../audit/domain/verifier.js';
import { CHECKPOINT_STREAM } from '../../audit/domain/checkpoint.events.js';
import type { PublicKeyInfo } from '../../audit/domain/checkpoint.js';
import { defaultSigningKeyFile, knownPublicKeys, readTrustedKeys, trustedKeysFile } from '../../audit/infrastructure/signing-key.js';
import type { EventStore } from '../../shared/event-store/event-store.port.js';
import { readStreamOrEmpty } from '../../shared/event-store/handle-command.js';
import { type CliIo, configOrExit, EXIT_OK, EXIT_PROBLEMS, fail, processIo, progressReporter, once } from '../cli-io.js';
import { closeStore, estimatedEvents, openExistingStore } from '../cli-store.js';
import { plural } from '../../shared/plural.js';

export interface VerifyOptions {
  /** Verify this bundle file offline instead of the configured store. */
  readonly bundle?: string;
  /**
   * The keyIds checkpoints must be signed with (as published by the ledger's operator): only these
   * are trusted. Several for a ledger that has signed with more than one key (moved by import).
   */
  readonly keyId?: string | readonly string[];
  /** Print the report as JSON instead of lines. */
  readonly json?: boolean;
}

export const summaryOf = (what: string, report: VerificationReport): string => {
  const counts = countsOf(report);
  const signers = report.signedBy ?? [];
  if (report.ok) return `${what} OK: ${counts} verified${signers.length > 0 ? ` (signed by ${signers.length === 1 ? 'key' : 'keys'} ${signers.join(', ')})` : ''}`;
  const problems = problemCountOf(report);
  return `${what} NOT OK: ${plural(problems, 'problem')} in ${counts}`;
};

/**
 * What the signatures cover: events after the last valid checkpoint are vouched for by their own
 * hashes only, and deleting them (and that checkpoint) shows only against a checkpoint kept elsewhere.
 */
export const coverageOf = (report: VerificationReport): string | undefined => {
  if (report.unsignedEvents === undefined) return undefined;
  const after = `${plural(report.unsignedEvents, 'event')}${report.signedUpTo === null ? '' : ' after it'} ${report.unsignedEvents === 1 ? 'is' : 'are'} covered by no checkpoint`;
  return report.signedUpTo === null || report.signedUpTo === undefined ? `signed: no valid checkpoint; ${after}` : `signed: checkpoints cover positions up to ${report.signedUpTo}; ${after}`;
};

export const printReport = (io: CliIo, what: string, report: VerificationReport, json = false): number => {
  if (json) {
    io.out.write(`${JSON.stringify(report, null, 2)}\n`);
  } else {
    io.out.write(`${summaryOf(what, report)}\n`);
    const coverage = coverageOf(report);
    if (coverage !== undefined) io.out.write(`${coverage}\n`);
    for (const problem of report.problems) io.out.write(`  ${describeProblem(problem)}\n`);
    if (report.problemsOmitted) io.out.write(`  ... and ${plural(report.problemsOmitted, 'more problem')}\n`);
  }
  return report.ok ? EXIT_OK : EXIT_PROBLEMS;
};

/**
 * Why a bundle file is not a bundle at all, in one line; undefined when it is a bundle (damaged or
 * not). Judged from verifyBundle's report, the same check import refuses a file by: not a bundle
 * when the file is empty, when it holds nothing but its publicKey line (a key alone vouches for
 * nothing, even one that verifies), or when none of its lines could be read as an event (each was
 * not JSON, not an object, or not shaped as an event, so not one stream was found), whether or not
 * a publicKey line ends it. A file with any readable event is a bundle, however damaged (truncated,
 * a line garbled, lines appended), reported problem by problem.
 */
export const notABundleProblem = (file: string, report: VerificationReport): string | undefined => {
  const keyMissing = report.problems.find((problem) => problem.problem === 'missing-key');
  if (report.eventsChecked === 0) {
    // Blank lines only, or nothing at all.
    if (keyMissing !== undefined) return `bundle ${file} is empty: not a bundle`;
    // Lines after the key line (events in the wrong place) are a damaged bundle's problems.
    const afterKey = report.problems.some((problem) => problem.problem === 'malformed') || (report.problemsOmitted ?? 0) > 0;
    return afterKey ? undefined : `bundle ${file} holds no event, only its publicKey line: not a bundle`;
  }
  if (report.ok || report.streamsChecked > 0 || report.checkpointsChecked > 0) return undefined;
  const first = report.problems[0];
  return `bundle ${file} is not a bundle: none of its lines is an event${keyMissing !== undefined ? ' or the publicKey line' : ''}${first !== undefined ? ` (first: ${describeProblem(first)})` : ''}`;
};

/**
 * `norms-ledger verify [--bundle FILE]`: every hash, link, revision and checkpoint, of the store or
 * of a bundle (offline: no store, no configuration). Exit 0 when all holds, 1 when anything is
 * wrong (a one-line summary, then the problems), 2 when verification could not run or the file is
 * not a bundle at all (one line).
 */
export const runVerify = async (config: AppConfig | undefined, options: VerifyOptions, io: CliIo = processIo): Promise<number> => {
  const keyIds = options.keyId === undefined ? undefined : [options.keyId].flat();
  const badKeyId = keyIds?.find((keyId) => !/^[0-9a-f]{16}$/.test(keyId));
  if (badKeyId !== undefined) return fail(io, 'verify', new Error(`--key-id ${JSON.stringify(badKeyId)} is not 16 lowercase hex digits`));
  if (options.bundle !== undefined) {
    const progress = progressReporter(io, 'verify');
    try {
      const report = await verifyBundle(options.bundle, { onProgress: progress.update, ...(keyIds !== undefined ? { expectKeyId: keyIds } : {}) });
      progress.stop();
      const notABundle = notABundleProblem(options.bundle, report);
      if (notABundle !== undefined) return fail(io, 'verify', new Error(notABundle));
      const exit = printReport(io, `bundle ${options.bundle}`, report, options.json);
      if (keyIds === undefined && report.ok && (report.signedBy ?? []).length > 0) {
        // Anyone can re-sign an altered bundle with a key of their own and name it in the bundle.
        io.err.write(
          `norms-ledger verify: note: no --key-id given, so the checkpoints were checked with the keys the bundle itself names (${report.signedBy!.join(', ')}); ` +
            "compare them with the ledger's GET /audit/public-key, or pin it with --key-id\n",
        );
      }
      return exit;
    } catch (error) {
      progress.stop();
      return fail(io, 'verify', error);
    }
  }
  if (config === undefined) return fail(io, 'verify', new Error('no configuration'));
  let store;
  try {
    store = await openExistingStore(config);
  } catch (error) {
    return fail(io, 'verify', error);
  }
  try {
    const keys = knownPublicKeys(config, (line) => io.err.write(`norms-ledger verify: ${line}\n`)).filter((key) => keyIds === undefined || keyIds.includes(key.keyId));
    const progress = progressReporter(io, 'verify', await estimatedEvents(config, store));
    const report = await verifyStore(store, keys, progress.update);
    progress.stop();
    const exit = printReport(io, 'ledger', report, options.json);
    if (keyIds === undefined && report.problems.some((problem) => problem.problem === 'unknown-key')) {
      const hint = await unknownSignerHint(config, store, keys);
      if (hint !== undefined) io.err.write(`norms-ledger verify: ${hint}\n`);
    }
    const others = readTrustedKeys(config).filter((key) => keys.some((trusted) => trusted.keyId === key.keyId));
    if (others.length > 0) {
      // Trust that came from a bundle (import) or an operator (trust-key), not from this ledger's key.
      io.err.write(
        `norms-ledger verify: note: besides this ledger's own signing key, the checkpoints were checked with ${others.length === 1 ? 'key' : 'keys'} ${others.map((key) => key.keyId).join(', ')} ` +
          `from ${trustedKeysFile(config)} (put there by import or trust-key)\n`,
      );
    }
    return exit;
  } catch (error) {
    return fail(io, 'verify', error);
  } finally {
    await closeStore(store);
  }
};

/**
 * What to do about checkpoints signed by a key not known here, as checkpoint words it: the key
 * file is missing or another (LEDGER_SIGNING_KEY_FILE set when they were issued and not now, a
 * file replaced), or the key was changed without trusting the old one. Undefined when every
 * checkpoint names a known key (the unknown-key problems are then not the key file's).
 */
export const unknownSignerHint = async (config: AppConfig, store: EventStore, keys: readonly PublicKeyInfo[]): Promise<string | undefined> => {
  const known = new Set(keys.map((key) => key.keyId));
  const unknown = new Set<string>();
  for (const event of await readStreamOrEmpty(store, CHECKPOINT_STREAM)) {
    const keyId = (event.data as { keyId?: unknown }).keyId;
    if (typeof keyId === 'string' && !known.has(keyId)) unknown.add(keyId);
  }
  if (unknown.size === 0) return undefined;
  const named = [...unknown].join(', ');
  const file = config.signingKeyFile ?? defaultSigningKeyFile(config);
  const setting = config.signingKeyFile !== undefined ? 'LEDGER_SIGNING_KEY_FILE' : 'LEDGER_SIGNING_KEY_FILE is not set';
  // knownPublicKeys puts the ledger's own key first, when it has one.
  const own = config.signingKeyFile !== undefined || existsSync(file) ? keys[0] : undefined;
  const where = own !== undefined ? `the signing key ${file} (${setting}) is key ${own.keyId}` : `there is no signing key ${file} (${setting})`;
  return (
    `note: checkpoints are signed by ${unknown.size === 1 ? 'key' : 'keys'} ${named}, not known here: ${where}; ` +
    `if the key file that holds ${unknown.size === 1 ? 'it' : 'them'} is elsewhere, set LEDGER_SIGNING_KEY_FILE to it (as when the checkpoints were issued) or put it back, ` +
    'or, if the key was changed on purpose, trust the old key\'s public half (norms-ledger trust-key --in FILE)'
  );
};

export const verifyCommand = (): Command =>
  new Command('verify')
    .description('verify every hash, link, revision and signed checkpoint of the ledger, or of a bundle offline (exit 1 when anything is wrong)')
    .option('--bundle <file>', 'verify this bundle file offline, with no store and no server', once('--bundle'))
    .option(
      '--key-id <keyId>',
      'require checkpoints to be signed by this key (16 hex digits, from GET /audit/public-key); repeat it for a ledger that signed with several keys (moved by import)',
      (keyId: string, earlier: string[] | undefined) => [...(earlier ?? []), keyId],
    )
    .option('--json', 'print the report as JSON')
    .action(async (options: VerifyOptions) => {
      // A bundle needs no configuration: an auditor may have nothing but the file.
      const config = options.bundle === undefined ? configOrExit('verify') : undefined;
      if (options.bundle === undefined && config === undefined) return;
      process.exitCode = await runVerify(config, options);
    });
