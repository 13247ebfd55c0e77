import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sha256OfToken } from '../../src/auth/tokens.js';
import { type Answer, AUDITOR, CLERK, freePort, JsonClient, LedgerProcess, positionBody, seedTrack } from '../reliability/support/ledger-process.js';
import { listing, removeDir, runCli, runCliAsync, tempDir } from './support/cli-process.js';

/**
 * README "Backup and restore", step by step, against real processes: `node dist/main.js` serving a
 * data directory and the built CLI. The tests run in order, each on what the one before left (one
 * operator's backup, then the restore from it).
 */

const TRACK = 'br-track';
const SESSION = 'br-s1';
const NORMS = ['br-n1', 'br-n2'] as const;
const KEYED = { path: `/norms/${NORMS[0]}/positions`, body: positionBody('st-keyed', 1, SESSION), headers: { 'Idempotency-Key': 'before-the-backup-1' } };

interface Envelope {
  readonly position: string;
  readonly eventId: string;
  readonly metadata: { readonly hash: string; readonly recordedAt: string };
}

const envelopesOf = (ndjson: string): Envelope[] =>
  ndjson
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Envelope);

/** The whole log of a running server, as GET /audit/events streams it. */
const logOf = async (client: JsonClient): Promise<Envelope[]> => {
  const answer = await client.request('GET', '/audit/events', { token: AUDITOR, headers: { accept: 'application/x-ndjson' } });
  expect(answer.status).toBe(200);
  return envelopesOf(answer.body as string);
};

const boardOf = async (client: JsonClient, query = ''): Promise<unknown> => {
  const answer = await client.get(`/tracks/${TRACK}/board${query}`);
  expect(answer.status).toBe(200);
  return answer.body;
};

/** Waits until this clock has passed `recordedAt`, so that the next command is recorded at a later millisecond. */
const after = async (recordedAt: string): Promise<void> => {
  while (Date.now() <= Date.parse(recordedAt)) await new Promise((wake) => setTimeout(wake, 1));
};

