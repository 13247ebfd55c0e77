import { spawn, spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCheckpoint } from '../../src/cli/commands/checkpoint.command.js';
import { runVerify } from '../../src/cli/commands/verify.command.js';
import { loadOrCreateSigningKey } from '../../src/audit/infrastructure/signing-key.js';
import { captureIo, configFor, demoCopyPerTest, ROOT, runCli } from './support/cli-process.js';

const MAIN = join(ROOT, 'dist', 'main.js');
const KEY_ID = /key ([0-9a-f]{16})/;

/** `npm start` on the directory, as an operator runs it: resolves with its exit and output once it exits, or once it listens (then stopped). */
const startServer = (dataDir: string, logLevel = 'warn'): Promise<{ code: number | null; output: string; listened: boolean }> =>
  new Promise((done) => {
    const child = spawn(process.execPath, [MAIN], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', PORT: '0', HOST: '127.0.0.1', LEDGER_DATA_DIR: dataDir, LEDGER_TOKENS: 'auditor:key-test-auditor-token-0123456789', LOG_LEVEL: logLevel, LEDGER_SQLITE_SYNCHRONOUS: 'NORMAL' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    let listened = false;
    const keep = (chunk: Buffer): void => {
      output += chunk.toString();
      if (!listened && /listening on/.test(output)) {
        listened = true;
        child.kill('SIGTERM');
      }
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    // Nest colours its log lines.
    // eslint-disable-next-line no-control-regex
    child.once('exit', (code) => done({ code, output: output.replace(/\x1b\[[0-9;]*m/g, ''), listened }));
  });

const checkpointIn = async (dataDir: string): Promise<string> => {
  const io = captureIo();
  expect(await runCheckpoint(configFor(dataDir), io)).toBe(0);
  return KEY_ID.exec(io.stdout())![1]!;
};

describe('the signing key of a ledger that has checkpoints', () => {
  const copies = demoCopyPerTest();
  let dir: string;
  let dataDir: string;
  let keyFile: string;

  beforeEach(() => {
    ({ dir, dataDir } = copies);
    keyFile = join(dataDir, 'signing-key.pem');
  });

  it('is not replaced when it is missing: checkpoint refuses in one line naming the file and the key expected, exit 2, and writes no key', async () => {
    const keyId = await checkpointIn(dataDir);
    rmSync(keyFile);
    const run = runCli(['checkpoint'], { LEDGER_DATA_DIR: dataDir });
    expect(run.status).toBe(2);
    expect(run.stderr).toBe(
      `norms-ledger checkpoint: signing key ${keyFile}: no such file, but the ledger's checkpoints are signed by key ${keyId}: ` +
        `put the key file holding key ${keyId} back (no new key is made for a ledger that has checkpoints; to change keys, see README "Keys")\n`,
    );
    expect(existsSync(keyFile)).toBe(false);
    // Nor does export make one.
    expect(runCli(['export', '--out', join(dir, 'b.ndjson')], { LEDGER_DATA_DIR: dataDir }).status).toBe(2);
    expect(existsSync(keyFile)).toBe(false);
  });

  it('is not replaced when it is missing: the server does not start (one line, non-zero exit) and writes no key', async () => {
    const keyId = await checkpointIn(dataDir);
    rmSync(keyFile);
    const started = await startServer(dataDir);
    expect(started.listened).toBe(false);
    expect(started.code).not.toBe(0);
    expect(started.output).toBe(
      `norms-ledger: invalid configuration: LEDGER_DATA_DIR: signing key ${keyFile}: no such file, but the ledger's checkpoints are signed by key ${keyId}: ` +
        `put the key file holding key ${keyId} back (no new key is made for a ledger that has checkpoints; to change keys, see README "Keys")\n`,
    );
    expect(existsSync(keyFile)).toBe(false);
  }, 60_000);

  it('is made for a ledger without checkpoints, and its making is said: by the CLI on stderr, by the server in its log', async () => {
    rmSync(keyFile);
    const run = runCli(['checkpoint'], { LEDGER_DATA_DIR: dataDir });
    expect(run.status).toBe(0);
    const made = /^norms-ledger checkpoint: created the signing key (.+) \(key ([0-9a-f]{16})\): keep a copy; the checkpoints it signs verify only with it\n$/.exec(run.stderr);
    expect(made?.[1]).toBe(keyFile);
    expect(run.stdout).toContain(`key ${made![2]}`);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);

    const fresh = join(dir, 'fresh');
    const started = await startServer(fresh, 'info');
    expect(started.listened).toBe(true);
    expect(started.output).toMatch(new RegExp(`\\[SigningKey\\] created the signing key ${join(fresh, 'signing-key.pem').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(key [0-9a-f]{16}\\)`));
  }, 60_000);

  it('replaced by another key: checkpoint refuses saying what to do; trust-key --in the old key file lets the old checkpoints verify and checkpoints go on', async () => {
    const oldKeyId = await checkpointIn(dataDir);
    const oldKey = join(dir, 'old-signing-key.pem');
    copyFileSync(keyFile, oldKey);
    rmSync(keyFile);
    writeFileSync(keyFile, generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }) as string, { mode: 0o600 });

    const refused = runCli(['checkpoint'], { LEDGER_DATA_DIR: dataDir });
    expect(refused.status).toBe(2);
    expect(refused.stderr.split('\n')).toHaveLength(2);
    expect(refused.stderr).toMatch(
      new RegExp(`^norms-ledger checkpoint: cannot issue a checkpoint: checkpoint \\d+ of ledger-checkpoints is signed by key ${oldKeyId}, but the signing key is [0-9a-f]{16} and key ${oldKeyId} is not trusted here: put back the key file that holds key ${oldKeyId}, or, if the key was changed on purpose, trust the old key's public half \\(norms-ledger trust-key --in FILE\\)\\n$`),
    );
    expect(runCli(['verify'], { LEDGER_DATA_DIR: dataDir }).status).toBe(1);

    const trusted = runCli(['trust-key', '--in', oldKey], { LEDGER_DATA_DIR: dataDir });
    expect(trusted).toMatchObject({ status: 0, stdout: `trusting key ${oldKeyId} (from ${oldKey}): checkpoints it signed verify here\n`, stderr: '' });
    expect(JSON.parse(readFileSync(join(dataDir, 'trusted-keys.json'), 'utf8')).keys.map((key: { keyId: string }) => key.keyId)).toEqual([oldKeyId]);
    expect(runCli(['trust-key', '--in', oldKey], { LEDGER_DATA_DIR: dataDir }).stdout).toBe(`key ${oldKeyId} is already trusted: nothing was written\n`);

    const verified = runCli(['verify'], { LEDGER_DATA_DIR: dataDir });
    expect(verified.status).toBe(0);
    expect(runCli(['checkpoint'], { LEDGER_DATA_DIR: dataDir }).status).toBe(0);
    expect(runCli(['verify'], { LEDGER_DATA_DIR: dataDir }).status).toBe(0);
  }, 60_000);

  it('trust-key takes the JSON GET /audit/public-key answers, and refuses a file that holds no Ed25519 public key in one line, exit 2', () => {
    const { publicKey } = generateKeyPairSync('ed25519');
    const der = publicKey.export({ format: 'der', type: 'spki' });
    const spki = der.toString('base64');
    const keyId = spawnSync(process.execPath, ['-e', `process.stdout.write(require('node:crypto').createHash('sha256').update(Buffer.from('${spki}','base64')).digest('hex').slice(0,16))`], { encoding: 'utf8' }).stdout;
    const json = join(dir, 'key.json');
    writeFileSync(json, JSON.stringify({ keyId, algorithm: 'Ed25519', spki }));
    expect(runCli(['trust-key', '--in', json], { LEDGER_DATA_DIR: dataDir }).stdout).toBe(`trusting key ${keyId} (from ${json}): checkpoints it signed verify here\n`);

    writeFileSync(json, JSON.stringify({ keyId: '0123456789abcdef', algorithm: 'Ed25519', spki }));
    const refused = runCli(['trust-key', '--in', json], { LEDGER_DATA_DIR: dataDir });
    expect(refused).toMatchObject({ status: 2, stderr: `norms-ledger trust-key: --in ${json}: publicKey keyId "0123456789abcdef" does not match its spki (${keyId})\n` });
    const rsa = join(dir, 'rsa.pem');
    writeFileSync(rsa, generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ format: 'pem', type: 'spki' }) as string);
    expect(runCli(['trust-key', '--in', rsa], { LEDGER_DATA_DIR: dataDir })).toMatchObject({ status: 2, stderr: `norms-ledger trust-key: --in ${rsa}: a rsa key, checkpoints are signed with Ed25519\n` });
  });

  it('readable by others is warned about (naming the file, suggesting chmod 600) and left as it is', async () => {
    chmodSync(keyFile, 0o644);
    const run = runCli(['checkpoint'], { LEDGER_DATA_DIR: dataDir });
    expect(run.status).toBe(0);
    expect(run.stderr).toBe(`norms-ledger checkpoint: warning: the signing key ${keyFile} may be read by others (mode 644): run chmod 600 ${keyFile}\n`);
    expect(runCli(['verify'], { LEDGER_DATA_DIR: dataDir }).stderr).toBe(`norms-ledger verify: warning: the signing key ${keyFile} may be read by others (mode 644): run chmod 600 ${keyFile}\n`);
    expect(statSync(keyFile).mode & 0o777).toBe(0o644);
    const started = await startServer(dataDir);
    expect(started.listened).toBe(true);
    expect(started.output).toMatch(new RegExp(`\\[SigningKey\\] the signing key .*signing-key\\.pem may be read by others \\(mode 644\\): run chmod 600 `));
  }, 60_000);
});

