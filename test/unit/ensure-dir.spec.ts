import { chmodSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createOwnerOnly } from '../../src/shared/ensure-dir.js';

/*
 * createOwnerOnly makes the ledger's files owner-only, those an older build (or cp) left readable
 * by others included; it must change nothing it was not meant to: a symbolic link planted beside
 * the ledger would otherwise choose which of this user's files lose their permissions.
 */
describe('createOwnerOnly', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'norms-ledger-owner-only-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const mode = (path: string): number => statSync(path).mode & 0o777;

  it('creates a missing file 0600', () => {
    createOwnerOnly(join(dir, 'ledger.sqlite'));
    expect(mode(join(dir, 'ledger.sqlite'))).toBe(0o600);
  });

  it('makes an existing file and its -wal and -shm owner-only, keeping the owner\'s own bits', () => {
    const file = join(dir, 'ledger.sqlite');
    for (const [path, before] of [[file, 0o644], [`${file}-wal`, 0o664], [`${file}-shm`, 0o606]] as const) {
      writeFileSync(path, '');
      chmodSync(path, before);
    }
    createOwnerOnly(file);
    expect([mode(file), mode(`${file}-wal`), mode(`${file}-shm`)]).toEqual([0o600, 0o600, 0o600]);
  });

  it('leaves a file that is already owner-only (read-only included) as it is', () => {
    const file = join(dir, 'ledger.sqlite');
    writeFileSync(file, '');
    chmodSync(file, 0o400);
    createOwnerOnly(file);
    expect(mode(file)).toBe(0o400);
  });

  it('leaves a symbolic link and what it points to alone', () => {
    const file = join(dir, 'ledger.sqlite');
    const elsewhere = join(dir, 'someone-elses-choice.txt');
    writeFileSync(file, '');
    writeFileSync(elsewhere, '');
    chmodSync(elsewhere, 0o644);
    symlinkSync(elsewhere, `${file}-shm`);
    createOwnerOnly(file);
    expect(mode(elsewhere)).toBe(0o644);
  });
});
