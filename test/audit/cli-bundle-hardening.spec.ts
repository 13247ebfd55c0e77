import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { repeatedKeyIn, verifyBundle } from '../../src/audit/application/bundle.js';
import { runExport } from '../../src/cli/commands/export.command.js';
import { runImport } from '../../src/cli/commands/import.command.js';
import { runVerify } from '../../src/cli/commands/verify.command.js';
import type { CliIo } from '../../src/cli/cli-io.js';
import type { AppConfig } from '../../src/config/app-config.js';
import { firstRepeatedKey } from '../../src/shared/http/json-body.js';
import { captureIo, configFor } from '../cli/support/cli-process.js';
import { type Ledger, openLedger, removeDir, seedLedger, tempDir } from './support/ledger-fixture.js';

/** captureIo with both streams read at once. */
const capture = (): CliIo & { text: () => { out: string; err: string } } => {
  const io = captureIo();
  return { ...io, text: () => ({ out: io.stdout(), err: io.stderr() }) };
};

const CLI = join(resolve(import.meta.dirname, '..', '..'), 'dist', 'cli', 'main.js');

/** Every name under a directory, recursively, sorted. */
const listing = (dir: string): string[] => (readdirSync(dir, { recursive: true }) as string[]).sort();

describe('norms-ledger export, import and verify --bundle: hardening', () => {
  let dir: string;
  let data: string;
  let config: AppConfig;
  let bundle: string;
  let lines: string[];
  beforeEach(async () => {
    dir = tempDir();
    data = join(dir, 'data');
    config = configFor(data);
    const ledger: Ledger = openLedger({ file: join(data, 'ledger.sqlite'), dir: data });
    await seedLedger(ledger);
    await ledger.close();
    bundle = join(dir, 'bundle.ndjson');
    expect(await runExport(config, { out: bundle }, capture())).toBe(0);
    lines = readFileSync(bundle, 'utf8').trimEnd().split('\n');
  });
  afterEach(() => removeDir(dir));

  const write = (name: string, text: string): string => {
    const file = join(dir, name);
    writeFileSync(file, text);
    return file;
  };
  const keyIdOf = (): string => (JSON.parse(lines.at(-1)!) as { publicKey: { keyId: string } }).publicKey.keyId;

  describe('export --out through a symbolic link (F10)', () => {
    it('a link to a regular file: with --force the file it leads to gets the bundle and the link stays a link', async () => {
      const target = write('real.ndjson', 'precious\n');
      const link = join(dir, 'link.ndjson');
      symlinkSync(target, link);
      const refused = capture();
      expect(await runExport(config, { out: link }, refused)).toBe(2);
      expect(refused.text().err).toBe(`norms-ledger export: --out ${link} already exists: --force overwrites it; nothing was written\n`);

      const io = capture();
      expect(await runExport(config, { out: link, force: true }, io)).toBe(0);
      expect(io.text().out).toMatch(new RegExp(`^exported 11 events to ${link} \\(`));
      expect(lstatSync(link).isSymbolicLink()).toBe(true);
      expect(readlinkSync(link)).toBe(target);
      expect(lstatSync(target).isFile()).toBe(true);
      expect(readFileSync(target, 'utf8')).toBe(readFileSync(bundle, 'utf8'));
      expect(listing(dir).filter((name) => name.endsWith('.partial'))).toEqual([]);
      expect(await runVerify(undefined, { bundle: target, keyId: keyIdOf() }, capture())).toBe(0);
      expect(await runVerify(undefined, { bundle: link }, capture())).toBe(0);
    });

    it('a dangling link: one line, exit 2, nothing created (through the built CLI)', () => {
      const link = join(dir, 'dangling.ndjson');
      symlinkSync(join(dir, 'nowhere.ndjson'), link);
      const before = listing(dir);
      const run = spawnSync(process.execPath, [CLI, 'export', '--out', link, '--force'], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', LEDGER_DATA_DIR: data, LOG_LEVEL: 'silent' } });
      expect(run.stdout).toBe('');
      expect(run.stderr).toBe(
        `norms-ledger export: --out ${link} is a symbolic link to ${join(dir, 'nowhere.ndjson')}, which leads to no file: export writes through a link only to an existing regular file; nothing was written\n`,
      );
      expect(run.status).toBe(2);
      expect(listing(dir)).toEqual(before);
      expect(lstatSync(link).isSymbolicLink()).toBe(true);
    });

    it('a path whose directory is missing before a `..`: one friendly line, exit 2, no raw ENOENT, nothing created', async () => {
      const out = join(dir, 'missing') + '/../b.ndjson';
      const before = listing(dir);
      const io = capture();
      expect(await runExport(config, { out }, io)).toBe(2);
      expect(io.text()).toEqual({ out: '', err: `norms-ledger export: --out ${out}: the directory ${join(dir, 'missing')} does not exist; nothing was written\n` });
      expect(listing(dir)).toEqual(before);
    });

    it('`..` after a link to a directory is read as the kernel reads it: a path that lands in the data directory is refused', async () => {
      mkdirSync(join(data, 'sub'));
      symlinkSync(join(data, 'sub'), join(dir, 'sub-link'));
      // Read lexically, this is dir/x.ndjson; the kernel opens data/x.ndjson.
      const out = join(dir, 'sub-link') + '/../x.ndjson';
      const before = listing(data);
      const io = capture();
      expect(await runExport(config, { out, force: true }, io)).toBe(2);
      expect(io.text().err).toMatch(/^norms-ledger export: --out .* is in the data directory .*; nothing was written\n$/);
      expect(listing(data)).toEqual(before);
      expect(existsSync(join(dir, 'x.ndjson'))).toBe(false);
    });

    const procFd = existsSync('/proc/self/fd') ? it : it.skip;
    procFd('--out /proc/self/fd/1 --force: stdout redirected to a file gets the bundle; stdout a pipe is refused as not a regular file', () => {
      const env = { PATH: process.env.PATH ?? '', LEDGER_DATA_DIR: data, LOG_LEVEL: 'silent' };
      const redirected = join(dir, 'stdout.ndjson');
      const fd = openSync(redirected, 'w');
      try {
        const run = spawnSync(process.execPath, [CLI, 'export', '--out', '/proc/self/fd/1', '--force'], { encoding: 'utf8', env, stdio: ['ignore', fd, 'pipe'] });
        expect(run.stderr).toBe('');
        expect(run.status).toBe(0);
      } finally {
        closeSync(fd);
      }
      expect(readFileSync(redirected, 'utf8')).toBe(readFileSync(bundle, 'utf8'));
      expect(listing(dir).filter((name) => name.endsWith('.partial'))).toEqual([]);

      const piped = spawnSync(process.execPath, [CLI, 'export', '--out', '/proc/self/fd/1', '--force'], { encoding: 'utf8', env });
      expect({ status: piped.status, stdout: piped.stdout, stderr: piped.stderr }).toEqual({
        status: 2,
        stdout: '',
        stderr: 'norms-ledger export: --out /proc/self/fd/1 is not a regular file; nothing was written\n',
      });
    });
  });

  describe('a file with no event line (F11)', () => {
    it('verify --bundle: only the publicKey line is not a bundle: one line, exit 2, with or without --json (through the built CLI too)', async () => {
      const keyOnly = write('key-only.ndjson', `${lines.at(-1)!}\n`);
      for (const json of [false, true]) {
        const io = capture();
        expect(await runVerify(undefined, { bundle: keyOnly, ...(json ? { json } : {}) }, io)).toBe(2);
        expect(io.text()).toEqual({ out: '', err: `norms-ledger verify: bundle ${keyOnly} holds no event, only its publicKey line: not a bundle\n` });
      }
      const run = spawnSync(process.execPath, [CLI, 'verify', '--bundle', keyOnly, '--key-id', keyIdOf()], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } });
      expect({ status: run.status, stdout: run.stdout, stderr: run.stderr }).toEqual({
        status: 2,
        stdout: '',
        stderr: `norms-ledger verify: bundle ${keyOnly} holds no event, only its publicKey line: not a bundle\n`,
      });
      const empty = write('empty.ndjson', '');
      const io = capture();
      expect(await runVerify(undefined, { bundle: empty }, io)).toBe(2);
      expect(io.text().err).toBe(`norms-ledger verify: bundle ${empty} is empty: not a bundle\n`);
    });

    it('import: only the publicKey line, or nothing, is refused with one line, exit 2, and creates nothing: no ledger, no key', async () => {
      const keyOnly = write('key-only.ndjson', `${lines.at(-1)!}\n`);
      const empty = write('empty.ndjson', '');
      for (const file of [keyOnly, empty]) {
        const missing = join(dir, 'fresh');
        const io = capture();
        expect(await runImport(configFor(missing), { in: file }, io)).toBe(2);
        expect(io.text().out).toBe('');
        expect(io.text().err).toMatch(/^norms-ledger import: bundle .*: not a bundle\)?; nothing was written\n$/);
        expect(existsSync(missing)).toBe(false);
        // An empty data directory stays empty.
        const emptyDir = join(dir, 'empty-dir');
        mkdirSync(emptyDir, { recursive: true });
        expect(await runImport(configFor(emptyDir), { in: file }, capture())).toBe(2);
        expect(readdirSync(emptyDir)).toEqual([]);
      }
      const io = capture();
      await runImport(configFor(join(dir, 'fresh')), { in: keyOnly }, io);
      expect(io.text().err).toBe(`norms-ledger import: bundle ${keyOnly} holds no event, only its publicKey line: not a bundle; nothing was written\n`);
    });
  });

  describe('a line that names a key twice (F14)', () => {
    const forged = (): string => {
      const edited = [...lines];
      // JSON.parse keeps the last streamId (so the line verifies as it was); a reader keeping the first sees stream zzz.
      edited[0] = edited[0]!.replace(/^\{"streamId":/, '{"streamId":"zzz","streamId":');
      return write('forged.ndjson', `${edited.join('\n')}\n`);
    };

    it('verify --bundle: a problem naming the line and the key, exit 1, as for a line that is not JSON; pinned or not', async () => {
      const file = forged();
      for (const keyId of [undefined, keyIdOf()]) {
        const io = capture();
        expect(await runVerify(undefined, { bundle: file, ...(keyId !== undefined ? { keyId } : {}) }, io)).toBe(1);
        const out = io.text().out.split('\n');
        expect(out[0]).toMatch(/^bundle .* NOT OK: /);
        expect(out[1]).toMatch(/^signed: /);
        expect(out[2]).toBe('  line 1: unparseable: names the key "streamId" twice in one object (JSON readers differ on which value it holds)');
      }
    });

    it('verify --bundle: a key repeated inside data, in metadata, or on the publicKey line is found too, on the fast path as on the full path', async () => {
      const keyId = keyIdOf();
      const cases: Array<[number, (line: string) => string, string]> = [
        [1, (line) => line.replace('"data":{', '"data":{"text":"forged",'), 'data.text'],
        [5, (line) => line.replace('"metadata":{', '"metadata":{"hash":"0000",'), 'metadata.hash'],
        [lines.length, (line) => line.replace('{"publicKey":{', '{"publicKey":{"keyId":"0123456789abcdef",'), 'publicKey.keyId'],
      ];
      for (const [lineNo, edit, key] of cases) {
        const edited = [...lines];
        edited[lineNo - 1] = edit(edited[lineNo - 1]!);
        expect(edited[lineNo - 1]).not.toBe(lines[lineNo - 1]);
        const file = write(`repeated-${lineNo}.ndjson`, `${edited.join('\n')}\n`);
        for (const options of [{}, { expectKeyId: keyId }]) {
          const report = await verifyBundle(file, options);
          expect(report.ok).toBe(false);
          expect(report.problems).toContainEqual(expect.objectContaining({ line: lineNo, problem: 'unparseable', detail: expect.stringContaining(`names the key "${key}" twice`) }));
        }
      }
    });

    it('import: refused with one line naming the line and the key, exit 2, nothing written', async () => {
      const file = forged();
      const fresh = join(dir, 'fresh');
      const io = capture();
      expect(await runImport(configFor(fresh), { in: file }, io)).toBe(2);
      expect(io.text().out).toBe('');
      expect(io.text().err).toMatch(/^norms-ledger import: bundle .* does not verify \(\d+ problems?; first: line 1: unparseable: names the key "streamId" twice in one object [^\n]*\); nothing was written\n$/);
      expect(existsSync(fresh)).toBe(false);
    });

    it('repeatedKeyIn agrees with the strict HTTP body parser on every line, tricky ones included', () => {
      const texts = [
        ...lines,
        '{"a":1,"a":2}',
        '{"a":1,"\\u0061":2}',
        '{"a" :1, "a"\t: 2}',
        '{"a":"x\\"y","b":"\\\\","a":"z"}',
        '{"a":"x\\"","b":"\\\\\\""}',
        '{"a":"say \\"a\\":1","b":2}',
        '{"a":[{"b":1},{"b":1,"b":2}]}',
        '{"a":[{"b":1},{"b":2}],"c":{"b":{"b":{}}}}',
        '{"__proto__":1,"__proto__":2}',
        '{"":1,"":2}',
        '[{"a":"b"},"a",["a"]]',
        '"just a string"',
        `${'['.repeat(20000)}{"a":1,"a":2}${']'.repeat(20000)}`,
        `${'['.repeat(20000)}{"a":1,"b":2}${']'.repeat(20000)}`,
      ];
      for (const text of texts) expect([text.slice(0, 60), repeatedKeyIn(text, JSON.parse(text))]).toEqual([text.slice(0, 60), firstRepeatedKey(text)]);
      expect(repeatedKeyIn('{"a":1,"\\u0061":2}', JSON.parse('{"a":1,"\\u0061":2}'))).toBe('a');
    });
  });
});
