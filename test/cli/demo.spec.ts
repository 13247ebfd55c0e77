import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { CliIo } from '../../src/cli/cli-io.js';
import { runDemo } from '../../src/cli/commands/demo.command.js';
import { runRebuild } from '../../src/cli/commands/rebuild.command.js';
import { loadConfig } from '../../src/config/app-config.js';
import { DEMO_STEPS } from '../../src/demo/demo-track.js';
import { SqliteEventStore } from '../../src/infrastructure/sqlite/sqlite-event-store.js';
import { markerFileOf, rebuildLockOf } from '../../src/shared/running-server.js';

/** Captures what a command writes; `tty` pretends stderr is a terminal (progress bar). */
const captureIo = (tty = false): CliIo & { stdout: () => string; stderr: () => string } => {
  const out: string[] = [];
  const err: string[] = [];
  const stream = (sink: string[], isTTY: boolean) =>
    ({ isTTY, write: (chunk: string) => sink.push(String(chunk)) > 0, on: () => undefined, once: () => undefined, removeListener: () => undefined, cursorTo: () => true, clearLine: () => true, columns: 120 }) as unknown as NodeJS.WriteStream;
  return { out: stream(out, false), err: stream(err, tty), stdout: () => out.join(''), stderr: () => err.join('') };
};

const countEvents = async (dataDir: string): Promise<number> => {
  const store = new SqliteEventStore({ file: join(dataDir, 'ledger.sqlite') });
  try {
    return Number((await store.headPosition()) ?? 0);
  } finally {
    await store.close();
  }
};

