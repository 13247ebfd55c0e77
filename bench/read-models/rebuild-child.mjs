// One rebuild in its own process, so that its RSS is the rebuild's alone: rebuildReadModels over
// the store file into a fresh read-model file (the build on a worker thread, as in the server and
// the CLI), then a GC, then one JSON line on stdout (RSS after; maxRss: the peak, worker included).
//
//   node --expose-gc bench/read-models/rebuild-child.mjs <store.sqlite> <read-models.sqlite> [threads]
import { readFileSync, rmSync } from 'node:fs';
import { closeStore, importDist } from '../lib/bench-kit.mjs';

const [storeFile, outFile, threadsArg] = process.argv.slice(2);
const threads = threadsArg === undefined ? undefined : Number(threadsArg);
const { SqliteEventStore } = await importDist('infrastructure/sqlite/sqlite-event-store.js');
const { rebuildReadModels } = await importDist('projections/read-model/rebuild.js');
for (const suffix of ['', '-wal', '-shm', '.rebuild', '.rebuild-wal', '.rebuild-shm']) rmSync(outFile + suffix, { force: true });
const store = new SqliteEventStore({ file: storeFile, synchronous: 'NORMAL' });
const cpu = process.cpuUsage();
const started = process.hrtime.bigint();
const result = await rebuildReadModels(store, { file: outFile, threads });
const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
const used = process.cpuUsage(cpu);
const cpuMs = (used.user + used.system) / 1000;
await closeStore(store);
globalThis.gc?.();
const { rss, heapUsed, heapTotal, external } = process.memoryUsage();
const maxRssKb = process.resourceUsage().maxRSS;
let rssParts = {};
try {
  for (const line of readFileSync('/proc/self/status', 'utf8').split('\n')) {
    const m = /^(RssAnon|RssFile|RssShmem):\s+(\d+) kB/.exec(line);
    if (m) rssParts[m[1]] = Number(m[2]) * 1024;
  }
} catch {
  rssParts = {};
}
console.log(JSON.stringify({ result, wallMs, cpuMs, rss, heapUsed, heapTotal, external, ...rssParts, maxRss: maxRssKb * 1024 }));
