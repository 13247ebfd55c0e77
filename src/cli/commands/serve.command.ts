import { Command } from 'commander';
import { loadConfig } from '../../config/app-config.js';
import { quitOnClosedOutput } from '../cli-io.js';

/** What a failed start exits with, as `npm start` (src/main.ts) does; the other commands exit 2 when they cannot run. */
const EXIT_START_FAILED = 1;

/**
 * `norms-ledger serve`: what `npm start` does, failures included: a bad configuration, like any
 * other start that fails, is one unstamped line `norms-ledger: …` on stderr and exit 1 (README,
 * Configuration), not the `norms-ledger <command>: …` and exit 2 of a command that could not run.
 * Nest is loaded only here, so the other commands start fast.
 */
export const serveCommand = (): Command =>
  new Command('serve').description('serve the API, its OpenAPI document (/docs) and the dashboard (same as npm start)').action(async () => {
    // A server outlives its log reader, as under npm start: the other commands quit when it goes.
    for (const stream of [process.stdout, process.stderr]) stream.off('error', quitOnClosedOutput);
    try {
      const config = loadConfig();
      const { serve } = await import('../../bootstrap.js');
      process.stdout.write(await serve(config));
    } catch (error) {
      process.stderr.write(`norms-ledger: ${(error as Error).message}\n`);
      // As src/main.ts: what a half-made start left open must not hold the process.
      process.exit(EXIT_START_FAILED);
    }
  });
