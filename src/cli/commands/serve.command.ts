import { Command } from 'commander';
import { configOrExit } from '../cli-io.js';

/** `norms-ledger serve`: what `npm start` does. Nest is loaded only here, so the other commands start fast. */
export const serveCommand = (): Command =>
  new Command('serve').description('serve the API, its OpenAPI document (/docs) and the dashboard').action(async () => {
    const config = configOrExit('serve');
    if (config === undefined) return;
    const { createApp } = await import('../../bootstrap.js');
    const app = await createApp(config);
    await app.listen(config.port, config.host);
    process.stdout.write(`norms-ledger listening on http://${config.host}:${config.port} (store: ${config.store}, data: ${config.dataDir})\n`);
  });
