// Runs every bench/**/*.bench.mjs in sequence, each in its own child process (so one bench's heap,
// JIT state and open files never colour the next), and exits non-zero if any missed a target.
//
//   npm run bench                      # build, then every bench
//   node --expose-gc bench/run.mjs --quick            # smoke run, under a minute
//   node --expose-gc bench/run.mjs append --runs=3    # only benches whose path contains "append"
// Flags starting with -- are passed on to each bench; other arguments filter by path.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const benchDir = fileURLToPath(new URL('.', import.meta.url));
const args = process.argv.slice(2);
const passOn = args.filter((arg) => arg.startsWith('--'));
const filters = args.filter((arg) => !arg.startsWith('--'));

const benches = readdirSync(benchDir, { recursive: true })
  .map(String)
  .filter((path) => path.endsWith('.bench.mjs') && !path.split(/[\\/]/).includes('node_modules'))
  .filter((path) => filters.length === 0 || filters.some((filter) => path.includes(filter)))
  .sort();

if (benches.length === 0) {
  console.error(`no bench/**/*.bench.mjs matches ${filters.join(' ')}`);
  process.exit(2);
}

const outcomes = [];
for (const path of benches) {
  const file = join(benchDir, path);
  console.log(`\n=== ${relative(process.cwd(), file)} ${passOn.join(' ')}`);
  const started = Date.now();
  const child = spawnSync(process.execPath, ['--expose-gc', file, ...passOn], { stdio: 'inherit' });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const status = child.error ? `error: ${child.error.message}` : child.signal ? `killed by ${child.signal}` : child.status === 0 ? 'ok' : `exit ${child.status}`;
  outcomes.push({ path, status, seconds });
}

console.log('\n=== summary');
for (const { path, status, seconds } of outcomes) console.log(`${status === 'ok' ? 'ok  ' : 'FAIL'} ${path} (${seconds} s)${status === 'ok' ? '' : `: ${status}`}`);
process.exitCode = outcomes.every((outcome) => outcome.status === 'ok') ? 0 : 1;
