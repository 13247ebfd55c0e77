import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { announceServer, markerFileOf, markServerRunning, processStart, rebuildLockOf, removeStaleMarkers, runningRebuild, runningServer, takeRebuildLock, urlOf } from '../../src/shared/running-server.js';

describe('server-<pid>.json: which live servers serve a data directory', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'norms-ledger-running-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('is written by the server (its pid and URL) and removed at its end; the server itself is not another server', () => {
    const remove = markServerRunning(dir, 'http://127.0.0.1:3000');
    expect(JSON.parse(readFileSync(markerFileOf(dir), 'utf8'))).toEqual({ pid: process.pid, url: 'http://127.0.0.1:3000', start: processStart(process.pid), dataDir: realpathSync(dir) });
    expect(runningServer(dir)).toBeUndefined();
    remove();
    expect(existsSync(markerFileOf(dir))).toBe(false);
  });

  it('names another live process, even when this one has its own file; ignores dead ones and a missing directory', () => {
    markServerRunning(dir, 'http://127.0.0.1:3000');
    writeFileSync(markerFileOf(dir, process.ppid), JSON.stringify({ pid: process.ppid, url: 'http://127.0.0.1:4000' }));
    expect(runningServer(dir)).toEqual({ pid: process.ppid, url: 'http://127.0.0.1:4000' });
    // A second server stopping removes only its own file.
    rmSync(markerFileOf(dir), { force: true });
    expect(runningServer(dir)).toEqual({ pid: process.ppid, url: 'http://127.0.0.1:4000' });
    rmSync(markerFileOf(dir, process.ppid));
    writeFileSync(markerFileOf(dir, 2 ** 22 + 4321), JSON.stringify({ pid: 2 ** 22 + 4321, url: 'http://127.0.0.1:4000' }));
    expect(runningServer(dir)).toBeUndefined();
    expect(runningServer(join(dir, 'none'))).toBeUndefined();
  });

  it('a marker or rebuild lock copied along with the data directory (a backup restored beside it) names the original, not the copy', () => {
    const start = processStart(process.ppid);
    writeFileSync(markerFileOf(dir, process.ppid), JSON.stringify({ pid: process.ppid, url: 'http://127.0.0.1:4000', start, dataDir: realpathSync(dir) }));
    writeFileSync(rebuildLockOf(dir), JSON.stringify({ pid: process.ppid, start, dataDir: realpathSync(dir) }));
    const copy = `${dir}-copy`;
    cpSync(dir, copy, { recursive: true });
    try {
      expect(runningServer(copy)).toBeUndefined();
      expect(runningRebuild(copy)).toBeUndefined();
      // The original still counts, also through a symlink to it.
      expect(runningServer(dir)).toEqual({ pid: process.ppid, url: 'http://127.0.0.1:4000' });
      expect(runningRebuild(dir)).toBe(process.ppid);
      symlinkSync(dir, `${dir}-link`);
      expect(runningServer(`${dir}-link`)).toEqual({ pid: process.ppid, url: 'http://127.0.0.1:4000' });
    } finally {
      rmSync(copy, { recursive: true, force: true });
      rmSync(`${dir}-link`, { force: true });
    }
  });

  it('a pid the system has given to another program since the marker was written does not count (its start time differs)', () => {
    const start = processStart(process.ppid);
    expect(start).toMatch(/^\d+$/);
    writeFileSync(markerFileOf(dir, process.ppid), JSON.stringify({ pid: process.ppid, url: 'http://127.0.0.1:4000', start }));
    expect(runningServer(dir)).toEqual({ pid: process.ppid, url: 'http://127.0.0.1:4000' });
    writeFileSync(markerFileOf(dir, process.ppid), JSON.stringify({ pid: process.ppid, url: 'http://127.0.0.1:4000', start: String(Number(start) + 1) }));
    expect(runningServer(dir)).toBeUndefined();
    removeStaleMarkers(dir);
    expect(existsSync(markerFileOf(dir, process.ppid))).toBe(false);
    // The rebuild lock likewise.
    writeFileSync(rebuildLockOf(dir), JSON.stringify({ pid: process.ppid, start: String(Number(start) + 1) }));
    expect(runningRebuild(dir)).toBeUndefined();
    writeFileSync(rebuildLockOf(dir), JSON.stringify({ pid: process.ppid, start }));
    expect(runningRebuild(dir)).toBe(process.ppid);
  });

  it('a rebuild and a server start that race: each announces itself, then looks for the other, and backs out when it finds it', () => {
    // The rebuild took the lock first: the server's announcement finds it and removes its mark.
    writeFileSync(rebuildLockOf(dir), JSON.stringify({ pid: process.ppid, start: processStart(process.ppid) }));
    expect(announceServer(dir, '(starting, not listening yet)')).toEqual({ rebuildBy: process.ppid });
    expect(existsSync(markerFileOf(dir))).toBe(false);
    rmSync(rebuildLockOf(dir));
    // The server marked itself first: the rebuild's lock finds it and is given back.
    writeFileSync(markerFileOf(dir, process.ppid), JSON.stringify({ pid: process.ppid, url: '(starting, not listening yet)', start: processStart(process.ppid) }));
    expect(takeRebuildLock(dir)).toEqual({ server: { pid: process.ppid, url: '(starting, not listening yet)' } });
    expect(existsSync(rebuildLockOf(dir))).toBe(false);
    rmSync(markerFileOf(dir, process.ppid));
    // Neither: each gets its way, and undoes it.
    const lock = takeRebuildLock(dir);
    expect(existsSync(rebuildLockOf(dir))).toBe(true);
    if (!('release' in lock)) throw new Error(`expected the lock, got ${JSON.stringify(lock)}`);
    lock.release();
    const announced = announceServer(dir, 'http://127.0.0.1:3000');
    if (!('unmark' in announced)) throw new Error(`expected the mark, got ${JSON.stringify(announced)}`);
    expect(existsSync(markerFileOf(dir))).toBe(true);
    announced.unmark();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('a live process whose file does not parse (being written, or damaged) still counts, its address unknown', () => {
    writeFileSync(markerFileOf(dir, process.ppid), '{"pid":');
    expect(runningServer(dir)).toEqual({ pid: process.ppid, url: '(its address is unknown)' });
    // Names that only look alike are not markers.
    rmSync(markerFileOf(dir, process.ppid));
    writeFileSync(join(dir, `server-${process.ppid}.json.tmp`), '{}');
    writeFileSync(join(dir, 'server.json'), JSON.stringify({ pid: process.ppid, url: 'x' }));
    expect(runningServer(dir)).toBeUndefined();
  });

  it('names the address the socket answers on: the chosen port for PORT=0, an IPv6 host in brackets', () => {
    expect(urlOf({ address: '127.0.0.1', family: 'IPv4', port: 41234 }, 'http://127.0.0.1:0')).toBe('http://127.0.0.1:41234');
    expect(urlOf({ address: '::1', family: 'IPv6', port: 3000 }, 'x')).toBe('http://[::1]:3000');
    expect(urlOf(null, 'http://127.0.0.1:3000')).toBe('http://127.0.0.1:3000');
  });
});
