import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCheckpoint } from '../../src/cli/commands/checkpoint.command.js';
import { runExport } from '../../src/cli/commands/export.command.js';
import { runImport } from '../../src/cli/commands/import.command.js';
import { captureIo, configFor, demoLedgerIn, removeDir, tempDir } from './support/cli-process.js';

describe('norms-ledger import --key-id: a pinned key the bundle does not carry', () => {
  let dir: string;
  let bundle: string;
  let keyId: string;
  beforeAll(async () => {
    dir = tempDir();
    const dataDir = await demoLedgerIn(dir);
    bundle = join(dir, 'bundle.ndjson');
    const io = captureIo();
    expect(await runCheckpoint(configFor(dataDir), io)).toBe(0);
    expect(await runExport(configFor(dataDir), { out: bundle }, io)).toBe(0);
    keyId = (JSON.parse(readFileSync(bundle, 'utf8').trimEnd().split('\n').at(-1)!) as { publicKey: { keyId: string } }).publicKey.keyId;
  });
  afterAll(() => removeDir(dir));

  it('is named above all in the one line (not the unknown key of the first checkpoint it follows from), exit 2, nothing written', async () => {
    const target = join(dir, 'restored');
    const io = captureIo();
    expect(await runImport(configFor(target), { in: bundle, keyId: ['deadbeefdeadbeef'] }, io)).toBe(2);
    expect(io.stdout()).toBe('');
    expect(io.stderr()).toBe(
      `norms-ledger import: bundle ${bundle} does not verify (2 problems; above all: ` +
        `line ${readFileSync(bundle, 'utf8').trimEnd().split('\n').length}: unknown-key: the pinned key deadbeefdeadbeef is not in the bundle, which carries ${keyId}); nothing was written\n`,
    );
    expect(existsSync(target)).toBe(false);
  });

  it('a pinned key that is in the bundle imports as before, its line in the singular for one checkpoint', async () => {
    const target = join(dir, 'restored-ok');
    const io = captureIo();
    expect(await runImport(configFor(target), { in: bundle, keyId: [keyId] }, io)).toBe(0);
    expect(io.stdout()).toMatch(new RegExp(`^imported 136 events in 23 streams \\(1 checkpoint, key ${keyId}\\) from ${bundle}\\n$`));
  });
});
