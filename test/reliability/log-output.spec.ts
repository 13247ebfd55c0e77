import { chmodSync, statSync } from 'node:fs';
import { CLERK, disposeLedger, freePort, JsonClient, LedgerProcess, newDataDir, type RunningLedger, startedLedger } from './support/ledger-process.js';

/*
 * What an operator's log file holds: the server (dist/main.js) with its stdout and stderr pipes, as
 * under systemd, docker or `npm start > out.log`. An operator audit found Nest's colour codes in
 * every line there (they break grep, log shippers and journald views).
 */
describe('the log of a server whose output is not a terminal', () => {
  let ledger: RunningLedger | undefined;

  afterEach(() => disposeLedger(ledger));

  it('carries no colour escape codes, with NO_COLOR unset', async () => {
    // NO_COLOR='' counts as unset (no-color.org), and is how this test unsets it whatever jest inherited.
    ledger = await startedLedger({ LOG_LEVEL: 'debug', NO_COLOR: '' });
    await ledger.client.get('/tracks');
    await ledger.server.stop();
    expect(ledger.server.log).toMatch(/\[Nest\] \d+ {2}- /);
    expect(ledger.server.log).not.toContain('\u001b[');
  }, 180_000);
});

describe('every line a running server prints', () => {
  let ledger: RunningLedger | undefined;

  afterEach(() => disposeLedger(ledger));

  it('is stamped in UTC (ISO 8601) in the form of Nest\'s lines: the first-start tokens and the listening line too', async () => {
    ledger = await startedLedger({ LOG_LEVEL: 'info', NO_COLOR: '', LEDGER_TOKENS: undefined });
    await ledger.server.stop();
    const lines = ledger.server.log.split('\n').filter((line) => line !== '');
    expect(lines.filter((line) => !/^\[Nest\] \d+ {2}- \d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z +(LOG|WARN|ERROR|DEBUG|VERBOSE|FATAL) \[\w+\] /.test(line))).toEqual([]);
    expect(lines.filter((line) => /LOG \[Tokens\] +(clerk|auditor|viewer) +nlt_/.test(line))).toHaveLength(3);
    expect(lines.some((line) => /LOG \[Server\] norms-ledger listening on http:\/\/127\.0\.0\.1:\d+ \(store: sqlite, data: /.test(line))).toBe(true);
  }, 180_000);

  it('at LOG_LEVEL=silent still says what a first start made: the tokens and the signing key to keep a copy of', async () => {
    ledger = await startedLedger({ LOG_LEVEL: 'silent', NO_COLOR: '', LEDGER_TOKENS: undefined });
    await ledger.server.stop();
    const lines = ledger.server.log.split('\n').filter((line) => line !== '');
    expect(lines.filter((line) => /LOG \[Tokens\] +(clerk|auditor|viewer) +nlt_/.test(line))).toHaveLength(3);
    expect(lines).toContainEqual(expect.stringMatching(/LOG \[Tokens\] no tokens were configured, so one per role was made\. They are shown ONCE;/));
    // `norms-ledger: …` is the unstamped line of a failed start (README), never inside a log line.
    expect(lines.filter((line) => line.includes('] norms-ledger: '))).toEqual([]);
    expect(lines.filter((line) => line.includes('[SigningKey]'))).toEqual([
      expect.stringMatching(/^\[Nest\] \d+ {2}- \S+Z +LOG \[SigningKey\] created the signing key \S+signing-key\.pem \(key [0-9a-f]{16}\): keep a copy; the checkpoints it signs verify only with it$/),
    ]);
  }, 180_000);

  it('names the tokens in force at start, and a generated tokens.json that LEDGER_TOKENS overrides', async () => {
    ledger = await startedLedger({ LOG_LEVEL: 'info', LEDGER_TOKENS: undefined });
    await ledger.server.stop();
    expect(ledger.server.log).toMatch(/LOG \[Tokens\] tokens: none configured, so one per role is made, 3 tokens \(1 clerk, 1 auditor, 1 viewer\)/);
    await ledger.server.start();
    await ledger.server.stop();
    expect(ledger.server.log).toMatch(/LOG \[Tokens\] tokens: \S+tokens\.json, made on the first start, 3 tokens \(1 clerk, 1 auditor, 1 viewer\)\n/);
    const overridden = new LedgerProcess(ledger.dataDir, ledger.server.port, { LOG_LEVEL: 'info', LEDGER_TOKENS: `clerk:${CLERK}` });
    await overridden.start();
    await overridden.stop();
    expect(overridden.log).toMatch(/LOG \[Tokens\] tokens: LEDGER_TOKENS, 1 token \(1 clerk, 0 auditor, 0 viewer\); \S+tokens\.json, made on a first start, is ignored/);
  }, 180_000);
});

describe('a data directory others may write into', () => {
  let ledger: RunningLedger | undefined;

  afterEach(() => disposeLedger(ledger));

  it('starts with one warning naming it and suggesting chmod 700, and keeps its mode', async () => {
    const dataDir = newDataDir();
    chmodSync(dataDir, 0o777);
    const server = new LedgerProcess(dataDir, await freePort(), { LOG_LEVEL: 'warn' });
    ledger = { dataDir, server, client: new JsonClient(server.port) };
    await server.start();
    const warnings = server.log.split('\n').filter((line) => line.includes('[DataDir]'));
    expect(warnings).toEqual([expect.stringMatching(new RegExp(`WARN \\[DataDir\\] LEDGER_DATA_DIR ${dataDir} may be written by its group and others \\(mode 0777\\): .*; chmod 700 ${dataDir}$`))]);
    expect(statSync(dataDir).mode & 0o777).toBe(0o777);
  }, 180_000);
});

describe('a server whose log reader goes away (`npm start | head -1`, a log shipper restarting)', () => {
  let ledger: RunningLedger | undefined;

  afterEach(() => disposeLedger(ledger));

  it('goes on serving, says so once on standard error, and still stops cleanly', async () => {
    // LOG_LEVEL=debug: every request writes a line to the closed pipe.
    ledger = await startedLedger({ LOG_LEVEL: 'debug' });
    ledger.server.closeStdout();
    for (let i = 0; i < 20; i++) expect((await ledger.client.get('/tracks')).status).toBe(200);
    expect((await ledger.client.post('/tracks', { trackId: 'after-epipe', name: 'Recorded after the log reader left', effectiveOn: '2026-01-05' })).status).toBe(201);
    expect((await ledger.client.get('/tracks')).body).toEqual({ tracks: [{ trackId: 'after-epipe', name: 'Recorded after the log reader left' }] });
    expect(ledger.server.running).toBe(true);
    expect(ledger.server.log.match(/norms-ledger: standard output failed \(EPIPE\): its log lines are dropped from now on; the server goes on\n/g)).toHaveLength(1);
    // As every graceful stop ends (graceful-shutdown.spec.ts): by the signal, re-raised once the server closed.
    expect(await ledger.server.terminate()).toEqual({ code: null, signal: 'SIGTERM' });
  }, 180_000);
});
