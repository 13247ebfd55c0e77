import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { SqliteEventStore } from '../../src/infrastructure/sqlite/sqlite-event-store.js';
import { openReadModelDb } from '../../src/projections/read-model/read-model.database.js';
import { EVENT_STORE_SCHEMA_VERSION } from '../../src/infrastructure/sqlite/sqlite-schema.js';
import { InvalidAppendError, StoreUnavailableError, WrongExpectedRevisionError } from '../../src/shared/event-store/event-store.errors.js';
import type { EventToAppend } from '../../src/shared/event-store/event-store.port.js';

const anEvent = (i = 0): EventToAppend => ({ eventId: randomUUID(), type: 'Thing', data: { i }, metadata: { m: i } });

describe('SQLite event store: beyond the port contract', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-sqlite-'));
    file = join(dir, 'ledger.sqlite');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('is durable by default: WAL with synchronous=FULL and a versioned schema', async () => {
    const store = new SqliteEventStore({ file });
    expect(store.database.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(store.database.pragma('synchronous', { simple: true })).toBe(2); // FULL
    expect(store.database.pragma('user_version', { simple: true })).toBe(EVENT_STORE_SCHEMA_VERSION);
    await expect(store.health()).resolves.toMatchObject({ store: 'sqlite', status: 'up' });
    await store.close();
  });

  it('a write the disk refuses (full) is a StoreUnavailableError naming the file and SQLite\'s reason, and health says down until a write succeeds', async () => {
    const store = new SqliteEventStore({ file });
    await store.append('a-1', [anEvent(1)], 'no_stream');
    // A database that may not grow is what a full disk looks like to SQLite.
    const pages = store.database.pragma('page_count', { simple: true }) as number;
    store.database.pragma(`max_page_count = ${pages}`);
    const big = { ...anEvent(2), data: { text: 'x'.repeat(200_000) } };
    const refused = await store.append('a-1', [big], 0).then(() => undefined, (error: unknown) => error);
    expect(refused).toBeInstanceOf(StoreUnavailableError);
    expect((refused as Error).message).toBe(`${file} refused a write (SQLITE_FULL: database or disk is full); run norms-ledger verify, and check the disk`);
    expect((refused as StoreUnavailableError).code).toBe('SQLITE_FULL');
    await expect(store.health()).resolves.toMatchObject({ status: 'down', detail: { lastWriteRefused: { code: 'SQLITE_FULL', message: 'database or disk is full' } } });
    expect((await store.readStream('a-1')).length).toBe(1);
    store.database.pragma(`max_page_count = ${pages * 1000}`);
    await store.append('a-1', [big], 0);
    await expect(store.health()).resolves.toMatchObject({ status: 'up' });
    expect((await store.health()).detail).not.toHaveProperty('lastWriteRefused');
    await store.close();
  });

  it('creates the ledger file, and so its -wal and -shm, owner-only (0600) even in a directory others can read', async () => {
    chmodSync(dir, 0o755);
    const store = new SqliteEventStore({ file });
    await store.append('a-1', [anEvent(1)], 'no_stream');
    for (const name of ['ledger.sqlite', 'ledger.sqlite-wal', 'ledger.sqlite-shm']) expect({ name, mode: statSync(join(dir, name)).mode & 0o777 }).toEqual({ name, mode: 0o600 });
    const readModels = openReadModelDb(join(dir, 'read-models.sqlite'));
    expect(statSync(join(dir, 'read-models.sqlite')).mode & 0o777).toBe(0o600);
    readModels.close();
    await store.close();
  });

  it('makes an existing ledger of this user that others could read owner-only, with its -wal and -shm (an older build made them 0644)', async () => {
    const first = new SqliteEventStore({ file });
    await first.append('a-1', [anEvent(1)], 'no_stream');
    const names = ['ledger.sqlite', 'ledger.sqlite-wal', 'ledger.sqlite-shm'];
    // As an older build left them (or cp copied them), still open: the -wal and -shm exist.
    for (const name of names) chmodSync(join(dir, name), 0o644);
    const again = new SqliteEventStore({ file });
    for (const name of names) expect({ name, mode: statSync(join(dir, name)).mode & 0o777 }).toEqual({ name, mode: 0o600 });
    expect((await again.readStream('a-1')).length).toBe(1);
    await again.close();
    await first.close();
  });

  it('refuses a file written by a newer schema version, with a clear message, leaving it unchanged', async () => {
    const newer = new Database(file);
    newer.pragma(`user_version = ${EVENT_STORE_SCHEMA_VERSION + 1}`);
    newer.exec('CREATE TABLE future (x)');
    newer.close();
    const before = readFileSync(file);
    expect(() => new SqliteEventStore({ file })).toThrow(StoreUnavailableError);
    expect(() => new SqliteEventStore({ file })).toThrow(
      `was written by event store schema version ${EVENT_STORE_SCHEMA_VERSION + 1}, but this norms-ledger build knows only up to ${EVENT_STORE_SCHEMA_VERSION}: upgrade norms-ledger; the file was not changed`,
    );
    expect(readFileSync(file).equals(before)).toBe(true);
  });

  it('never records one event id in two streams', async () => {
    const store = new SqliteEventStore({ file: ':memory:' });
    const event = anEvent();
    await store.append('a-1', [event], 'no_stream');
    await expect(store.append('b-1', [event], 'no_stream')).rejects.toMatchObject({
      constructor: InvalidAppendError,
      reason: 'duplicate-event-id',
    });
    await expect(store.readStream('b-1')).rejects.toThrow('not found');
    await store.close();
  });

  it('streamHead sees a commit of another connection on the same file (its memo of heads is dropped when data_version moves)', async () => {
    const mine = new SqliteEventStore({ file });
    const other = new SqliteEventStore({ file });
    const first = anEvent(1);
    await mine.append('heads-1', [first], 'no_stream');
    await expect(mine.streamHead('heads-1')).resolves.toEqual({ revision: 0, eventId: first.eventId });
    await expect(mine.streamHead('heads-2')).resolves.toBeUndefined();
    // Another instance (another process would do the same) moves one stream and creates the other.
    const second = anEvent(2);
    const created = anEvent(3);
    await other.append('heads-1', [second], 0);
    await other.append('heads-2', [created], 'no_stream');
    await expect(mine.streamHead('heads-1')).resolves.toEqual({ revision: 1, eventId: second.eventId });
    await expect(mine.streamHead('heads-2')).resolves.toEqual({ revision: 0, eventId: created.eventId });
    // A raw write outside any store instance is seen too.
    const raw = new Database(file);
    raw.prepare("INSERT INTO events (stream_id, revision, event_id, type, data, metadata) VALUES ('heads-2', 1, ?, 'Thing', '{}', '{}')").run(randomUUID());
    raw.close();
    await expect(mine.streamHead('heads-2')).resolves.toMatchObject({ revision: 1 });
    await Promise.all([mine.close(), other.close()]);
  });

  it('streamHead stays on the real head after an idempotent replay of an earlier append and after a refused append', async () => {
    const store = new SqliteEventStore({ file });
    const early = [anEvent(1)];
    await store.append('replayed-1', early, 'no_stream');
    await expect(store.streamHead('replayed-1')).resolves.toMatchObject({ revision: 0 });
    const later = anEvent(2);
    await store.append('replayed-1', [later], 0);
    await expect(store.streamHead('replayed-1')).resolves.toEqual({ revision: 1, eventId: later.eventId });
    // The same events again: a replay answers with revision 0, while the head is at 1.
    await expect(store.append('replayed-1', early, 'no_stream')).resolves.toMatchObject({ idempotentReplay: true, revision: 0 });
    await expect(store.streamHead('replayed-1')).resolves.toEqual({ revision: 1, eventId: later.eventId });
    // Refused in a batch next to an accepted append to another stream.
    const accepted = anEvent(3);
    const results = await Promise.allSettled([store.append('replayed-1', [anEvent(4)], 0), store.append('replayed-2', [accepted], 'no_stream')]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled']);
    await expect(store.streamHead('replayed-1')).resolves.toEqual({ revision: 1, eventId: later.eventId });
    await expect(store.streamHead('replayed-2')).resolves.toEqual({ revision: 0, eventId: accepted.eventId });
    await store.close();
  });

  it('group-commits concurrent appends, each caller getting its own result or its own conflict', async () => {
    const store = new SqliteEventStore({ file });
    await store.append('shared-1', [anEvent()], 'no_stream');
    let transactions = 0;
    type Tx = { (...args: unknown[]): unknown; immediate: (...args: unknown[]) => unknown };
    const db = store.database as unknown as { transaction: (fn: unknown) => Tx };
    const original = db.transaction.bind(db);
    db.transaction = (fn) => {
      const wrapped = original(fn);
      return Object.assign((...args: unknown[]) => wrapped(...args), {
        immediate: (...args: unknown[]) => {
          transactions++;
          return wrapped.immediate(...args);
        },
      });
    };
    const outcomes = await Promise.allSettled([
      ...Array.from({ length: 30 }, (_, i) => store.append(`s-${i}`, [anEvent(i), anEvent(i)], 'no_stream')),
      store.append('shared-1', [anEvent()], 5), // stale: must fail alone
      store.append('shared-1', [anEvent()], 0),
    ]);
    expect(transactions).toBe(1);
    expect(outcomes.slice(0, 30).every((o) => o.status === 'fulfilled')).toBe(true);
    expect(outcomes[30]).toMatchObject({ status: 'rejected', reason: expect.any(WrongExpectedRevisionError) });
    expect(outcomes[31]).toMatchObject({ status: 'fulfilled', value: { revision: 1 } });
    const positions = outcomes.flatMap((o) => (o.status === 'fulfilled' ? o.value.events.map((e) => Number(e.position)) : []));
    expect(positions).toHaveLength(61);
    expect(new Set(positions).size).toBe(61);
    await store.close();
  });

  it('leaves no partial append when the process dies mid-transaction', async () => {
    const seed = new SqliteEventStore({ file });
    await seed.append('before-1', [anEvent()], 'no_stream');
    await seed.close();
    const script = join(dir, 'crash.mjs');
    const storeModule = resolve('dist/infrastructure/sqlite/sqlite-event-store.js');
    writeFileSync(
      script,
      `import { randomUUID } from 'node:crypto';
       import { SqliteEventStore } from ${JSON.stringify(storeModule)};
       const store = new SqliteEventStore({ file: ${JSON.stringify(file)} });
       const insert = store.statements.insert;
       let rows = 0;
       store.statements.insert = { run: (...args) => { if (++rows === 5) process.kill(process.pid, 'SIGKILL'); return insert.run(...args); } };
       const ev = () => ({ eventId: randomUUID(), type: 'Thing', data: {}, metadata: {} });
       await Promise.all([store.append('crash-1', [ev(), ev(), ev()], 'no_stream'), store.append('crash-2', [ev(), ev(), ev()], 'no_stream')]);
       console.log('survived');`,
    );
    const child = spawnSync(process.execPath, [script], { encoding: 'utf8' });
    expect(child.signal).toBe('SIGKILL');
    expect(child.stdout).not.toContain('survived');
    const store = new SqliteEventStore({ file });
    await expect(store.headPosition()).resolves.toBe('1');
    await expect(store.readStream('crash-1')).rejects.toThrow('not found');
    await expect(store.readStream('crash-2')).rejects.toThrow('not found');
    await store.close();
  });

  it('drains queued appends before closing', async () => {
    const store = new SqliteEventStore({ file });
    const pending = Array.from({ length: 10 }, (_, i) => store.append(`d-${i}`, [anEvent(i)], 'no_stream'));
    await store.close();
    await expect(Promise.all(pending)).resolves.toHaveLength(10);
    const reopened = new SqliteEventStore({ file });
    await expect(reopened.headPosition()).resolves.toBe('10');
    await reopened.close();
  });
});
