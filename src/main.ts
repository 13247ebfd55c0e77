import { exitUnlessEnoughOpenFiles } from './shared/open-files.js';

/**
 * `npm start`: serve the API, docs and dashboard. A configuration error is, like every other
 * start-up failure, one line and exit 1 (loadConfig runs inside the promise for that). The rest is
 * loaded only once the open-files limit is known to allow it (see open-files.ts).
 */
exitUnlessEnoughOpenFiles(1);
const [{ loadConfig }, { serve }] = await Promise.all([import('./config/app-config.js'), import('./bootstrap.js')]);

Promise.resolve()
  .then(() => serve(loadConfig()))
  .then(
    (listening) => process.stdout.write(listening),
    (error: unknown) => {
      process.stderr.write(`norms-ledger: ${(error as Error).message}\n`);
      process.exit(1);
    },
  );
