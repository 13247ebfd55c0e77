import { existsSync, readdirSync, rmdirSync, rmSync } from 'node:fs';
import { Command } from 'commander';
import type { AppConfig } from '../../config/app-config.js';
import { importBundle } from '../../audit/application/bundle.js';
import { addTrustedKey, loadOrCreateSigningKey } from '../../audit/infrastructure/signing-key.js';
import { openEventStore, sqliteFile } from '../../infrastructure/event-store.module.js';
import { closeStore } from '../cli-store.js';
import { type CliIo, configOrExit, EXIT_OK, fail, processIo, progressReporter } from '../cli-io.js';

/**
 * `norms-ledger import --in FILE`: loads a verified bundle into an empty store, then trusts the
 * keys that signed the bundle's checkpoints so they verify here. A refused import leaves nothing behind, not even
 * the empty SQLite file that opening the store created.
 */
export const runImport = async (config: AppConfig, options: { in: string }, io: CliIo = processIo): Promise<number> => {
  const file = config.store === 'sqlite' ? sqliteFile(config) : undefined;
  const created = file !== undefined && !existsSync(file);
  const dirCreated = !existsSync(config.dataDir);
  let store;
  try {
    store = await openEventStore(config);
  } catch (error) {
    return fail(io, 'import', error);
  }
  let imported = false;
  try {
    const progress = progressReporter(io, 'import');
    const result = await importBundle(store, options.in, progress.update);
    progress.stop();
    imported = true;
    const signer = loadOrCreateSigningKey(config);
    // The keys that signed the bundle's checkpoints (its own key the newest, those it trusted older
    // ones), and no other: a key that vouches for nothing in the bundle gains no trust here.
    for (const key of result.signingKeys) if (key.keyId !== signer.publicKey.keyId) addTrustedKey(config, key);
    io.out.write(
      `imported ${result.events} events in ${result.streams} streams (${result.checkpoints} checkpoints, key ${result.publicKey.keyId}) from ${options.in}\n`,
    );
    if (result.idleKeyIds.length > 0) {
      io.err.write(`norms-ledger import: note: not trusting key ${result.idleKeyIds.join(', ')}: the bundle carries it but it signed none of its checkpoints\n`);
    }
    if (result.renumbered > 0) {
      io.err.write(
        `norms-ledger import: warning: ${result.renumbered} events got other positions here than in the bundle; the bundle's checkpoints name its positions and will not verify in this store: keep the bundle (verify --bundle) and issue a new checkpoint\n`,
      );
    }
    return EXIT_OK;
  } catch (error) {
    return fail(io, 'import', error);
  } finally {
    await closeStore(store);
    if (created && !imported && (await isEmptyLedger(config))) {
      for (const suffix of ['', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true });
      if (dirCreated && readdirSync(config.dataDir).length === 0) rmdirSync(config.dataDir);
    }
  }
};

const isEmptyLedger = async (config: AppConfig): Promise<boolean> => {
  const store = await openEventStore(config);
  try {
    return (await store.headPosition()) === null;
  } finally {
    await closeStore(store);
  }
};

export const importCommand = (): Command =>
  new Command('import')
    .description('load a bundle into an EMPTY store, keeping every event id and metadata so hashes and checkpoints still verify')
    .requiredOption('--in <file>', 'the bundle file to load')
    .action(async (options: { in: string }) => {
      const config = configOrExit('import');
      if (config !== undefined) process.exitCode = await runImport(config, options);
    });
