import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './support/ledger-process.js';

/*
 * An operator audit, as root, started the server on a read-only mount and was told to "run the
 * server as the user that owns it". The cause, EROFS, is named instead. A read-only mount needs
 * root (mount): where it cannot be made, the test is skipped and its title says why.
 */
const mount = (...args: string[]) => spawnSync('mount', args, { encoding: 'utf8' });

const canMountTmpfs = (): boolean => {
  if (process.getuid?.() !== 0) return false;
  const probe = mkdtempSync(join(tmpdir(), 'norms-ledger-mount-probe-'));
  try {
    if (mount('-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', probe).status !== 0) return false;
    spawnSync('umount', [probe]);
    return true;
  } finally {
    rmSync(probe, { recursive: true, force: true });
  }
};

const TITLE = 'stops the start with one line saying so, naming LEDGER_DATA_DIR';
const mountable = canMountTmpfs();

describe('a data directory on a read-only file system', () => {
  (mountable ? it : it.skip)(mountable ? TITLE : `${TITLE} (skipped: mounting a read-only tmpfs needs root and mount permission here)`, () => {
    const mountPoint = mkdtempSync(join(tmpdir(), 'norms-ledger-erofs-'));
    try {
      expect(mount('-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', mountPoint).status).toBe(0);
      try {
        const dataDir = join(mountPoint, 'data');
        mkdirSync(dataDir, { mode: 0o700 });
        expect(mount('-o', 'remount,ro', mountPoint).status).toBe(0);
        const run = spawnSync(process.execPath, [join(ROOT, 'dist', 'main.js')], {
          env: { ...process.env, LEDGER_DATA_DIR: dataDir, LEDGER_TOKENS: 'clerk:clerk-token-0123456789abc', PORT: '0', HOST: '127.0.0.1' },
          cwd: ROOT,
          encoding: 'utf8',
          timeout: 60_000,
        });
        expect({ status: run.status, stderr: run.stderr }).toEqual({
          status: 1,
          stderr: `norms-ledger: invalid configuration: LEDGER_DATA_DIR: ${dataDir} is on a read-only file system (EROFS): the server writes its ledger there; mount it read-write, or choose a directory on a writable file system\n`,
        });
      } finally {
        spawnSync('umount', [mountPoint]);
      }
    } finally {
      rmSync(mountPoint, { recursive: true, force: true });
    }
  });
});
