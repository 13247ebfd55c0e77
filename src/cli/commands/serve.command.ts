import { Command } from 'commander';
import { configOrExit, fail, processIo } from '../cli-io.js';

/** `norms-ledger serve`: what `npm start` does. Nest is loaded only here, so the other commands start fast. */
export const serveCommand = (): Command =>
  new Command('serve').description('serve the API, its OpenAPI document (/docs) and the dashboard').action(async () => {
    const config = configOrExit('serve');
    if (config === undefined) return;
    const { serve } = await import('../../bootstrap.js');
    try {
      process.stdout.write(await serve(config));
    } catch (error) {
      process.exitCode = fail(processIo, 'serve', error);
    }
  });
