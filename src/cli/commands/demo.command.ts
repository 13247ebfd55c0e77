import { Command } from 'commander';
import type { AppConfig } from '../../config/app-config.js';
import { loadDemo } from '../../demo/demo-loader.js';
import { createDemoContext } from '../../demo/demo.module.js';
import { DEMO_STEPS } from '../../demo/demo-track.js';
import { runningServer } from '../../shared/running-server.js';
import { holdingOpen } from '../cli-store.js';
import { redactConnectionString } from '../../infrastructure/eventstoredb/eventstoredb-mapping.js';
import { DEFAULT_ESDB_CONNECTION_STRING } from '../../config/app-config.js';
import { type CliIo, configOrExit, EXIT_OK, fail, processIo, progressReporter } from '../cli-io.js';

const DEFAULT_PORT = 3000;
const DEFAULT_HOST = '127.0.0.1';

/** A value as one shell word: as it is when nothing in it is special to the shell, else single-quoted. */
export const shellWord = (value: string): string => (/^[\w./:@%+,=-]+$/.test(value) ? value : `'${value.replaceAll("'", `'\\''`)}'`);

/**
 * Where a browser on the same machine reaches a server listening on `host`: a wildcard address
 * (0.0.0.0, ::) is no address to open, so the loopback of its family stands for it; an IPv6
 * address goes in brackets. Port 0 lets the system choose: its `listening on` line names it.
 */
export const browserUrl = (host: string, port: number): string => {
  if (port === 0) return 'the address its "listening on" line names';
  const reachable = host === '0.0.0.0' ? '127.0.0.1' : host === '::' || host === '[::]' ? '::1' : host;
  return `http://${reachable.includes(':') && !reachable.startsWith('[') ? `[${reachable}]` : reachable}:${port}/`;
};

/**
 * `norms-ledger demo`: loads the synthetic us-cn-seg track into the configured store through the
 * command bus (every decider guard applies). A store that already holds events is refused with one
 * line on stderr and a non-zero exit, before anything is written; so is a data directory a server
 * serves (the demo back-dates recordedAt, and the server's appends would land among its events).
 */
export const runDemo = async (config: AppConfig, io: CliIo = processIo): Promise<number> => {
  // As import and rebuild: the demo's back-dated events and a server's own appends must not interleave.
  const server = runningServer(config.dataDir);
  if (server !== undefined) {
    return fail(io, 'demo', new Error(`a norms-ledger server (pid ${server.pid}, ${server.url}) serves LEDGER_DATA_DIR=${config.dataDir}: stop it before loading the demo; nothing was written`));
  }
  let app;
  try {
    app = await createDemoContext(config);
  } catch (error) {
    return fail(io, 'demo', error);
  }
  const progress = progressReporter(io, 'demo', DEMO_STEPS.length);
  try {
    const report = await loadDemo(app, { onProgress: ({ done }) => progress.update(done) });
    progress.stop();
    const where = config.store === 'sqlite' ? `sqlite, ${config.dataDir}` : config.store;
    // The server must open the same store: name the settings that point at it when they are not the defaults.
    const env = [
      config.dataDir !== './data' && config.dataDir !== 'data' ? `LEDGER_DATA_DIR=${shellWord(config.dataDir)}` : undefined,
      // Else the server listens elsewhere than the address given below.
      config.port !== DEFAULT_PORT ? `PORT=${config.port}` : undefined,
      config.host !== DEFAULT_HOST ? `HOST=${shellWord(config.host)}` : undefined,
      config.store !== 'sqlite' ? `LEDGER_STORE=${config.store}` : undefined,
      // Its password, if any, is not printed: the user has it where they set it.
      config.store === 'eventstoredb' && config.esdbConnectionString !== DEFAULT_ESDB_CONNECTION_STRING
        ? `ESDB_CONNECTION_STRING="${redactConnectionString(config.esdbConnectionString)}"`
        : undefined,
    ].filter((part) => part !== undefined);
    io.out.write(
      `demo: loaded track ${report.trackId}: ${report.commands} commands, ${report.events} events in ${report.streams} streams ` +
        `in ${(report.durationMs / 1000).toFixed(1)} s (${where}); start the server (${[...env, 'npm start'].join(' ')}) and open ${browserUrl(config.host, config.port)}\n`,
    );
    return EXIT_OK;
  } catch (error) {
    progress.stop();
    return fail(io, 'demo', error);
  } finally {
    await holdingOpen(() => app.close());
  }
};

export const demoCommand = (): Command =>
  new Command('demo')
    .description('load a synthetic two-party dialogue track (us-cn-seg) into an empty store, through the same commands the API uses')
    .action(async () => {
      const config = configOrExit('demo');
      if (config !== undefined) process.exitCode = await runDemo(config);
    });
