import { loadConfig } from './config/app-config.js';
import { createApp, listen, preflight } from './bootstrap.js';

/** `npm start`: serve the API, docs and dashboard. Invalid configuration stops here with one line. */
const main = async (): Promise<void> => {
  let config;
  try {
    config = loadConfig();
    // Before Nest starts: what start-up would fail on is one line naming the variable, not a stack trace.
    await preflight(config);
  } catch (error) {
    process.stderr.write(`norms-ledger: ${(error as Error).message}\n`);
    process.exit(1);
  }
  const app = await createApp(config);
  const url = await listen(app, config);
  process.stdout.write(`norms-ledger listening on ${url} (store: ${config.store}, data: ${config.dataDir})\n`);
};

main().catch((error: unknown) => {
  process.stderr.write(`norms-ledger: ${(error as Error).message}\n`);
  process.exit(1);
});