describe('norms-ledger demo, then rebuild', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'norms-ledger-demo-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  const configFor = (dir: string) => loadConfig({ LEDGER_DATA_DIR: dir, LOG_LEVEL: 'silent', LEDGER_SQLITE_SYNCHRONOUS: 'NORMAL' });

  it('loads into an empty data directory, reports progress lines and one summary line, then refuses a second load writing nothing', async () => {
    const io = captureIo();
    expect(await runDemo(configFor(dataDir), io)).toBe(0);
    expect(io.stdout()).toMatch(
      new RegExp(`^demo: loaded track us-cn-seg: ${DEMO_STEPS.length} commands, \\d+ events in \\d+ streams in \\d+\\.\\d s \\(sqlite, ${dataDir}\\); start the server \\(LEDGER_DATA_DIR=${dataDir} npm start\\) and open http://127\\.0\\.0\\.1:3000/\\n$`),
    );
    const events = await countEvents(dataDir);
    expect(events).toBeGreaterThanOrEqual(DEMO_STEPS.length);

    const again = captureIo();
    expect(await runDemo(configFor(dataDir), again)).not.toBe(0);
    expect(again.stdout()).toBe('');
    expect(again.stderr()).toBe(`norms-ledger demo: the store is not empty (last position ${events}); the demo loads only into an empty store: point LEDGER_DATA_DIR at a new directory\n`);
    expect(await countEvents(dataDir)).toBe(events);
  });

  it.each([
    [{ PORT: '4825' }, 'PORT=4825 npm start', 'http://127.0.0.1:4825/'],
    [{ HOST: '0.0.0.0' }, 'HOST=0.0.0.0 npm start', 'http://127.0.0.1:3000/'],
    [{ HOST: '::', PORT: '4000' }, 'PORT=4000 HOST=:: npm start', 'http://[::1]:4000/'],
    [{ HOST: '::1' }, 'HOST=::1 npm start', 'http://[::1]:3000/'],
    [{ HOST: 'localhost' }, 'HOST=localhost npm start', 'http://localhost:3000/'],
  ])('with %j, suggests a start with the same settings, and an address a browser on this machine can open', async (env, command, url) => {
    const io = captureIo();
    expect(await runDemo(loadConfig({ LEDGER_DATA_DIR: dataDir, LOG_LEVEL: 'silent', LEDGER_SQLITE_SYNCHRONOUS: 'NORMAL', ...env }), io)).toBe(0);
    const out = io.stdout();
    expect(out.slice(out.indexOf('; start the server'))).toBe(`; start the server (LEDGER_DATA_DIR=${dataDir} ${command}) and open ${url}\n`);
  });

  it('draws a progress bar on a terminal, on stderr, keeping stdout to the summary', async () => {
    const io = captureIo(true);
    expect(await runDemo(configFor(dataDir), io)).toBe(0);
    expect(io.stdout().split('\n').filter(Boolean)).toHaveLength(1);
    expect(io.stderr()).toContain(`${DEMO_STEPS.length}/${DEMO_STEPS.length}`);
  });

  it('rebuild replays the demo into the read-model file and answers with counts, duration and events/s', async () => {
    expect(await runDemo(configFor(dataDir), captureIo())).toBe(0);
    const events = await countEvents(dataDir);
    const io = captureIo();
    expect(await runRebuild(configFor(dataDir), io)).toBe(0);
    expect(io.stdout()).toMatch(new RegExp(`^rebuild: ${events} events, \\d+ streams, 1 track in \\d+\\.\\d\\d s \\(\\d+ events/s\\) into ${join(dataDir, 'read-models.sqlite')}\\n$`));
    expect(existsSync(join(dataDir, 'read-models.sqlite'))).toBe(true);
  });

  it('demo refuses a data directory a running server serves, as import and rebuild do, writing nothing', async () => {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    // The parent of this test process: alive, and not this process.
    writeFileSync(markerFileOf(dataDir, process.ppid), JSON.stringify({ pid: process.ppid, url: 'http://127.0.0.1:3999' }));
    const io = captureIo();
    expect(await runDemo(configFor(dataDir), io)).toBe(2);
    expect(io.stderr()).toBe(
      `norms-ledger demo: a norms-ledger server (pid ${process.ppid}, http://127.0.0.1:3999) serves LEDGER_DATA_DIR=${dataDir}: stop it before loading the demo; nothing was written\n`,
    );
    expect(readdirSync(dataDir)).toEqual([basename(markerFileOf(dataDir, process.ppid))]);
  });

  it('rebuild refuses a data directory a running server serves (it would keep its old read models), changing nothing; a server that is gone does not count', async () => {
    expect(await runDemo(configFor(dataDir), captureIo())).toBe(0);
    expect(await runRebuild(configFor(dataDir), captureIo())).toBe(0);
    // The parent of this test process: alive, and not this process.
    writeFileSync(markerFileOf(dataDir, process.ppid), JSON.stringify({ pid: process.ppid, url: 'http://127.0.0.1:3999' }));
    const before = statSync(join(dataDir, 'read-models.sqlite')).ino;
    const io = captureIo();
    expect(await runRebuild(configFor(dataDir), io)).toBe(2);
    expect(io.stderr()).toBe(
      `norms-ledger rebuild: a norms-ledger server (pid ${process.ppid}, http://127.0.0.1:3999) serves LEDGER_DATA_DIR=${dataDir}: rebuild through it (POST http://127.0.0.1:3999/projections/rebuild, role clerk or auditor) or stop it first; nothing was changed\n`,
    );
    expect(statSync(join(dataDir, 'read-models.sqlite')).ino).toBe(before);
    // A file left by a server killed without cleaning up (no such process).
    rmSync(markerFileOf(dataDir, process.ppid));
    writeFileSync(markerFileOf(dataDir, 2 ** 22 + 12345), JSON.stringify({ pid: 2 ** 22 + 12345, url: 'http://127.0.0.1:3999' }));
    expect(await runRebuild(configFor(dataDir), captureIo())).toBe(0);
  });

  it('rebuild refuses while another rebuild runs on the data directory, changing nothing; a lock left by a process that is gone is taken over and released', async () => {
    expect(await runDemo(configFor(dataDir), captureIo())).toBe(0);
    expect(await runRebuild(configFor(dataDir), captureIo())).toBe(0);
    expect(existsSync(rebuildLockOf(dataDir))).toBe(false);
    // The parent of this test process: alive, and not this process.
    writeFileSync(rebuildLockOf(dataDir), JSON.stringify({ pid: process.ppid }));
    const before = statSync(join(dataDir, 'read-models.sqlite')).ino;
    const io = captureIo();
    expect(await runRebuild(configFor(dataDir), io)).toBe(2);
    expect(io.stderr()).toBe(
      `norms-ledger rebuild: another norms-ledger rebuild (pid ${process.ppid}) is rebuilding the read models of LEDGER_DATA_DIR=${dataDir}: wait for it to finish (if pid ${process.ppid} is no rebuild, remove ${rebuildLockOf(dataDir)}); nothing was changed\n`,
    );
    expect(statSync(join(dataDir, 'read-models.sqlite')).ino).toBe(before);
    writeFileSync(rebuildLockOf(dataDir), JSON.stringify({ pid: 2 ** 22 + 12345 }));
    expect(await runRebuild(configFor(dataDir), captureIo())).toBe(0);
    expect(existsSync(rebuildLockOf(dataDir))).toBe(false);
  });

  it('rebuild into a read-model path it cannot replace (a directory in its place) is one line naming it, and leaves no half-built file', async () => {
    expect(await runDemo(configFor(dataDir), captureIo())).toBe(0);
    for (const suffix of ['', '-wal', '-shm']) rmSync(join(dataDir, `read-models.sqlite${suffix}`), { force: true });
    mkdirSync(join(dataDir, 'read-models.sqlite', 'x'), { recursive: true });
    const io = captureIo();
    expect(await runRebuild(configFor(dataDir), io)).toBe(2);
    expect(io.stderr()).toMatch(
      new RegExp(`^norms-ledger rebuild: cannot put the rebuilt read models in place at ${join(dataDir, 'read-models.sqlite').replace(/[.]/g, '\\.')} \\(.+\\): it must be a file this user can replace; check LEDGER_DATA_DIR\n$`),
    );
    expect(existsSync(join(dataDir, 'read-models.sqlite.rebuild'))).toBe(false);
  });

  it('rebuild refuses a data directory with no ledger, creating none', async () => {
    const io = captureIo();
    expect(await runRebuild(configFor(join(dataDir, 'nothing-here')), io)).not.toBe(0);
    expect(io.stderr()).toMatch(/^norms-ledger rebuild: no ledger at .*nothing-here.*\n$/);
    expect(existsSync(join(dataDir, 'nothing-here', 'ledger.sqlite'))).toBe(false);
  });

  it.each([
    ['under /proc, where Node\'s own recursive mkdir never returns', '/proc/norms-ledger-test/data'],
    ['below a file', 'FILE/data'],
  ])('demo into a data directory that cannot be made (%s) is one line and a non-zero exit', async (_why, where) => {
    const target = where.replace('FILE', join(dataDir, 'a-file'));
    if (where.startsWith('FILE')) writeFileSync(join(dataDir, 'a-file'), 'x');
    const io = captureIo();
    expect(await runDemo(configFor(target), io)).not.toBe(0);
    expect(io.stderr()).toMatch(/^norms-ledger demo: .*(cannot create the directory|is not a directory).*\n$/);
  });
});
