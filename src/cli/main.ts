#!/usr/bin/env node
import { exitUnlessEnoughOpenFiles } from '../shared/open-files.js';

/**
 * `norms-ledger`: the command line (program.ts), loaded only once the open-files limit is known to
 * allow it (see open-files.ts): under it, loading fails with a message about a missing package.
 */
exitUnlessEnoughOpenFiles(2);
await import('./program.js');
