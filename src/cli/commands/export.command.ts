import { Command } from 'commander';
import type { AppConfig } from '../../config/app-config.js';
import { exportBundle } from '../../audit/application/bundle.js';
import { trustedPublicKeys, loadOrCreateSigningKey } from '../../audit/infrastructure/signing-key.js';
import { type CliIo, configOrExit, EXIT_OK, fail, processIo, progressReporter } from '../cli-io.js';
import { closeStore, estimatedEvents, openExistingStore } from '../cli-store.js';

/** `norms-ledger export --out FILE`: the bundle, written to a temporary file renamed into place. */
export const runExport = async (config: AppConfig, options: { out: string }, io: CliIo = processIo): Promise<number> => {
  let store;
  try {
    store = await openExistingStore(config);
  } catch (error) {
    return fail(io, 'export', error);
  }
  try {
    const signer = loadOrCreateSigningKey(config);
    const progress = progressReporter(io, 'export', await estimatedEvents(config, store));
    const result = await exportBundle(store, trustedPublicKeys(config, signer), options.out, progress.update);
    progress.stop();
    io.out.write(`exported ${result.events} events to ${options.out} (${result.bytes} bytes, key ${signer.publicKey.keyId})\n`);
    return EXIT_OK;
  } catch (error) {
    return fail(io, 'export', error);
  } finally {
    await closeStore(store);
  }
};

export const exportCommand = (): Command =>
  new Command('export')
    .description('write the offline-verifiable bundle: every event in global order, then the public key (NDJSON)')
    .requiredOption('--out <file>', 'the bundle file to write')
    .action(async (options: { out: string }) => {
      const config = configOrExit('export');
      if (config !== undefined) process.exitCode = await runExport(config, options);
    });
