import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type request from 'supertest';
import { verifyBundle } from '../../src/audit/application/bundle.js';
import { ReadModels } from '../../src/projections/application/read-models.service.js';
import { type CliRun, removeDir, runCliAsync, tempDir } from '../cli/support/cli-process.js';
import { AUDITOR_TOKEN, CLERK_TOKEN, type E2eApp, newDataDir, removeDataDir, startApp } from '../e2e/support/e2e-app.js';
import { givenHeldSession, givenTrack, ok } from '../e2e/support/fixtures.js';
import { asText, openLive } from '../e2e/support/streaming.js';
import { type EsdbFake, startEsdbFake } from '../support/esdb-fake.js';

/*
 * Every user-facing path of README's "Running on EventStoreDB", driven on the EventStoreDB adapter
 * against the in-process protocol fake of its gRPC API (test/support/esdb-fake.ts; NOT EventStoreDB),
 * and the same on SQLite: where the two answer differently (positions aside, which each store
 * numbers its own way), the EventStoreDB path has a defect. The server runs in process (startApp);
 * the CLI is the built one (`npm run build` first), spawned, reaching the fake in this process.
 */

/** Positions (and the ids the server draws at random) differ between stores; everything else must not. */
const POSITION_KEYS = /position|upTo$|^next$|^head$/i;
/** Each ledger has its own signing key, and event ids are random: so are the hashes, roots and signatures over them. */
const KEY_KEYS = /^(keyId|root|signature|hash|prevHash)$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const normalized = (value: unknown, key = ''): unknown => {
  if (Array.isArray(value)) return value.map((item) => normalized(item));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([name, item]) => [name, normalized(item, name)]));
  }
  if (POSITION_KEYS.test(key) && (typeof value === 'string' || typeof value === 'number')) return '<position>';
  if (KEY_KEYS.test(key)) return '<key>';
  if (typeof value === 'string' && UUID.test(value)) return '<uuid>';
  return value;
};

const ndjson = (text: string): Array<Record<string, any>> =>
  text
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, any>);

/** What the server answered through the sweep, to compare between the two stores. */
interface Transcript {
  readonly answers: Record<string, unknown>;
  readonly eventTypes: string[];
}

/**
 * A complete track recorded over HTTP (DESIGN §7), read back in every way a user can, on the app
 * given. Asserts what holds on any store; returns the answers to compare across stores.
 */
