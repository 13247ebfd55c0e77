import { existsSync, readdirSync, renameSync, rmdirSync, rmSync } from 'node:fs';
import { Command } from 'commander';
import type { AppConfig } from '../../config/app-config.js';
import { ImportFailedError, importBundle, type ImportResult } from '../../audit/application/bundle.js';
import { addTrustedKey, loadOrCreateSigningKey } from '../../audit/infrastructure/signing-key.js';
import { openEventStore, sqliteFile } from '../../infrastructure/event-store.module.js';
import { SqliteEventStore } from '../../infrastructure/sqlite/sqlite-event-store.js';
import { StoreUnavailableError } from '../../shared/event-store/event-store.errors.js';
import { plural } from '../../shared/plural.js';
import { runningServer } from '../../shared/running-server.js';
import { closeStore } from '../cli-store.js';
import { type CliIo, configOrExit, EXIT_OK, fail, processIo, progressReporter, once } from '../cli-io.js';

/**
 * `norms-ledger import --in FILE`: loads a verified bundle into an empty store, then trusts the
 * keys that signed the bundle's checkpoints so they verify here. A refused import leaves nothing behind, not even
 * the empty SQLite file that opening the store created. A new SQLite ledger is built aside
 * (`ledger.sqlite.importing`) and renamed into place once complete, so an import that is stopped
 * half-way (killed, a full disk) leaves no partial ledger: the next import starts afresh.
 */
export interface ImportOptions {
  readonly in: string;
  /** As verify --bundle --key-id: the only keys trusted; each must be in the bundle, every checkpoint signed by one of them, and at least one checkpoint. */
  readonly keyId?: string | readonly string[];
}

export const runImport = async (config: AppConfig, options: ImportOptions, io: CliIo = processIo): Promise<number> => {
  const keyIds = options.keyId === undefined ? undefined : [options.keyId].flat();
  const badKeyId = keyIds?.find((keyId) => !/^[0-9a-f]{16}$/.test(keyId));
  if (badKeyId !== undefined) return fail(io, 'import', new Error(`--key-id ${JSON.stringify(badKeyId)} is not 16 lowercase hex digits; nothing was written`));
  const server = runningServer(config.dataDir);
  if (server !== undefined) {
    return fail(io, 'import', new Error(`a norms-ledger server (pid ${server.pid}, ${server.url}) serves LEDGER_DATA_DIR=${config.dataDir}: stop it before importing; nothing was written`));
  }
  const file = config.store === 'sqlite' ? sqliteFile(config) : undefined;
  const removeStaging = (): void => {
    if (file !== undefined) for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(`${file}.importing${suffix}`, { force: true });
  };
  // What a killed import left, whether or not a ledger file has appeared since.
  removeStaging();
  const staging = file !== undefined && !existsSync(file) ? `${file}.importing` : undefined;
  const dirCreated = !existsSync(config.dataDir);
  let store;
  try {
    store = staging !== undefined ? new SqliteEventStore({ file: staging, synchronous: config.sqliteSynchronous }) : await openEventStore(config);
  } catch (error) {
    return fail(io, 'import', error);
  }
  let result: ImportResult;
  try {
    const progress = progressReporter(io, 'import');
    result = await importBundle(store, options.in, progress.update, keyIds !== undefined ? { expectKeyId: keyIds } : {});
    progress.stop();
  } catch (error) {
    await closeStore(store);
    removeStaging();
    if (dirCreated && existsSync(config.dataDir) && readdirSync(config.dataDir).length === 0) rmdirSync(config.dataDir);
    // Built aside, the partial copy is gone: nothing was imported, and there is nothing to verify or remove.
    if (error instanceof ImportFailedError && staging !== undefined) {
      const { reason } = error;
      const why = reason instanceof StoreUnavailableError && reason.code !== undefined ? `the disk refused a write (${reason.code}): check the disk` : (reason as Error).message;
      return fail(io, 'import', new Error(`import failed after ${error.events} events: ${why}; nothing was imported (the partial copy was removed, LEDGER_DATA_DIR is as it was)`));
    }
    return fail(io, 'import', error);
  }
  try {
    await closeStore(store);
    if (staging !== undefined) renameSync(staging, file!);
    // The store held nothing before this import: the key made here (if none is there) is this ledger's first.
    const signer = loadOrCreateSigningKey(config, { checkpointKeyId: undefined }, (line) => io.err.write(`norms-ledger import: ${line}\n`));
    // The keys that signed the bundle's checkpoints (its own key the newest, those it trusted older
    // ones), and no other: a key that vouches for nothing in the bundle gains no trust here.
    for (const key of result.signingKeys) if (key.keyId !== signer.publicKey.keyId) addTrustedKey(config, key);
  } catch (error) {
    return fail(io, 'import', error);
  }
  io.out.write(`imported ${plural(result.events, 'event')} in ${plural(result.streams, 'stream')} (${plural(result.checkpoints, 'checkpoint')}, key ${result.publicKey.keyId}) from ${options.in}\n`);
  if (keyIds === undefined && result.signingKeys.length > 0) {
    // As verify --bundle says it: anyone can re-sign an altered bundle with a key of their own.
    io.err.write(
      `norms-ledger import: note: no --key-id given, so the checkpoints were checked with the keys the bundle itself names (${result.signingKeys.map((key) => key.keyId).join(', ')}), ` +
        "and this ledger now trusts them; compare them with the ledger's GET /audit/public-key, or pin it with --key-id\n",
    );
  }
  if (result.idleKeyIds.length > 0) {
    io.err.write(`norms-ledger import: note: not trusting key ${result.idleKeyIds.join(', ')}: the bundle carries it but it signed none of its checkpoints\n`);
  }
  if (result.renumbered > 0) {
    io.err.write(
      `norms-ledger import: note: ${result.renumbered} events got other positions here than in the bundle, in the same order; the bundle's checkpoints name its positions, ` +
        'and verify checks each where the events it counts end here (signed coverage is told in this store\'s positions)\n',
    );
  }
  return EXIT_OK;
};

export const importCommand = (): Command =>
  new Command('import')
    .description('load a bundle into an EMPTY store, keeping every event id and metadata so hashes and checkpoints still verify')
    .requiredOption('--in <file>', 'the bundle file to load', once('--in'))
    .option(
      '--key-id <keyId>',
      'as verify --bundle: refuse the bundle (nothing written) unless its checkpoints are signed by this key (16 hex digits, from GET /audit/public-key); repeat it for a ledger that signed with several keys',
      (keyId: string, earlier: string[] | undefined) => [...(earlier ?? []), keyId],
    )
    .action(async (options: ImportOptions) => {
      const config = configOrExit('import');
      if (config !== undefined) process.exitCode = await runImport(config, options);
    });
