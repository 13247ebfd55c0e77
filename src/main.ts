import { loadConfig } from './config/app-config.js';
import { serve } from './bootstrap.js';

/**
 * `npm start`: serve the API, docs and dashboard. A configuration error is, like every other
 * start-up failure, one line and exit 1 (loadConfig runs inside the promise for that).
 */
Promise.resolve()
  .then(() => serve(loadConfig()))
  .then(
    (listening) => process.stdout.write(listening),
    (error: unknown) => {
      process.stderr.write(`norms-ledger: ${(error as Error).message}\n`);
      process.exit(1);
    },
  );