const sweepServer = async (t: E2eApp, scratch: string): Promise<Transcript> => {
  const answers: Record<string, unknown> = {};
  const get = (path: string, token = CLERK_TOKEN) => t.http().get(path).set('Authorization', `Bearer ${token}`);
  const audit = (path: string) => get(path, AUDITOR_TOKEN);
  const read = async (path: string) => {
    const response = await get(path);
    if (response.status !== 200) throw new Error(`GET ${path} → ${response.status}: ${JSON.stringify(response.body)}`);
    return response.body as unknown;
  };

  t.fixClock('2026-01-05T09:00:00.000Z');
  await givenTrack(t, 'seg');
  await givenHeldSession(t, 'seg', 's1', 1, '2026-02-10');
  t.fixClock('2026-02-10T15:00:00.000Z');
  for (const normId of ['n-infra', 'n-cert']) {
    await ok(t, '/tracks/seg/norms', { normId, title: `Norm ${normId}`, summary: 'A norm.', proposedBy: ['us'], sessionId: 's1', agendaItemId: 'item-2' });
  }
  const position = (statementId: string, partyId: string, stance: string, sessionId = 's1', extra: object = {}) => ({
    statementId, partyId, delegateId: `${partyId}-d1`, stance, text: `${partyId} ${stance}`, channel: 'oral', sessionId, ...extra,
  });

  // A keyed command replayed: the same answer, nothing appended.
  const keyed = { 'Idempotency-Key': 'sweep-key-1' };
  const first = await ok(t, '/norms/n-infra/positions', position('st-1', 'us', 'supports'), keyed);
  const replay = await t.post('/norms/n-infra/positions', position('st-1', 'us', 'supports'), keyed);
  expect(replay.status).toBe(201);
  expect(replay.body).toEqual(first.body);
  expect(replay.headers.etag).toBe(first.headers.etag);
  expect((await t.store.readStream('norm-n-infra')).length).toBe(2);
  const reused = await t.post('/norms/n-infra/positions', position('st-1', 'us', 'opposes'), keyed);
  expect(reused.status).toBe(422);

  // If-Match: the current revision records, a stale one is refused.
  expect(first.headers.etag).toBe('W/"1"');
  const matched = await t.post('/norms/n-infra/positions', position('st-2', 'cn', 'conditional', 's1', { condition: 'peacetime only' }), { 'If-Match': 'W/"1"' });
  expect(matched.status).toBe(201);
  expect(matched.headers.etag).toBe('W/"2"');
  const stale = await t.post('/norms/n-infra/positions', position('st-9', 'cn', 'opposes'), { 'If-Match': 'W/"1"' });
  expect(stale.status).toBe(412);
  expect(stale.body.detail).toBe('norm n-infra is at revision 2, not 1: reload it and decide again');

  await ok(t, '/norms/n-cert/positions', position('st-1', 'us', 'supports'));
  await ok(t, '/norms/n-cert/positions', position('st-2', 'cn', 'opposes'));
  await ok(t, '/tracks/seg/cbms', { cbmId: 'c-hotline', title: 'Hotline', proposedBy: ['cn'], linkedNorms: ['n-infra'], sessionId: 's1' });
  await ok(t, '/cbms/c-hotline/positions', position('st-1', 'us', 'supports'));
  await ok(t, '/cbms/c-hotline/positions', position('st-2', 'cn', 'supports'));
  await ok(t, '/cbms/c-hotline/decisions', { decisionId: 'dec-1', kind: 'agree_cbm', sessionId: 's1' });
  await ok(t, '/sessions/s1/minutes/circulate', { effectiveOn: '2026-02-15' });

  t.fixClock('2026-03-10T15:00:00.000Z');
  await givenHeldSession(t, 'seg', 's2', 2, '2026-03-10');
  await ok(t, '/norms/n-infra/positions', position('st-3', 'cn', 'supports', 's2'));
  await ok(t, '/norms/n-infra/decisions', { decisionId: 'dec-1', kind: 'agree_ad_referendum', sessionId: 's2' });
  await ok(t, '/cbms/c-hotline/implementation-reports', { reportId: 'rep-cn', partyId: 'cn', text: 'operational', sessionId: 's2' });
  await ok(t, '/sessions/s1/minutes/adopt', { procedure: 'in_session', atSessionId: 's2', agendaItemId: 'item-1', effectiveOn: '2026-03-10' });

  t.fixClock('2026-03-25T10:00:00.000Z');
  await ok(t, '/norms/n-infra/capital-responses', { responseId: 'cap-us', partyId: 'us', response: 'confirmed', effectiveOn: '2026-03-20' });
  await ok(t, '/norms/n-infra/capital-responses', { responseId: 'cap-cn', partyId: 'cn', response: 'confirmed', effectiveOn: '2026-03-25' });
  // After adoption, a correction of a statement made at s1 needs a corrigendum.
  const correction = await ok(t, '/norms/n-cert/corrections', {
    correctionId: 'corr-1',
    target: { statementId: 'st-2' },
    changes: [{ field: 'stance', from: 'opposes', to: 'reserves' }],
    reason: 'the delegation spoke of reservations',
    requestedBy: 'cn',
    corrigendumId: 'SEG/2026/1/Corr.1',
  });
  await t.app.get(ReadModels).whenCaughtUp(correction.body.position, 10_000);

  // Reads, live and under cuts (what was true on a date; what the ledger said on a date).
  const reads = [
    '/tracks', '/tracks/seg', '/tracks/seg/board', '/tracks/seg/matrix', '/tracks/seg/sessions', '/sessions/s1', '/norms/n-infra', '/norms/n-cert', '/cbms/c-hotline',
    '/tracks/seg/board?asOf=2026-02-20', '/tracks/seg/matrix?asOf=2026-02-20', '/tracks/seg/sessions?asOf=2026-02-20', '/norms/n-cert?asOf=2026-02-20',
    '/tracks/seg/board?asOf=2026-03-12&knownAt=2026-03-12T00:00:00Z', '/tracks/seg/matrix?asOf=2026-03-12&knownAt=2026-03-12T00:00:00Z',
    '/tracks/seg/sessions?asOf=2026-03-12&knownAt=2026-03-12T00:00:00Z', '/norms/n-cert?asOf=2026-03-12&knownAt=2026-03-12T00:00:00Z', '/norms/n-infra?knownAt=2026-03-12T00:00:00Z',
  ];
  for (const path of reads) answers[path] = await read(path);
  // The decision was taken with every party's support (consensus held: no flag); capital confirmed.
  const infra = (answers['/tracks/seg/board'] as { rows: Array<{ id: string; consensusPossible: boolean; flags: string[] }> }).rows.find((row) => row.id === 'n-infra');
  expect(infra).toMatchObject({ consensusPossible: true, flags: [] });
  expect(JSON.stringify(answers['/norms/n-infra'])).toContain('agree_ad_referendum');
  // The correction is known now, not on March 12: the two answers differ, or the cut did nothing.
  expect(JSON.stringify(answers['/norms/n-cert'])).toContain('reserves');
  expect(answers['/norms/n-cert?asOf=2026-03-12&knownAt=2026-03-12T00:00:00Z']).not.toEqual(answers['/norms/n-cert']);
  expect(answers['/tracks/seg/board?asOf=2026-02-20']).not.toEqual(answers['/tracks/seg/board']);

  // The live board: a snapshot, then the row a new command changes.
  const live = await openLive(t, '/tracks/seg/board/live', { Authorization: `Bearer ${CLERK_TOKEN}` });
  try {
    expect(live.response.statusCode).toBe(200);
    const snapshot = await live.frame(1);
    expect(snapshot).toMatchObject({ event: 'snapshot', id: correction.body.position, data: { trackId: 'seg' } });
    answers['live snapshot'] = snapshot.data;
    t.fixClock('2026-03-26T10:00:00.000Z');
    const stated = await ok(t, '/cbms/c-hotline/positions', { statementId: 'st-9', partyId: 'cn', stance: 'abstains', text: 'cn abstains', channel: 'written' });
    const row = await live.frame(2);
    expect(row).toMatchObject({ event: 'row', id: stated.body.position, data: { kind: 'cbm', id: 'c-hotline', stances: { cn: { stance: 'abstains', statementId: 'st-9' } } } });
    answers['live row'] = row.data;
  } finally {
    live.response.destroy();
  }

  // A rebuild of the read models answers the same afterwards.
  const before: Record<string, unknown> = {};
  for (const path of reads) before[path] = await read(path);
  const rebuilt = await t.post('/projections/rebuild');
  expect(rebuilt.status).toBe(200);
  answers['rebuild'] = { events: rebuilt.body.events, streams: rebuilt.body.streams, tracks: rebuilt.body.tracks };
  for (const path of reads) expect([path, await read(path)]).toEqual([path, before[path]]);

  // Audit: verify, checkpoint, verify again with the checkpoint, pages and NDJSON, the bundle.
  const verified = await t.http().post('/audit/verify').set('Authorization', `Bearer ${AUDITOR_TOKEN}`);
  expect(verified.status).toBe(200);
  expect(verified.body).toMatchObject({ ok: true, problems: [], checkpointsChecked: 0 });
  answers['verify'] = verified.body;
  const checkpoint = await t.http().post('/audit/checkpoints').set('Authorization', `Bearer ${AUDITOR_TOKEN}`);
  expect(checkpoint.status).toBe(201);
  answers['checkpoint'] = { ...checkpoint.body, checkpoint: { ...checkpoint.body.checkpoint, root: 'x', signature: 'x', issuedAt: 'x' } };
  const reverified = await t.http().post('/audit/verify').set('Authorization', `Bearer ${AUDITOR_TOKEN}`);
  expect(reverified.body).toMatchObject({ ok: true, problems: [], checkpointsChecked: 1, unsignedEvents: 0 });
  answers['verify after checkpoint'] = reverified.body;
  answers['checkpoints'] = (await audit('/audit/checkpoints')).body;

  const all = await audit('/audit/events?limit=1000');
  expect(all.status).toBe(200);
  const events = all.body.events as Array<{ position: string; type: string; streamId: string; revision: number }>;
  let paged: typeof events = [];
  let after: string | null = null;
  do {
    const page: request.Response = await audit(`/audit/events?limit=7${after === null ? '' : `&after=${after}`}`);
    expect(page.status).toBe(200);
    paged = [...paged, ...page.body.events];
    after = page.body.next;
  } while (after !== null);
  expect(paged).toEqual(events);
  const lines = ndjson((await audit('/audit/events').set('Accept', 'application/x-ndjson').buffer(true).parse(asText)).body as string);
  expect(lines).toEqual(events);
  const cn = await audit('/audit/events?streamId=norm-n-cert&type=RecordCorrected');
  expect(cn.body.events.map((event: { streamId: string; type: string }) => [event.streamId, event.type])).toEqual([['norm-n-cert', 'RecordCorrected']]);
  answers['stream'] = (await audit('/audit/streams/norm-n-cert')).body;

  const bundle = await audit('/audit/bundle').buffer(true).parse(asText);
  expect(bundle.status).toBe(200);
  const file = join(scratch, 'bundle.ndjson');
  writeFileSync(file, bundle.body as string);
  const bundleEvents = ndjson(bundle.body as string).filter((line) => line.eventId !== undefined);
  expect(bundleEvents.map((line) => line.eventId)).toEqual(lines.map((line) => line.eventId));
  const keyId = (await audit('/audit/public-key')).body.keyId as string;
  expect(await verifyBundle(file, { expectKeyId: keyId })).toMatchObject({ ok: true, problems: [], checkpointsChecked: 1, eventsChecked: events.length });

  return { answers, eventTypes: events.map((event) => `${event.streamId}/${event.revision} ${event.type}`) };
};

