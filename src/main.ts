import { loadConfig } from './config/app-config.js';
import { createApp } from './bootstrap.js';
import { ensureDir } from './shared/ensure-dir.js';

/** `npm start`: serve the API, docs and dashboard. Invalid configuration stops here with one line. */
const main = async (): Promise<void> => {
  let config;
  try {
    config = loadConfig();
    // Before Nest starts: a data directory that cannot be made is one line, not a stack trace.
    ensureDir(config.dataDir, 0o700);
  } catch (error) {
    process.stderr.write(`norms-ledger: ${(error as Error).message}\n`);
    process.exit(1);
  }
  const app = await createApp(config);
  await app.listen(config.port, config.host);
  process.stdout.write(`norms-ledger listening on http://${config.host}:${config.port} (store: ${config.store}, data: ${config.dataDir})\n`);
};

main().catch((error: unknown) => {
  process.stderr.write(`norms-ledger: ${(error as Error).message}\n`);
  process.exit(1);
});