describe('backup and restore as README "Backup and restore" says (built server and CLI)', () => {
  let dir: string;
  let dataDir: string;
  let restored: string;
  let bundle: string;
  let original: LedgerProcess;
  let server: LedgerProcess | undefined;
  let client: JsonClient | undefined;
  // What the backup left for the restore to check against.
  let keyId: string;
  let bundled: Envelope[];
  let keyedAnswer: Answer;
  let boardAtBundle: unknown;
  let bundleKnownAt: string;

  beforeAll(async () => {
    dir = tempDir();
    dataDir = join(dir, 'data');
    restored = join(dir, 'restored');
    bundle = join(dir, 'backup', 'ledger.ndjson');
    mkdirSync(join(dir, 'backup'));
    mkdirSync(dataDir, { mode: 0o700 });
    // The tokens.json a first start writes (only hashes), made here so that the test knows the tokens.
    writeFileSync(
      join(dataDir, 'tokens.json'),
      `${JSON.stringify([{ name: 'clerk', role: 'clerk', sha256: sha256OfToken(CLERK) }, { name: 'auditor', role: 'auditor', sha256: sha256OfToken(AUDITOR) }], null, 2)}\n`,
      { mode: 0o600 },
    );
  });

  afterAll(async () => {
    client?.close();
    await server?.stop();
    await original?.stop();
    removeDir(dir);
  });

  it('backup: export while the server serves the directory and commands are being recorded; the bundle is a prefix of the log and verifies with the key pinned', async () => {
    // Tokens from <data dir>/tokens.json, as after a first start without LEDGER_TOKENS.
    original = new LedgerProcess(dataDir, await freePort(), { LEDGER_TOKENS: undefined });
    await original.start();
    const live = new JsonClient(original.port);
    client = live;
    await seedTrack(live, TRACK, SESSION, NORMS);
    keyedAnswer = await live.ok(KEYED.path, KEYED.body, KEYED.headers);
    const checkpoint = await live.ok('/audit/checkpoints', undefined);
    keyId = (await live.get('/audit/public-key')).body.keyId;
    expect(checkpoint.body.checkpoint.keyId).toBe(keyId);

    // Commands one after the other, each at a later millisecond than the one before (so that the
    // board "as known at" the bundle's last event is the board at its position), until the export ends.
    let last = checkpoint.body.recordedAt as string;
    let exporting = false;
    let writing = true;
    let answeredDuringExport = 0;
    let n = 0;
    const write = async (): Promise<void> => {
      await after(last);
      const answer = await live.ok(`/norms/${NORMS[n % 2]}/positions`, positionBody(`st-w${n}`, n, SESSION));
      n++;
      last = answer.body.recordedAt;
      if (exporting) answeredDuringExport++;
    };
    await write();
    const writer = (async () => {
      while (writing) await write();
    })();
    exporting = true;
    const exported = await runCliAsync(['export', '--out', bundle], { LEDGER_DATA_DIR: dataDir }).finally(() => {
      exporting = false;
      writing = false;
    });
    await writer;
    expect(exported).toEqual({ status: 0, stdout: expect.stringMatching(new RegExp(`^exported \\d+ events to ${bundle} \\(\\d+ bytes, key ${keyId}\\)\\n$`)), stderr: '' });
    // Commands were recorded while the export ran, and every one was answered 201 (write throws otherwise).
    expect(answeredDuringExport).toBeGreaterThan(0);

    const lines = readFileSync(bundle, 'utf8').trimEnd().split('\n');
    expect(JSON.parse(lines.at(-1)!)).toEqual({ publicKey: expect.objectContaining({ keyId }) });
    bundled = envelopesOf(lines.slice(0, -1).join('\n'));
    expect(exported.stdout).toContain(`exported ${bundled.length} events`);
    // A consistent prefix of the log: the first events, byte for byte as the server streams them.
    const log = await logOf(live);
    expect(log.slice(0, bundled.length)).toEqual(bundled);
    expect(bundled.map((event) => event.eventId)).toEqual(expect.arrayContaining([...keyedAnswer.body.events.map((event: { eventId: string }) => event.eventId), ...checkpoint.body.events.map((event: { eventId: string }) => event.eventId)]));
    // What the ledger knew at the bundle's last event is what the bundle holds: nothing after it was recorded in the same millisecond.
    bundleKnownAt = bundled.at(-1)!.metadata.recordedAt;
    if (log.length > bundled.length) expect(log[bundled.length]!.metadata.recordedAt > bundleKnownAt).toBe(true);
    boardAtBundle = await boardOf(live, `?knownAt=${bundleKnownAt}`);
    const verified = await live.post('/audit/verify', undefined, {}, AUDITOR);
    expect(verified.body).toMatchObject({ ok: true, eventsChecked: log.length });

    // The offline check of the backup, with the key pinned.
    const offline = runCli(['verify', '--bundle', bundle, '--key-id', keyId], {});
    expect(offline.stdout).toMatch(new RegExp(`^bundle ${bundle} OK: ${bundled.length} events in \\d+ streams, 1 checkpoint verified \\(signed by key ${keyId}\\)\\n`));
    expect(offline.status).toBe(0);

    live.close();
    client = undefined;
    await original.stop();
  }, 120_000);

  it('restore: the key file and tokens.json put in a new directory, then import --key-id into it; the key in place signs on, no new key is made', () => {
    // The README's commands: verify the bundle, make the directory, copy the kept files, import.
    expect(runCli(['verify', '--bundle', bundle, '--key-id', keyId], {}).status).toBe(0);
    mkdirSync(restored, { mode: 0o700 });
    const kept = ['signing-key.pem', 'trusted-keys.json', 'tokens.json'].filter((name) => existsSync(join(dataDir, name)));
    expect(kept).toEqual(['signing-key.pem', 'tokens.json']);
    const copied = spawnSync('cp', ['-p', ...kept.map((name) => join(dataDir, name)), `${restored}/`], { encoding: 'utf8' });
    expect(copied.status).toBe(0);

    const imported = runCli(['import', '--in', bundle, '--key-id', keyId], { LEDGER_DATA_DIR: restored });
    expect(imported.stdout).toMatch(new RegExp(`^imported ${bundled.length} events in \\d+ streams \\(1 checkpoint, key ${keyId}\\) from ${bundle}\\n$`));
    // Nothing said about a key: none was made, and the bundle's key is this ledger's own (no trusted-keys.json).
    expect(imported.stderr).not.toMatch(/key/);
    expect(imported.status).toBe(0);
    expect(listing(restored)).toEqual(['ledger.sqlite', 'signing-key.pem', 'tokens.json']);
  });

  it('the restored server: rebuilds its read models from the log, verifies, holds the bundle\'s events, shows the same board, replays a keyed command, signs with the same key, records on top', async () => {
    server = new LedgerProcess(restored, await freePort(), { LEDGER_TOKENS: undefined, LOG_LEVEL: 'info' });
    await server.start();
    expect(server.log).toMatch(new RegExp(`read models built on .* from ${bundled.length} events`));
    expect(server.log).not.toMatch(/no tokens were configured/);
    const there = new JsonClient(server.port);
    client = there;

    const verify = runCli(['verify'], { LEDGER_DATA_DIR: restored });
    expect(verify.stdout).toMatch(new RegExp(`^ledger OK: ${bundled.length} events in \\d+ streams, 1 checkpoint verified\\n`));
    expect(verify.status).toBe(0);
    expect((await there.post('/audit/verify', undefined, {}, AUDITOR)).body).toMatchObject({ ok: true, eventsChecked: bundled.length, problems: [] });

    // Every event of the bundle, same ids, hashes and positions, and nothing else.
    expect(await logOf(there)).toEqual(bundled);
    expect(await boardOf(there, `?knownAt=${bundleKnownAt}`)).toEqual(boardAtBundle);
    expect(await boardOf(there)).toEqual({ ...(boardAtBundle as object), knownAt: null });

    // A retry of a command keyed before the backup: the first answer, nothing appended.
    const retried = await there.post(KEYED.path, KEYED.body, KEYED.headers);
    expect(retried.status).toBe(201);
    expect(retried.body).toEqual(keyedAnswer.body);
    expect((await logOf(there)).length).toBe(bundled.length);

    // Checkpoints go on with the same key; a new command appends on top; the chain verifies.
    expect((await there.get('/audit/public-key')).body.keyId).toBe(keyId);
    const checkpoint = await there.ok('/audit/checkpoints', undefined);
    expect(checkpoint.body.checkpoint.keyId).toBe(keyId);
    const next = await there.ok(`/norms/${NORMS[1]}/positions`, positionBody('st-after-restore', 2, SESSION));
    expect(BigInt(next.body.position)).toBeGreaterThan(BigInt(bundled.at(-1)!.position));
    const log = await logOf(there);
    expect(log.slice(0, bundled.length)).toEqual(bundled);
    expect(log.length).toBe(bundled.length + 2);
    expect((await there.post('/audit/verify', undefined, {}, AUDITOR)).body).toMatchObject({ ok: true, eventsChecked: bundled.length + 2, signedUpTo: checkpoint.body.checkpoint.upTo, unsignedEvents: 1, problems: [] });
    const again = runCli(['verify'], { LEDGER_DATA_DIR: restored });
    expect(again.stdout).toMatch(new RegExp(`^ledger OK: ${bundled.length + 2} events in \\d+ streams, 2 checkpoints verified\\n`));
    expect(again.status).toBe(0);
  }, 120_000);

  it('a copy of the bundle that lost its last lines (a partial copy): verify --bundle says it is truncated (exit 1), import refuses it in one line (exit 2) and writes nothing', () => {
    const lines = readFileSync(bundle, 'utf8').trimEnd().split('\n');
    const cut = join(dir, 'backup', 'cut.ndjson');
    // Cut at a line's end: every line left is whole, the publicKey line and the last events are gone.
    writeFileSync(cut, `${lines.slice(0, -3).join('\n')}\n`);
    const verified = runCli(['verify', '--bundle', cut, '--key-id', keyId], {});
    expect(verified.stdout).toContain(`no {"publicKey": ...} line after line ${lines.length - 3}: the bundle is truncated or not a bundle`);
    expect(verified.status).toBe(1);

    const target = join(dir, 'restored-from-cut');
    mkdirSync(target, { mode: 0o700 });
    expect(spawnSync('cp', ['-p', join(dataDir, 'signing-key.pem'), join(dataDir, 'tokens.json'), `${target}/`]).status).toBe(0);
    const before = listing(target);
    const imported = runCli(['import', '--in', cut, '--key-id', keyId], { LEDGER_DATA_DIR: target });
    expect(imported.stdout).toBe('');
    // One line naming the cut above all (a checkpoint left in the copy is met before the missing last
    // line, as unknown-key: its public key went with that line); verify --bundle lists them all.
    expect(imported.stderr).toBe(
      `norms-ledger import: bundle ${cut} does not verify (2 problems; above all: line ${lines.length - 2}: missing-key: no {"publicKey": ...} line after line ${lines.length - 3}: the bundle is truncated or not a bundle); nothing was written\n`,
    );
    expect(imported.status).toBe(2);
    expect(listing(target)).toEqual(before);
  });
});
