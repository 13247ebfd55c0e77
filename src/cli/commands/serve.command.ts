import { Command } from 'commander';
import { ensureDir } from '../../shared/ensure-dir.js';
import { configOrExit, fail, processIo } from '../cli-io.js';

/** `norms-ledger serve`: what `npm start` does. Nest is loaded only here, so the other commands start fast. */
export const serveCommand = (): Command =>
  new Command('serve').description('serve the API, its OpenAPI document (/docs) and the dashboard').action(async () => {
    const config = configOrExit('serve');
    if (config === undefined) return;
    try {
      // Before Nest starts: a data directory that cannot be made is one line, not a stack trace.
      ensureDir(config.dataDir, 0o700);
    } catch (error) {
      process.exitCode = fail(processIo, 'serve', error);
      return;
    }
    const { createApp } = await import('../../bootstrap.js');
    const app = await createApp(config);
    await app.listen(config.port, config.host);
    process.stdout.write(`norms-ledger listening on http://${config.host}:${config.port} (store: ${config.store}, data: ${config.dataDir})\n`);
  });
