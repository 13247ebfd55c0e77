import { disposeLedger, type RunningLedger, startedLedger } from './support/ledger-process.js';

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
