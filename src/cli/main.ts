#!/usr/bin/env node
import { exitUnlessEnoughOpenFiles } from '../shared/open-files.js';

/**
 * `norms-ledger`: the command line (program.ts), loaded only once the open-files limit is known to
 * allow it (see open-files.ts): under it, loading fails with a message about a missing package.
 */
// A server start (serve) fails as npm start does, with exit 1; the other commands with 2.
exitUnlessEnoughOpenFiles(process.argv[2] === 'serve' ? 1 : 2);
// URI file names let verify and export open a copy they may not write beside (a read-only mount) as
// immutable (sqlite-event-store.ts: openReadOnlyCopy). SQLite reads this once, as it first loads; a
// plain path (the store's are absolute) means what it did.
process.env.SQLITE_USE_URI ??= '1';
await import('./program.js');
