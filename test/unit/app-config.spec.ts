import { ConfigError, loadConfig } from '../../src/config/app-config.js';

describe('configuration (DESIGN.md §8)', () => {
  it('has the documented defaults', () => {
    expect(loadConfig({})).toEqual({
      port: 3000,
      host: '127.0.0.1',
      store: 'sqlite',
      dataDir: './data',
      esdbConnectionString: 'esdb://localhost:2113?tls=false',
      tokens: undefined,
      tokensFile: undefined,
      logLevel: 'info',
      signingKeyFile: undefined,
      sqliteSynchronous: 'FULL',
    });
  });

  it('parses tokens as role:token pairs', () => {
    const config = loadConfig({ LEDGER_TOKENS: 'clerk:clerk-token-0123456789,viewer:viewer-token-012345678' });
    expect(config.tokens).toEqual([
      { role: 'clerk', token: 'clerk-token-0123456789' },
      { role: 'viewer', token: 'viewer-token-012345678' },
    ]);
  });

  it.each([
    ['PORT', 'abc', 'PORT="abc" must be an integer port number from 0 to 65535'],
    ['PORT', '70000', 'PORT="70000" must be an integer port number from 0 to 65535'],
    ['LEDGER_STORE', 'postgres', 'LEDGER_STORE="postgres" must be sqlite or eventstoredb'],
    ['ESDB_CONNECTION_STRING', 'http://x', 'ESDB_CONNECTION_STRING="http://x" must be an esdb:// or esdb+discover:// connection string'],
    ['LOG_LEVEL', 'loud', 'LOG_LEVEL="loud" must be one of fatal, error, warn, info, debug, trace, silent'],
    ['LEDGER_TOKENS', 'admin:secret-secret-secret', 'LEDGER_TOKENS="<redacted>" must be role:token pairs'],
    ['HOST', '', 'HOST="" must not be empty'],
  ])('refuses %s=%j with one line naming the variable', (name, value, message) => {
    let error: unknown;
    try {
      loadConfig({ [name]: value });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variables).toEqual([name]);
    expect((error as Error).message).toContain(`invalid configuration: ${message}`);
    expect((error as Error).message).not.toContain('\n');
  });

  it('refuses both token sources at once', () => {
    expect(() => loadConfig({ LEDGER_TOKENS: 'clerk:clerk-token-0123456789', LEDGER_TOKENS_FILE: '/tmp/t.json' })).toThrow(
      /LEDGER_TOKENS and LEDGER_TOKENS_FILE/,
    );
  });
});
