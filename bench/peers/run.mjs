// `npm run bench:peers`: installs this folder's own dependencies when they are missing (Emmett and
// the sqlite3 driver, which compiles from source: about 90 s, minutes on a busy machine), then runs
// compare.mjs in a child process. Arguments are passed on (--quick, --runs=N, --per-stream=K, --concurrency=C).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const installed = ['@event-driven-io/emmett', '@event-driven-io/emmett-sqlite', 'sqlite3/build/Release/node_sqlite3.node']
  .every((path) => existsSync(join(here, 'node_modules', path)));

if (!installed) {
  console.log('# bench/peers: installing its dependencies (npm ci --prefix bench/peers); sqlite3 compiles from source');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const install = spawnSync(npm, ['ci', '--prefix', here, '--no-audit', '--no-fund'], { stdio: 'inherit' });
  if (install.status !== 0) {
    console.error('bench/peers: npm ci failed');
    process.exit(install.status ?? 1);
  }
}

const child = spawnSync(process.execPath, ['--expose-gc', join(here, 'compare.mjs'), ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(child.status ?? 1);
