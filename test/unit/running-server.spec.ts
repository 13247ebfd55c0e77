import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { markServerRunning, RUNNING_SERVER_FILE, runningServer } from '../../src/shared/running-server.js';

describe('server.json: which live server serves a data directory', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'norms-ledger-running-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('is written by the server (its pid and URL) and removed at its end; the server itself is not another server', () => {
    const remove = markServerRunning(dir, 'http://127.0.0.1:3000');
    expect(JSON.parse(readFileSync(join(dir, RUNNING_SERVER_FILE), 'utf8'))).toEqual({ pid: process.pid, url: 'http://127.0.0.1:3000' });
    // The server itself is not "another server".
    expect(runningServer(dir)).toBeUndefined();
    remove();
    expect(existsSync(join(dir, RUNNING_SERVER_FILE))).toBe(false);
  });

  it('names another live process; ignores a dead one, a missing file and a damaged one', () => {
    writeFileSync(join(dir, RUNNING_SERVER_FILE), JSON.stringify({ pid: process.ppid, url: 'http://127.0.0.1:4000' }));
    expect(runningServer(dir)).toEqual({ pid: process.ppid, url: 'http://127.0.0.1:4000' });
    writeFileSync(join(dir, RUNNING_SERVER_FILE), JSON.stringify({ pid: 2 ** 22 + 4321, url: 'http://127.0.0.1:4000' }));
    expect(runningServer(dir)).toBeUndefined();
    writeFileSync(join(dir, RUNNING_SERVER_FILE), '{not json');
    expect(runningServer(dir)).toBeUndefined();
    rmSync(join(dir, RUNNING_SERVER_FILE));
    expect(runningServer(dir)).toBeUndefined();
  });
});
