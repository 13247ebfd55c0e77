import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runExport } from '../../src/cli/commands/export.command.js';
import { runVerify } from '../../src/cli/commands/verify.command.js';
import { captureIo, configFor, demoLedgerIn, removeDir, runCli, tempDir } from './support/cli-process.js';

describe('norms-ledger verify --bundle: a file that is not a bundle, against a bundle that was tampered with', () => {
  let dir: string;
  let bundle: string;
  let lines: string[];
  beforeAll(async () => {
    dir = tempDir();
    const dataDir = await demoLedgerIn(dir);
    bundle = join(dir, 'bundle.ndjson');
    expect(await runExport(configFor(dataDir), { out: bundle }, captureIo())).toBe(0);
    lines = readFileSync(bundle, 'utf8').trimEnd().split('\n');
  });
  afterAll(() => removeDir(dir));

  const verify = async (file: string, json = false) => {
    const io = captureIo();
    const status = await runVerify(undefined, { bundle: file, ...(json ? { json } : {}) }, io);
    return { status, stdout: io.stdout(), stderr: io.stderr() };
  };

  const write = (name: string, text: string): string => {
    const file = join(dir, name);
    writeFileSync(file, text);
    return file;
  };

  it('not NDJSON at all: one line, exit 2, as import answers (through the built CLI)', () => {
    const file = write('notes.txt', 'hello\nworld\n');
    const run = runCli(['verify', '--bundle', file], {});
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      `norms-ledger verify: bundle ${file} is not a bundle: none of its lines is an event or the publicKey line (first: line 1: unparseable: not a JSON line (Unexpected token 'h', "hello" is not valid JSON))\n`,
    );
    expect(run.status).toBe(2);
    // import refuses the same file the same way: one line, exit 2.
    const imported = runCli(['import', '--in', file], { LEDGER_DATA_DIR: join(dir, 'import-here') });
    expect(imported.stderr.split('\n')).toHaveLength(2);
    expect(imported.status).toBe(2);
  });

  it.each([
    ['an empty file', '', 'is empty: not a bundle'],
    ['blank lines only', '\n\n  \n', 'is empty: not a bundle'],
    ['JSON lines that are not objects', '[1,2]\n"text"\n42\n', 'is not a bundle: none of its lines is an event or the publicKey line (first: line 1: malformed: not a JSON object)'],
    ['JSON objects that are not events', '{"a":1}\n{"streamId":"s"}\n', 'is not a bundle: none of its lines is an event or the publicKey line (first: line 1: malformed: streamId is not a non-empty string)'],
  ])('%s: one line naming the file, exit 2, nothing on stdout, with or without --json', async (_what, text, message) => {
    const file = write('not-a-bundle.ndjson', text);
    for (const json of [false, true]) {
      const run = await verify(file, json);
      expect(run).toEqual({ status: 2, stdout: '', stderr: `norms-ledger verify: bundle ${file} ${message}\n` });
    }
  });

  it('a real bundle verifies: exit 0', async () => {
    // Nothing on stderr but progress lines, which a loaded machine can take long enough to print.
    expect(await verify(bundle)).toEqual({ status: 0, stdout: expect.stringMatching(/^bundle .* OK: \d+ events in \d+ streams, \d+ checkpoints? verified\nsigned: .*\n$/), stderr: expect.stringMatching(/^(verify: \d+ events\n)*$/) });
  });

  it('a tampered bundle still exits 1 with the summary and each problem on stdout', async () => {
    const tampered = [...lines];
    tampered[4] = tampered[4]!.replace(/"data":\{"/, '"data":{"x":1,"');
    const file = write('tampered.ndjson', `${tampered.join('\n')}\n`);
    const run = await verify(file);
    expect(run.status).toBe(1);
    expect(run.stderr).toBe('');
    const out = run.stdout.trimEnd().split('\n');
    expect(out[0]).toMatch(/^bundle .* NOT OK: \d+ problems? in \d+ events in \d+ streams, \d+ checkpoints?$/);
    expect(out[1]).toMatch(/^signed: /);
    expect(out[2]).toMatch(/^ {2}line 5, .*hash-mismatch/);
  });

  it('a truncated bundle, a garbled line, and garbage appended to a bundle are a damaged bundle: exit 1, not "not a bundle"', async () => {
    const truncated = write('truncated.ndjson', lines.join('\n').slice(0, 3000));
    const garbled = write('garbled.ndjson', `${lines.map((line, i) => (i === 2 ? 'garbage' : line)).join('\n')}\n`);
    const appended = write('appended.ndjson', `${lines.join('\n')}\nnot json\n`);
    for (const file of [truncated, garbled, appended]) {
      const run = await verify(file);
      expect(run.stderr).toBe('');
      expect(run.stdout).toMatch(/^bundle .* NOT OK: /);
      expect(run.status).toBe(1);
    }
  });
});
