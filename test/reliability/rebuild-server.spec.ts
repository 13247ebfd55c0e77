import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { runRebuild } from '../../src/cli/commands/rebuild.command.js';
import { loadConfig } from '../../src/config/app-config.js';
import { markerFileOf } from '../../src/shared/running-server.js';
import { freePort, JsonClient, LedgerProcess, newDataDir, positionBody, removeDataDir, seedTrack } from './support/ledger-process.js';

/*
 * Issue 4 item 4 on the real server (dist/main.js, SQLite): POST /projections/rebuild builds the new
 * read models on a worker thread while the server keeps recording and answering, then swaps them
 * in; a first start on a log without read models builds them the same way. Each answer must be
 * the board that the log gives.
 */

const TRACK = 'rb';
const SESSION = 'rb-s1';
const NORMS = Array.from({ length: 12 }, (_, i) => `rb-n${i + 1}`);

describe('rebuild on the running server', () => {
  let dataDir: string;
  let server: LedgerProcess;
  let client: JsonClient;
  let statements = 0;

  const state = async (n: number): Promise<void> => {
    for (let i = 0; i < n; i++) {
      const statementId = `rb-st-${++statements}`;
      await client.ok(`/norms/${NORMS[statements % NORMS.length]}/positions`, positionBody(statementId, statements, SESSION));
    }
  };

  const board = async (): Promise<unknown> => {
    const answer = await client.get(`/tracks/${TRACK}/board`);
    expect(answer.status).toBe(200);
    return answer.body;
  };

  beforeAll(async () => {
    dataDir = newDataDir();
    server = new LedgerProcess(dataDir, await freePort(), { LOG_LEVEL: 'info' });
    await server.start();
    client = new JsonClient(server.port);
    await seedTrack(client, TRACK, SESSION, NORMS);
    await state(60);
  }, 120_000);

  afterAll(async () => {
    client?.close();
    await server?.stop();
    if (dataDir !== undefined) removeDataDir(dataDir);
  });

  it('keeps recording and answering during POST /projections/rebuild, then serves the same board from the rebuilt models', async () => {
    const before = await board();
    const rebuilding = client.post('/projections/rebuild', {});
    // While it runs: commands are recorded and the board answers (from the old read models).
    await state(10);
    expect(await board()).toBeDefined();
    const answer = await rebuilding;
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual(expect.objectContaining({ events: expect.any(Number), streams: expect.any(Number), tracks: 1, durationMs: expect.any(Number), eventsPerSecond: expect.any(Number) }));
    expect(server.log).toMatch(/read models rebuilt on a worker thread/);
    await state(5);
    const after = await board();
    expect(after).not.toEqual(before);

    // The oracle: the same log, read models built from nothing at the next start.
    await server.stop();
    rmSync(join(dataDir, 'read-models.sqlite'), { force: true });
    await server.start();
    expect(existsSync(join(dataDir, 'read-models.sqlite'))).toBe(true);
    expect(server.log).toMatch(/read models built on a worker thread from \d+ events/);
    expect(await board()).toEqual(after);
  }, 120_000);
});

/*
 * A server marks its data directory from before its read models open, not only once it listens: a
 * start-up rebuild (a new read-model schema, or none yet) runs before it listens, and a CLI rebuild
 * swapping the read-model file meanwhile would leave the server on the file it had opened.
 */
describe('norms-ledger rebuild while a server starts', () => {
  it('is refused from before the server listens, and the mark names the address once it does', async () => {
    const dataDir = newDataDir();
    const server = new LedgerProcess(dataDir, await freePort());
    const config = loadConfig({ LEDGER_DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
    try {
      let listening = false;
      const started = server.start().then(() => (listening = true));
      started.catch(() => undefined);
      let seenStarting = false;
      while (!listening && !seenStarting) {
        const marker = server.pid === undefined ? undefined : markerFileOf(dataDir, server.pid);
        if (marker !== undefined && existsSync(marker)) {
          try {
            seenStarting = (JSON.parse(readFileSync(marker, 'utf8')) as { url: string }).url === '(starting, not listening yet)';
          } catch {
            // being written
          }
        }
        if (!seenStarting) await new Promise((wake) => setTimeout(wake, 2));
      }
      // Nest's start-up takes far longer than a poll: the starting mark is seen before the listening line.
      expect(seenStarting).toBe(true);
      const io = { out: new PassThrough(), err: new PassThrough() };
      let err = '';
      io.err.on('data', (chunk: Buffer) => (err += chunk.toString()));
      expect(await runRebuild(config, io)).toBe(2);
      expect(err).toContain(`a norms-ledger server (pid ${server.pid}, (starting, not listening yet)) serves LEDGER_DATA_DIR=${dataDir}`);
      expect(existsSync(join(dataDir, 'read-models.sqlite.rebuild'))).toBe(false);
      await started;
      const url = (JSON.parse(readFileSync(markerFileOf(dataDir, server.pid!), 'utf8')) as { url: string }).url;
      expect(url).toBe(`http://127.0.0.1:${server.port}`);
    } finally {
      await server.stop();
      removeDataDir(dataDir);
    }
  });
});
