import { randomUUID } from 'node:crypto';
import { get as httpGet } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { jest } from '@jest/globals';
import { loadConfig } from '../../src/config/app-config.js';
import { SqliteEventStore } from '../../src/infrastructure/sqlite/sqlite-event-store.js';
import { removeDir, tempDir } from './support/ledger-fixture.js';

jest.unstable_mockModule('@fastify/static', () => ({ default: async () => {} }));
const { createApp } = await import('../../src/bootstrap.js');

/** Issue 5 item 3: the whole log as NDJSON, in constant memory, however slowly the client reads. */
const EVENTS = 1_000_000;
const HEAP_BOUND_MB = 128;
const AUDITOR = 'memory-test-auditor-token-0123456789';

/**
 * heapUsed counts garbage not yet collected, and a million lines make a lot of it: sample the heap
 * that survives a full collection, which is what a server queueing the log would grow.
 */
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;
const retainedHeap = (): number => {
  collectGarbage();
  return process.memoryUsage().heapUsed;
};

describe('GET /audit/events as NDJSON over 1M events', () => {
  let dir: string;
  let app: NestFastifyApplication;

  beforeAll(async () => {
    dir = tempDir();
    // Raw rows: streaming does not look at hashes, and sealing a million events would dominate the test.
    const store = new SqliteEventStore({ file: join(dir, 'ledger.sqlite'), synchronous: 'NORMAL' });
    const insert = store.database.prepare('INSERT INTO events (stream_id, revision, event_id, type, data, metadata) VALUES (?, ?, ?, ?, ?, ?)');
    const data = JSON.stringify({ normId: 'n', statementId: 's', partyId: 'cn', stance: 'supports', text: 'x'.repeat(400), channel: 'oral' });
    const metadata = JSON.stringify({ schemaVersion: 1, effectiveOn: '2026-01-01', recordedAt: '2026-01-01T00:00:00.000Z', recordedBy: 'c', prevHash: '0'.repeat(64), hash: '1'.repeat(64) });
    const batch = store.database.transaction((from: number, to: number) => {
      for (let i = from; i < to; i++) insert.run(`norm-${i % 1000}`, Math.floor(i / 1000), randomUUID(), 'PositionStated', data, metadata);
    });
    for (let from = 0; from < EVENTS; from += 20_000) batch(from, from + 20_000);
    store.database.pragma('wal_checkpoint(TRUNCATE)');
    const keepAlive = setInterval(() => {}, 1000);
    await store.close();
    clearInterval(keepAlive);
    app = await createApp(loadConfig({ LEDGER_DATA_DIR: dir, LOG_LEVEL: 'silent', LEDGER_TOKENS: `auditor:${AUDITOR}` }), { logger: false });
    await app.listen(0, '127.0.0.1');
  }, 600_000);

  // Generous limits: on a shared machine starved of disk and CPU, the 859 MiB stream once took 11 minutes (73 s when idle).
  afterAll(async () => {
    await app?.close();
    removeDir(dir);
  }, 120_000);

  it('delivers every line while the heap stays bounded, a paused client included', async () => {
    const { port } = app.getHttpServer().address() as AddressInfo;
    const baseline = retainedHeap();
    let peak = baseline;
    // The heap in use bounds the retained heap from above (it adds garbage not yet collected): only
    // when it passes the bound is a full collection run to measure what is retained. A full
    // collection every second, whatever the heap, took the test from 70 s alone to 19 minutes at the
    // end of a whole Jest run in one process (a heap of more than 1 GB to walk each time).
    let lastCollection = 0;
    let peakInUse = baseline;
    const sampler = setInterval(() => {
      const inUse = process.memoryUsage().heapUsed;
      peakInUse = Math.max(peakInUse, inUse);
      if (inUse - baseline < HEAP_BOUND_MB * 2 ** 20) return;
      // A server queueing the log would hold it for much longer than a second.
      if (Date.now() - lastCollection < 1000) return;
      lastCollection = Date.now();
      peak = Math.max(peak, retainedHeap());
    }, 100);
    let lines = 0;
    let bytes = 0;
    let paused = false;
    await new Promise<void>((resolve, reject) => {
      httpGet({ port, host: '127.0.0.1', path: '/audit/events', headers: { Accept: 'application/x-ndjson', Authorization: `Bearer ${AUDITOR}` } }, (response) => {
        expect(response.statusCode).toBe(200);
        response.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
          for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++;
          // A client that stops reading for a while: an unbounded server would queue the rest of the log.
          if (!paused && bytes > 50 * 2 ** 20) {
            paused = true;
            response.pause();
            setTimeout(() => response.resume(), 2000);
          }
        });
        response.on('end', resolve);
        response.on('error', reject);
      }).on('error', reject);
    });
    clearInterval(sampler);
    expect(lines).toBe(EVENTS);
    expect(bytes).toBeGreaterThan(500 * 2 ** 20);
    const grownMb = (peak - baseline) / 2 ** 20;
    process.stdout.write(
      `ndjson stream: ${lines} lines, ${(bytes / 2 ** 20).toFixed(0)} MiB, heap in use grew ${((peakInUse - baseline) / 2 ** 20).toFixed(1)} MiB at most, ` +
        `retained heap ${grownMb.toFixed(1)} MiB at most (bound ${HEAP_BOUND_MB}; measured whenever the heap in use passes it)\n`,
    );
    expect(grownMb).toBeLessThan(HEAP_BOUND_MB);
  }, 1_800_000);
});