describe('every user-facing path on the EventStoreDB adapter, against an in-process protocol fake of EventStoreDB (not EventStoreDB), compared with SQLite', () => {
  const dirs: string[] = [];
  const fakes: EsdbFake[] = [];
  const fresh = async (): Promise<EsdbFake> => {
    const fake = await startEsdbFake({ statsIntervalMs: 0 });
    fakes.push(fake);
    return fake;
  };
  const dir = (): string => {
    const made = tempDir();
    dirs.push(made);
    return made;
  };
  afterAll(async () => {
    for (const fake of fakes) await fake.stop();
    for (const made of dirs) removeDir(made);
  });

  it('the server: a complete track recorded and read back in every way answers as on SQLite', async () => {
    const run = async (env: Record<string, string>): Promise<Transcript> => {
      const dataDir = newDataDir();
      const t = await startApp(dataDir, env);
      try {
        return await sweepServer(t, dir());
      } finally {
        await t.close();
        removeDataDir(dataDir);
      }
    };
    const fake = await fresh();
    const onFake = await run({ LEDGER_STORE: 'eventstoredb', ESDB_CONNECTION_STRING: fake.connectionString });
    const onSqlite = await run({});
    expect(onFake.eventTypes).toEqual(onSqlite.eventTypes);
    expect(Object.keys(onFake.answers)).toEqual(Object.keys(onSqlite.answers));
    for (const name of Object.keys(onSqlite.answers)) {
      expect([name, normalized(onFake.answers[name])]).toEqual([name, normalized(onSqlite.answers[name])]);
    }
  });

  describe('the CLI (dist)', () => {
    const esdb = (fake: EsdbFake, dataDir: string) => ({ LEDGER_DATA_DIR: dataDir, LEDGER_STORE: 'eventstoredb', ESDB_CONNECTION_STRING: fake.connectionString });
    const succeeded = (run: CliRun, command: string, stderr: string | RegExp = ''): CliRun => {
      expect([command, run.status, run.stderr]).toEqual([command, 0, typeof stderr === 'string' ? stderr : expect.stringMatching(stderr)]);
      return run;
    };
    const CREATED_KEY = (command: string) => new RegExp(`^norms-ledger ${command}: created the signing key \\S+signing-key.pem \\(key \\w+\\): keep a copy; the checkpoints it signs verify only with it\\n$`);
    const TRUSTED_NOTE = (keyId: string, dataDir: string) =>
      `norms-ledger verify: note: besides this ledger's own signing key, the checkpoints were checked with key ${keyId} from ${join(dataDir, 'trusted-keys.json')} (put there by import or trust-key)\n`;
    /** The demo track's board and matrix, served from `dataDir` (a new directory, removed after, unless given). */
    const boardOf = async (env: Record<string, string>, dataDir?: string) => {
      const t = await startApp(dataDir ?? newDataDir(), env);
      try {
        const board = await t.http().get('/tracks/us-cn-seg/board').set('Authorization', `Bearer ${CLERK_TOKEN}`);
        expect(board.status).toBe(200);
        const matrix = await t.http().get('/tracks/us-cn-seg/matrix').set('Authorization', `Bearer ${CLERK_TOKEN}`);
        expect(matrix.status).toBe(200);
        return { board: board.body as { rows: unknown[] }, matrix: matrix.body as unknown };
      } finally {
        await t.close();
        if (dataDir === undefined) removeDataDir(t.dataDir);
      }
    };

    it('demo, rebuild, checkpoint, verify, export, import into another server, trust-key: each exits 0 and does what it says, as on SQLite', async () => {
      const fake = await fresh();
      const work = dir();
      const dataDir = join(work, 'data');
      const env = esdb(fake, dataDir);

      const demo = succeeded(await runCliAsync(['demo'], env), 'demo');
      expect(demo.stdout).toMatch(/^demo: loaded track us-cn-seg: \d+ commands, \d+ events in \d+ streams in [\d.]+ s \(eventstoredb\)/);
      // The server it says to start opens the same store: every setting that points there, the fake's connection string too.
      expect(demo.stdout).toContain(`start the server (LEDGER_DATA_DIR=${dataDir} LEDGER_STORE=eventstoredb ESDB_CONNECTION_STRING="${fake.connectionString}" npm start)`);
      const sqliteDir = join(work, 'sqlite');
      const sqliteDemo = succeeded(await runCliAsync(['demo'], { LEDGER_DATA_DIR: sqliteDir }), 'demo on SQLite');
      const counts = (stdout: string) => stdout.replace(/ in [\d.]+ s \(.*$/s, '');
      expect(counts(demo.stdout)).toBe(counts(sqliteDemo.stdout));
      // The server on the fake shows the demo's board, the same as on SQLite (positions aside).
      const demoBoard = await boardOf({ LEDGER_STORE: 'eventstoredb', ESDB_CONNECTION_STRING: fake.connectionString });
      expect(demoBoard.board.rows.length).toBeGreaterThan(0);
      const sqliteBoard = await boardOf({ LEDGER_DATA_DIR: sqliteDir });
      expect(normalized(demoBoard)).toEqual(normalized(sqliteBoard));
      // A second demo into the same server is refused, nothing written.
      const written = fake.log.events.length;
      const again = await runCliAsync(['demo'], env);
      expect([again.status, again.stderr]).toEqual([2, expect.stringMatching(/^norms-ledger demo: the store is not empty \(last position \d+\); the demo loads only into an empty store/)]);
      expect(fake.log.events.length).toBe(written);

      // No store file made the data directory on EventStoreDB: the rebuild makes it, for its lock and the read models.
      const rebuild = succeeded(await runCliAsync(['rebuild'], env), 'rebuild');
      expect(rebuild.stdout).toContain(` into ${join(dataDir, '')}`);
      const sqliteRebuild = succeeded(await runCliAsync(['rebuild'], { LEDGER_DATA_DIR: sqliteDir }), 'rebuild on SQLite');
      const timeless = (line: string) => line.replace(/ in [\d.]+ s \(\d+ events\/s\) into .*$/s, '');
      expect(timeless(rebuild.stdout)).toMatch(/^rebuild: \d+ events, \d+ streams, 1 track$/);
      expect(timeless(rebuild.stdout)).toBe(timeless(sqliteRebuild.stdout));

      const verifyEmpty = succeeded(await runCliAsync(['verify', '--json'], env), 'verify');
      const firstReport = JSON.parse(verifyEmpty.stdout);
      expect(firstReport).toMatchObject({ ok: true, problems: [], checkpointsChecked: 0 });
      const sqliteReport = JSON.parse(succeeded(await runCliAsync(['verify', '--json'], { LEDGER_DATA_DIR: sqliteDir }), 'verify on SQLite').stdout);
      expect(normalized(firstReport)).toEqual(normalized(sqliteReport));

      const checkpoint = succeeded(await runCliAsync(['checkpoint'], env), 'checkpoint', CREATED_KEY('checkpoint'));
      expect(checkpoint.stdout).toMatch(new RegExp(`^checkpoint issued at position \\d+: ${firstReport.eventsChecked} events in \\d+ streams up to position \\d+, root [0-9a-f]+, key \\S+\\n$`));
      const verifyText = succeeded(await runCliAsync(['verify'], env), 'verify after checkpoint');
      expect(verifyText.stdout).toMatch(/^ledger OK: \d+ events in \d+ streams, 1 checkpoint verified\nsigned: checkpoints cover positions up to \d+; 0 events after it are covered by no checkpoint\n$/);
      const verified = JSON.parse(succeeded(await runCliAsync(['verify', '--json'], env), 'verify --json after checkpoint').stdout);
      expect(verified).toMatchObject({ ok: true, problems: [], checkpointsChecked: 1, eventsChecked: firstReport.eventsChecked + 1, unsignedEvents: 0 });

      const bundle = join(work, 'bundle.ndjson');
      const exported = succeeded(await runCliAsync(['export', '--out', bundle], env), 'export');
      const keyId = /key (\S+)\)/.exec(exported.stdout)![1]!;
      expect(exported.stdout).toBe(`exported ${verified.eventsChecked} events to ${bundle} (${readFileSync(bundle).length} bytes, key ${keyId})\n`);
      const offline = JSON.parse(succeeded(await runCliAsync(['verify', '--bundle', bundle, '--key-id', keyId, '--json'], {}), 'verify --bundle').stdout);
      expect(offline).toMatchObject({ ok: true, problems: [], checkpointsChecked: 1, eventsChecked: verified.eventsChecked, signedUpTo: verified.signedUpTo });

      // Into another, empty server, from another data directory.
      const target = await fresh();
      const movedDir = join(work, 'moved');
      const movedEnv = esdb(target, movedDir);
      const imported = succeeded(await runCliAsync(['import', '--in', bundle, '--key-id', keyId], movedEnv), 'import', CREATED_KEY('import'));
      expect(imported.stdout).toMatch(new RegExp(`^imported ${verified.eventsChecked} events in \\d+ streams \\(1 checkpoint, key ${keyId}\\) from `));
      const movedReport = JSON.parse(succeeded(await runCliAsync(['verify', '--json'], movedEnv), 'verify after import', TRUSTED_NOTE(keyId, movedDir)).stdout);
      expect(movedReport).toMatchObject({ ok: true, problems: [], checkpointsChecked: 1, eventsChecked: verified.eventsChecked, unsignedEvents: 0 });
      succeeded(await runCliAsync(['rebuild'], movedEnv), 'rebuild after import');
      // The moved ledger's server, on the directory the import and the rebuild wrote to.
      expect(normalized(await boardOf(movedEnv, movedDir))).toEqual(normalized(demoBoard));
      succeeded(await runCliAsync(['checkpoint'], movedEnv), 'checkpoint after import');
      expect(JSON.parse(succeeded(await runCliAsync(['verify', '--json'], movedEnv), 'verify after a new checkpoint', TRUSTED_NOTE(keyId, movedDir)).stdout)).toMatchObject({ ok: true, checkpointsChecked: 2 });

      // trust-key: the first ledger's key trusted by a third directory on the first server.
      const publicKey = join(work, 'public-key.json');
      writeFileSync(publicKey, JSON.stringify(ndjson(readFileSync(bundle, 'utf8')).at(-1)));
      const thirdEnv = esdb(fake, join(work, 'third'));
      // Without the key, the first ledger's checkpoint is signed by an unknown key: verify fails, and says so in its exit code.
      const untrusted = await runCliAsync(['verify', '--json'], thirdEnv);
      expect(untrusted.status).toBe(1);
      expect(JSON.parse(untrusted.stdout)).toMatchObject({ ok: false, problems: [{ streamId: 'ledger-checkpoints', problem: 'unknown-key' }] });
      const trusted = succeeded(await runCliAsync(['trust-key', '--in', publicKey], thirdEnv), 'trust-key');
      expect(trusted.stdout).toBe(`trusting key ${keyId} (from ${publicKey}): checkpoints it signed verify here\n`);
      const third = JSON.parse(succeeded(await runCliAsync(['verify', '--json'], thirdEnv), 'verify with the trusted key', TRUSTED_NOTE(keyId, join(work, 'third'))).stdout);
      expect(third).toMatchObject({ ok: true, problems: [], checkpointsChecked: 1 });
    }, 120_000);
  });
});
