import { Command } from 'commander';
import { configOrExit, fail, processIo } from '../cli-io.js';

/** `norms-ledger serve`: what `npm start` does. Nest is loaded only here, so the other commands start fast. */
export const serveCommand = (): Command =>
  new Command('serve').description('serve the API, its OpenAPI document (/docs) and the dashboard').action(async () => {
    const config = configOrExit('serve');
    if (config === undefined) return;
    const { createApp, listen, preflight } = await import('../../bootstrap.js');
    try {
      // Before Nest starts: what start-up would fail on is one line naming the variable, not a stack trace.
      await preflight(config);
    } catch (error) {
      process.exitCode = fail(processIo, 'serve', error);
      return;
    }
    const app = await createApp(config);
    let url: string;
    try {
      url = await listen(app, config);
    } catch (error) {
      await app.close();
      process.exitCode = fail(processIo, 'serve', error);
      return;
    }
    process.stdout.write(`norms-ledger listening on ${url} (store: ${config.store}, data: ${config.dataDir})\n`);
  });