describe('verify of a ledger checkpointed with LEDGER_SIGNING_KEY_FILE, run without it', () => {
  const copies = demoCopyPerTest();

  const checkpointWithKeyElsewhere = async (): Promise<{ file: string; keyId: string }> => {
    const file = join(copies.dir, 'elsewhere.pem');
    writeFileSync(file, generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }) as string, { mode: 0o600 });
    const io = captureIo();
    expect(await runCheckpoint(configFor(copies.dataDir, { LEDGER_SIGNING_KEY_FILE: file }), io)).toBe(0);
    return { file, keyId: KEY_ID.exec(io.stdout())![1]! };
  };

  const verify = async (env: Record<string, string> = {}) => {
    const io = captureIo();
    const status = await runVerify(configFor(copies.dataDir, env), {}, io);
    return { status, stdout: io.stdout(), stderr: io.stderr() };
  };

  const hint = (keyId: string, where: string): string =>
    `norms-ledger verify: note: checkpoints are signed by key ${keyId}, not known here: ${where}; ` +
    `if the key file that holds it is elsewhere, set LEDGER_SIGNING_KEY_FILE to it (as when the checkpoints were issued) or put it back, ` +
    "or, if the key was changed on purpose, trust the old key's public half (norms-ledger trust-key --in FILE)\n";

  it('names, besides unknown-key (exit 1), the key file it looked for and the setting, as checkpoint does', async () => {
    const { keyId } = await checkpointWithKeyElsewhere();
    const defaultKey = join(copies.dataDir, 'signing-key.pem');
    rmSync(defaultKey);
    const run = await verify();
    expect(run.status).toBe(1);
    expect(run.stdout).toContain(`unknown-key: signed by key ${keyId}; no public key is known`);
    expect(run.stderr).toBe(hint(keyId, `there is no signing key ${defaultKey} (LEDGER_SIGNING_KEY_FILE is not set)`));
  });

  it('with the data directory\'s own key in place, names that key as the one it has', async () => {
    const { keyId } = await checkpointWithKeyElsewhere();
    const defaultKey = join(copies.dataDir, 'signing-key.pem');
    const own = loadOrCreateSigningKey(configFor(copies.dataDir)).publicKey.keyId;
    const run = await verify();
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(hint(keyId, `the signing key ${defaultKey} (LEDGER_SIGNING_KEY_FILE is not set) is key ${own}`));
  });

  it('with the setting back, verifies and says nothing more', async () => {
    const { file } = await checkpointWithKeyElsewhere();
    expect(await verify({ LEDGER_SIGNING_KEY_FILE: file })).toMatchObject({ status: 0, stderr: '' });
  });
});
