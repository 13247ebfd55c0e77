import { Command } from 'commander';
import type { AppConfig } from '../../config/app-config.js';
import { readModelFile, rebuildReadModels, type RebuildResult } from '../../projections/read-model/rebuild.js';
import type { EventStore } from '../../shared/event-store/event-store.port.js';
import { type CliIo, configOrExit, EXIT_ERROR, EXIT_OK, fail, interruptedExit, processIo, type Progress, progressReporter, stopOnInterrupt } from '../cli-io.js';
import { closeStore, openExistingStore } from '../cli-store.js';
import { rebuildLockOf, type RunningServer, runningServer, takeRebuildLock } from '../../shared/running-server.js';
import { plural } from '../../shared/plural.js';
import { ensureDir } from '../../shared/ensure-dir.js';

export const summaryLine = (result: RebuildResult, file: string): string =>
  `rebuild: ${plural(result.events, 'event')}, ${plural(result.streams, 'stream')}, ${plural(result.tracks, 'track')} in ${(result.durationMs / 1000).toFixed(2)} s ` +
  `(${result.eventsPerSecond} events/s) into ${file}\n`;

/**
 * `norms-ledger rebuild`: builds every read model from the log into a new file that replaces the
 * old one only once complete. A running server keeps the read model it has open:
 * under a running server, use POST /projections/rebuild.
 */
export const runRebuild = async (config: AppConfig, io: CliIo = processIo, options: { readonly store?: EventStore } = {}): Promise<number> => {
  const server = runningServer(config.dataDir);
  // Its read models stay open: a new file swapped in under it would be ignored until it restarts.
  if (server !== undefined) return fail(io, 'rebuild', serverRunning(config, server));
  let store: EventStore;
  try {
    store = options.store ?? (await openExistingStore(config));
  } catch (error) {
    return fail(io, 'rebuild', error);
  }
  try {
    // On EventStoreDB no store file made the data directory (a demo loaded there, a new instance's own directory): the lock and the read models go there.
    ensureDir(config.dataDir, 0o700);
  } catch (error) {
    if (options.store === undefined) await closeStore(store);
    return fail(io, 'rebuild', error);
  }
  const lock = takeRebuildLock(config.dataDir);
  if (!('release' in lock)) {
    if (options.store === undefined) await closeStore(store);
    // A server that began starting since the first look above (takeRebuildLock looks again).
    if ('server' in lock) return fail(io, 'rebuild', serverRunning(config, lock.server));
    return fail(
      io,
      'rebuild',
      new Error(
        `another norms-ledger rebuild (pid ${lock.heldBy}) is rebuilding the read models of LEDGER_DATA_DIR=${config.dataDir}: wait for it to finish ` +
          `(if pid ${lock.heldBy} is no rebuild, remove ${rebuildLockOf(config.dataDir)}); nothing was changed`,
      ),
    );
  }
  // The total arrives with the first batch (0 when the store's positions say nothing about counts).
  let progress: Progress | undefined;
  const onProgress = (done: number, total: number): void => {
    progress ??= progressReporter(io, 'rebuild', total > 0 ? total : undefined);
    progress.update(done);
  };
  const file = readModelFile(config.dataDir);
  // Interrupted, the build stops its threads and then removes its half-built file (the current one
  // is untouched until the rename); removing it under a running thread crashed the process.
  const interrupt = new AbortController();
  const unregister = stopOnInterrupt(() => interrupt.abort(new Error('interrupted')));
  try {
    const onWorkerOutOfMemory = (heapMb: number): void => {
      progress?.stop();
      progress = undefined;
      io.err.write(`norms-ledger rebuild: a track needed more than ${heapMb} MB of heap; building again without that bound\n`);
    };
    const result = await rebuildReadModels(store, { dataDir: config.dataDir, onProgress, onWorkerOutOfMemory, threads: config.rebuildThreads, signal: interrupt.signal });
    progress?.stop();
    io.out.write(summaryLine(result, file));
    return EXIT_OK;
  } catch (error) {
    progress?.stop();
    if (interrupt.signal.aborted) return interruptedExit() ?? EXIT_ERROR;
    return fail(io, 'rebuild', error);
  } finally {
    unregister();
    lock.release();
    if (options.store === undefined) await closeStore(store);
  }
};

const serverRunning = (config: AppConfig, server: RunningServer): Error =>
  new Error(
    `a norms-ledger server (pid ${server.pid}, ${server.url}) serves LEDGER_DATA_DIR=${config.dataDir}: rebuild through it ` +
      // A server still starting has no address yet.
      `${server.url.startsWith('(') ? 'once it listens (POST /projections/rebuild' : `(POST ${server.url}/projections/rebuild`}, role clerk or auditor) or stop it first; nothing was changed`,
  );

export const rebuildCommand = (): Command =>
  new Command('rebuild')
    .description('build every read model (board, matrix, CBM tracker, session register) from the event log into a new file, swapped in for the old one once complete')
    .action(async () => {
      const config = configOrExit('rebuild');
      if (config !== undefined) process.exitCode = await runRebuild(config);
    });
