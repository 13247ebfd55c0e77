import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { dataDirAccessProblem, dataDirWarning, listen, preflight } from '../../src/bootstrap.js';
import { type LedgerLogger, logColours, nestLogger, nestLogLevels } from '../../src/shared/server-log.js';
import { ConfigError, loadConfig, publicTokenWarning, shortTokenWarning } from '../../src/config/app-config.js';
import { markerFileOf, rebuildLockOf } from '../../src/shared/running-server.js';

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
      noColor: false,
      signingKeyFile: undefined,
      sqliteSynchronous: 'FULL',
      rateLimit: { windowSeconds: 60, perAddress: 120_000, perToken: 60_000 },
      corsOrigins: undefined,
      rebuildThreads: undefined,
      liveStreamsPerToken: 64,
      verifyOnStart: true,
    });
  });

  it('reads LEDGER_VERIFY_ON_START, true or false, and refuses anything else naming it', () => {
    expect(loadConfig({ LEDGER_VERIFY_ON_START: 'false' }).verifyOnStart).toBe(false);
    expect(loadConfig({ LEDGER_VERIFY_ON_START: 'true' }).verifyOnStart).toBe(true);
    expect(() => loadConfig({ LEDGER_VERIFY_ON_START: 'no' })).toThrow(/LEDGER_VERIFY_ON_START.*must be true or false/);
  });

  it('reads the threads a rebuild may use', () => {
    expect(loadConfig({ LEDGER_REBUILD_THREADS: '3' }).rebuildThreads).toBe(3);
    expect(loadConfig({ LEDGER_LIVE_STREAMS_PER_TOKEN: '0' }).liveStreamsPerToken).toBe(0);
  });

  it('reads rate limits (0 turns one off) and CORS origins', () => {
    const config = loadConfig({
      LEDGER_RATE_LIMIT_WINDOW_SECONDS: '10',
      LEDGER_RATE_LIMIT_PER_ADDRESS: '0',
      LEDGER_RATE_LIMIT_PER_TOKEN: '500',
      LEDGER_CORS_ORIGINS: 'https://dash.example.org,http://localhost:5173',
    });
    expect(config.rateLimit).toEqual({ windowSeconds: 10, perAddress: 0, perToken: 500 });
    expect(config.corsOrigins).toEqual(['https://dash.example.org', 'http://localhost:5173']);
  });

  it('parses tokens as role:token pairs', () => {
    const config = loadConfig({ LEDGER_TOKENS: 'clerk:clerk-token-0123456789,viewer:viewer-token-012345678' });
    expect(config.tokens).toEqual([
      { role: 'clerk', token: 'clerk-token-0123456789' },
      { role: 'viewer', token: 'viewer-token-012345678' },
    ]);
  });

  it('takes short tokens and tokens with colons from LEDGER_TOKENS (DESIGN §8: for tests and development), and warns about the short ones by role', () => {
    const config = loadConfig({ LEDGER_TOKENS: 'clerk:clerk,viewer:a:b:c,auditor:auditor-token-0123456789' });
    expect(config.tokens).toEqual([
      { role: 'clerk', token: 'clerk' },
      { role: 'viewer', token: 'a:b:c' },
      { role: 'auditor', token: 'auditor-token-0123456789' },
    ]);
    expect(shortTokenWarning(config)).toBe(
      'LEDGER_TOKENS has tokens shorter than 16 characters (clerk, viewer): fine for tests, guessable anywhere else',
    );
    expect(shortTokenWarning(loadConfig({ LEDGER_TOKENS: 'clerk:clerk-token-0123456789' }))).toBeUndefined();
    expect(shortTokenWarning(loadConfig({}))).toBeUndefined();
    expect(publicTokenWarning(loadConfig({ LEDGER_TOKENS: 'clerk:dev-clerk-token-change-me,auditor:dev-auditor-token-change-me,viewer:a-token-of-my-own-0123' }))).toBe(
      "LEDGER_TOKENS has docker-compose.yml's public development tokens (clerk, auditor): anyone who reads that file can use them; set LEDGER_TOKENS before serving beyond this machine",
    );
    expect(publicTokenWarning(loadConfig({ LEDGER_TOKENS: 'clerk:clerk-token-0123456789' }))).toBeUndefined();
  });

  it.each([
    ['PORT', 'abc', 'PORT="abc" must be an integer port number from 0 to 65535'],
    ['PORT', '70000', 'PORT="70000" must be an integer port number from 0 to 65535'],
    ['PORT', ' 4827', 'PORT=" 4827" must be an integer port number from 0 to 65535'],
    ['LEDGER_STORE', ' sqlite', 'LEDGER_STORE=" sqlite" must be sqlite or eventstoredb'],
    ['LEDGER_STORE', 'postgres', 'LEDGER_STORE="postgres" must be sqlite or eventstoredb'],
    ['ESDB_CONNECTION_STRING', 'http://x', 'ESDB_CONNECTION_STRING="http://x" must be an esdb:// or esdb+discover:// connection string'],
    ['LOG_LEVEL', 'loud', 'LOG_LEVEL="loud" must be one of fatal, error, warn, info, debug, trace, silent'],
    ['LEDGER_TOKENS', 'admin:secret-secret-secret', 'LEDGER_TOKENS="<redacted>" must be role:token pairs'],
    ['LEDGER_TOKENS', 'clerk:', 'LEDGER_TOKENS="<redacted>" must be role:token pairs'],
    ['LEDGER_TOKENS', 'clerk:two words', 'LEDGER_TOKENS="<redacted>" must be role:token pairs'],
    ['LEDGER_TOKENS', 'clerk:abc,', 'LEDGER_TOKENS="<redacted>" must be role:token pairs'],
    ['HOST', '', 'HOST="" must not be empty'],
    ['LEDGER_RATE_LIMIT_WINDOW_SECONDS', '0', 'LEDGER_RATE_LIMIT_WINDOW_SECONDS="0" must be an integer number of seconds from 1 to 86400'],
    ['LEDGER_RATE_LIMIT_PER_TOKEN', 'many', 'LEDGER_RATE_LIMIT_PER_TOKEN="many" must be a whole number of requests per window from 0 (the limit off) to 1000000000'],
    ['LEDGER_RATE_LIMIT_PER_ADDRESS', '99999999999999999999', 'LEDGER_RATE_LIMIT_PER_ADDRESS="99999999999999999999" must be a whole number of requests per window from 0 (the limit off) to 1000000000'],
    ['LEDGER_LIVE_STREAMS_PER_TOKEN', '1000001', 'LEDGER_LIVE_STREAMS_PER_TOKEN="1000001" must be a whole number of open streams from 0 (the limit off) to 1000000'],
    ['LEDGER_RATE_LIMIT_PER_ADDRESS', '-5', 'LEDGER_RATE_LIMIT_PER_ADDRESS="-5" must be a whole number of requests per window from 0 (the limit off) to 1000000000'],
    ['LEDGER_CORS_ORIGINS', 'https://a.example/path', 'LEDGER_CORS_ORIGINS="https://a.example/path" must be origins such as https://dash.example.org'],
    ['LEDGER_CORS_ORIGINS', '*', 'LEDGER_CORS_ORIGINS="*" must be origins such as https://dash.example.org'],
    ['LEDGER_REBUILD_THREADS', '0', 'LEDGER_REBUILD_THREADS="0" must be a whole number of threads from 1 to 4'],
    ['LEDGER_REBUILD_THREADS', '8', 'LEDGER_REBUILD_THREADS="8" must be a whole number of threads from 1 to 4'],
    ['LEDGER_REBUILD_THREADS', 'all', 'LEDGER_REBUILD_THREADS="all" must be a whole number of threads from 1 to 4'],
    ['LEDGER_LIVE_STREAMS_PER_TOKEN', '-1', 'LEDGER_LIVE_STREAMS_PER_TOKEN="-1" must be a whole number of open streams from 0 (the limit off) to 1000000'],
    ['LEDGER_LIVE_STREAMS_PER_TOKEN', 'many', 'LEDGER_LIVE_STREAMS_PER_TOKEN="many" must be a whole number of open streams from 0 (the limit off) to 1000000'],
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

  const PAIRS = 'LEDGER_TOKENS="<redacted>" must be role:token pairs separated by commas (roles clerk, auditor, viewer; tokens without commas or spaces)';
  it.each([
    ['clerk:secret-one-0123456789,boss:secret-two-0123456789', 'pair 2: unknown role "boss"'],
    ['CLERK:secret-one-0123456789', 'pair 1: role "CLERK" must be written in lower case (clerk)'],
    ['clerk:secret-one-0123456789,', 'pair 2 is empty (a trailing comma)'],
    [',clerk:secret-one-0123456789', 'pair 1 is empty (a leading comma)'],
    ['clerk:secret-one-0123456789,,viewer:secret-two-0123456789', 'pair 2 is empty (two commas in a row)'],
    ['clerk:secret-one-0123456789, viewer:secret-two-0123456789', 'pair 2 has a space around it (pairs are separated by a comma alone)'],
    ['clerk:', 'pair 1 (clerk): empty token'],
    ['clerk:secret one-0123456789', 'pair 1 (clerk): the token has a space in it'],
    ['secret-one-0123456789', 'pair 1 has no role (write role:token)'],
    ['s3cr3t-0ne:0123456789', 'pair 1: unknown role (not shown: it does not look like one; is the role missing?)'],
    ['', 'it is empty (unset it to use a token file or the generated tokens)'],
    ['boss:secret-one-0123456789,viewer:', 'pair 1: unknown role "boss"; pair 2 (viewer): empty token'],
  ])('refuses LEDGER_TOKENS=%j saying which pair is wrong and why, in one line without the token: %s', (tokens, why) => {
    let error: unknown;
    try {
      loadConfig({ LEDGER_TOKENS: tokens, PORT: 'abc' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variables).toEqual(['PORT', 'LEDGER_TOKENS']);
    expect((error as Error).message).toBe(`invalid configuration: PORT="abc" must be an integer port number from 0 to 65535; ${PAIRS}: ${why}`);
    for (const secret of ['secret', 's3cr3t', '0123456789']) expect((error as Error).message).not.toContain(secret);
  });

  it.each([
    ['clerk:same-token-0123456789,viewer:same-token-0123456789', '2 times (clerk, viewer)'],
    ['clerk:x,auditor:y,clerk:x', '2 times (clerk, clerk)'],
  ])('refuses LEDGER_TOKENS=%j, which gives one token twice, with one line that does not show the token', (tokens, times) => {
    let error: unknown;
    try {
      loadConfig({ LEDGER_TOKENS: tokens });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variables).toEqual(['LEDGER_TOKENS']);
    expect((error as Error).message).toBe(`invalid configuration: LEDGER_TOKENS gives the same token ${times}: each role:token pair needs a token of its own`);
  });

  it('refuses both token sources at once', () => {
    expect(() => loadConfig({ LEDGER_TOKENS: 'clerk:clerk-token-0123456789', LEDGER_TOKENS_FILE: '/tmp/t.json' })).toThrow(
      /LEDGER_TOKENS and LEDGER_TOKENS_FILE/,
    );
  });

  it('LOG_LEVEL prints that level and every more severe one, and silent prints nothing', () => {
    expect(nestLogLevels('warn')).toEqual(['fatal', 'error', 'warn']);
    expect(nestLogLevels('info')).toEqual(['fatal', 'error', 'warn', 'log']);
    expect(nestLogLevels('trace')).toEqual(['fatal', 'error', 'warn', 'log', 'debug', 'verbose']);
    expect(nestLogLevels('fatal')).toEqual(['fatal']);
    expect(nestLogLevels('silent')).toBe(false);
  });

  describe('preflight (before Nest starts): one message naming the variable, nothing created', () => {
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'norms-ledger-preflight-'));
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it.each([
      ['LEDGER_TOKENS_FILE', () => ({ LEDGER_TOKENS_FILE: join(dir, 'missing.json') }), /^invalid configuration: LEDGER_TOKENS_FILE: cannot read .*missing\.json \(ENOENT\)$/],
      ['LEDGER_SIGNING_KEY_FILE', () => {
        writeFileSync(join(dir, 'key.pem'), 'garbage');
        return { LEDGER_TOKENS: 'clerk:clerk-token-0123456789', LEDGER_SIGNING_KEY_FILE: join(dir, 'key.pem') };
      }, /^invalid configuration: LEDGER_SIGNING_KEY_FILE: signing key .*key\.pem: not a PEM private key$/],
      ['LEDGER_DATA_DIR', () => {
        writeFileSync(join(dir, 'a-file'), 'x');
        return { LEDGER_TOKENS: 'clerk:clerk-token-0123456789', LEDGER_DATA_DIR: join(dir, 'a-file') };
      }, /^invalid configuration: LEDGER_DATA_DIR: .*a-file is not a directory$/],
    ])('%s', async (_variable, env, message) => {
      const config = loadConfig({ LEDGER_DATA_DIR: join(dir, 'data'), HOST: '127.0.0.1', ...env() });
      await expect(preflight(config)).rejects.toThrow(message);
      expect(() => rmSync(join(dir, 'data', 'ledger.sqlite'))).toThrow(/ENOENT/);
    });

    it('a data directory another live server serves: one line naming LEDGER_DATA_DIR and that server (its read models would be written by two)', async () => {
      const dataDir = join(dir, 'data');
      mkdirSync(dataDir);
      // The parent of this test process: alive, and not this process.
      writeFileSync(markerFileOf(dataDir, process.ppid), JSON.stringify({ pid: process.ppid, url: 'http://127.0.0.1:3999' }));
      const config = loadConfig({ LEDGER_TOKENS: 'clerk:clerk-token-0123456789', LEDGER_DATA_DIR: dataDir, PORT: '0' });
      await expect(preflight(config)).rejects.toThrow(
        `invalid configuration: LEDGER_DATA_DIR: another norms-ledger server (pid ${process.ppid}, http://127.0.0.1:3999) serves ${dataDir}; give each instance its own LEDGER_DATA_DIR (read models are per instance) or stop that server first (if pid ${process.ppid} is no norms-ledger server, remove ${markerFileOf(dataDir, process.ppid)})`,
      );
      // A file left by a server that no longer runs does not count.
      rmSync(markerFileOf(dataDir, process.ppid));
      writeFileSync(markerFileOf(dataDir, 2 ** 22 + 12345), JSON.stringify({ pid: 2 ** 22 + 12345, url: 'http://127.0.0.1:3999' }));
      await expect(preflight(config)).resolves.toBeUndefined();
    });

    it('a data directory whose read models a CLI rebuild is replacing: one line naming LEDGER_DATA_DIR and the rebuild', async () => {
      const dataDir = join(dir, 'data');
      mkdirSync(dataDir);
      writeFileSync(rebuildLockOf(dataDir), JSON.stringify({ pid: process.ppid }));
      const config = loadConfig({ LEDGER_TOKENS: 'clerk:clerk-token-0123456789', LEDGER_DATA_DIR: dataDir, PORT: '0' });
      await expect(preflight(config)).rejects.toThrow(
        `invalid configuration: LEDGER_DATA_DIR: a norms-ledger rebuild (pid ${process.ppid}) is rebuilding the read models of ${dataDir}; start the server once it has finished (it would keep the file the rebuild replaces; if pid ${process.ppid} is no rebuild, remove ${rebuildLockOf(dataDir)})`,
      );
    });

    it('removes what a killed server or rebuild left: markers of processes that are gone, a half-built read-model file, the parts of a parallel one and the rebuild lock', async () => {
      const dataDir = join(dir, 'data');
      mkdirSync(dataDir);
      const gone = 2 ** 22 + 12345;
      writeFileSync(markerFileOf(dataDir, gone), JSON.stringify({ pid: gone, url: 'http://127.0.0.1:3999' }));
      writeFileSync(join(dataDir, 'read-models.sqlite.rebuild'), 'half a rebuild');
      writeFileSync(join(dataDir, 'read-models.sqlite.rebuild-wal'), 'half a WAL');
      writeFileSync(join(dataDir, 'read-models.sqlite.rebuild.part-1'), 'a part of a parallel rebuild');
      writeFileSync(join(dataDir, 'read-models.sqlite.rebuild.part-3-wal'), 'its WAL');
      writeFileSync(join(dataDir, 'read-models.sqlite'), 'kept');
      writeFileSync(rebuildLockOf(dataDir), JSON.stringify({ pid: gone, start: 'x', dataDir }));
      await preflight(loadConfig({ LEDGER_TOKENS: 'clerk:clerk-token-0123456789', LEDGER_DATA_DIR: dataDir, PORT: '0' }));
      expect(readdirSync(dataDir).filter((name) => name.startsWith('server-') || name.includes('.rebuild') || name === basename(rebuildLockOf(dataDir)))).toEqual([]);
      expect(readFileSync(join(dataDir, 'read-models.sqlite'), 'utf8')).toBe('kept');
    });

    it('a data directory on a read-only file system: says so, not that another user owns it (an audit, as root on a read-only mount, was told to run as the owner)', () => {
      expect(dataDirAccessProblem('/mnt/ro/data', 'EROFS')).toBe(
        '/mnt/ro/data is on a read-only file system (EROFS): the server writes its ledger there; mount it read-write, or choose a directory on a writable file system',
      );
      expect(dataDirAccessProblem('/srv/data', 'EACCES')).toBe('this user may not read and write /srv/data (EACCES): run the server as the user that owns it (the directory is owner-only, 0700)');
    });

    it('a data directory group or others may write into: a warning naming it and who, suggesting chmod 700; its mode is left as it is', () => {
      const dataDir = join(dir, 'data');
      mkdirSync(dataDir);
      for (const [mode, who] of [[0o777, 'its group and others'], [0o770, 'its group'], [0o1757, 'others']] as const) {
        chmodSync(dataDir, mode);
        expect(dataDirWarning(dataDir)).toBe(
          `LEDGER_DATA_DIR ${dataDir} may be written by ${who} (mode 0${(mode & 0o777).toString(8)}): they could replace or delete the ledger, the signing key and tokens.json; chmod 700 ${dataDir}`,
        );
        expect(statSync(dataDir).mode & 0o7777).toBe(mode);
      }
      for (const mode of [0o700, 0o755, 0o750]) {
        chmodSync(dataDir, mode);
        expect(dataDirWarning(dataDir)).toBeUndefined();
      }
    });

    it('a port in use: one line naming HOST and PORT, and no first-start tokens kept (the next start shows new ones)', async () => {
      const busy = createServer();
      await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
      try {
        const port = (busy.address() as AddressInfo).port;
        const config = loadConfig({ LEDGER_DATA_DIR: join(dir, 'data'), HOST: '127.0.0.1', PORT: String(port) });
        await expect(preflight(config)).rejects.toThrow(new RegExp(`^cannot listen on HOST=127\\.0\\.0\\.1 PORT=${port}: the port is in use$`));
        expect(existsSync(join(dir, 'data', 'tokens.json'))).toBe(false);
      } finally {
        await new Promise((resolve) => busy.close(resolve));
      }
    });
  });

  it('below LOG_LEVEL=debug, Nest\'s start-up narration and start-up stack traces are left out; the rest is printed', () => {
    const printed: string[] = [];
    const logger = nestLogger('info') as LedgerLogger;
    (logger as unknown as { printMessages: (messages: unknown[]) => void }).printMessages = (messages) => void printed.push(String(messages[0]));
    logger.log('Mapped {/health, GET} route', 'RouterExplorer');
    logger.log('AppModule dependencies initialized', 'InstanceLoader');
    logger.error('Error: connect ECONNREFUSED', 'stack…', 'ExceptionHandler');
    logger.log('read models caught up', 'ReadModels');
    logger.error('a batch failed', 'stack…', 'ReadModels');
    expect(printed).toEqual(['read models caught up', 'a batch failed']);
    const verbose = nestLogger('debug') as LedgerLogger;
    const shown: string[] = [];
    (verbose as unknown as { printMessages: (messages: unknown[]) => void }).printMessages = (messages) => void shown.push(String(messages[0]));
    verbose.log('Mapped {/health, GET} route', 'RouterExplorer');
    expect(shown).toEqual(['Mapped {/health, GET} route']);
    expect(nestLogger('silent')).toBe(false);
  });

  it('colours log lines only when both output streams are terminals, and never with NO_COLOR set (no-color.org: to anything but the empty string)', () => {
    const terminal = { isTTY: true };
    const pipe = { isTTY: false };
    expect(logColours(loadConfig({}), [terminal, terminal])).toBe(true);
    expect(logColours(loadConfig({}), [pipe, terminal])).toBe(false);
    expect(logColours(loadConfig({}), [terminal, {}])).toBe(false);
    expect(logColours(loadConfig({ NO_COLOR: '1' }), [terminal, terminal])).toBe(false);
    expect(logColours(loadConfig({ NO_COLOR: '' }), [terminal, terminal])).toBe(true);
    const plain: string[] = [];
    const logger = nestLogger('info', false) as LedgerLogger;
    const write = process.stdout.write;
    process.stdout.write = ((text: string) => plain.push(text) > 0) as typeof process.stdout.write;
    try {
      logger.log('plain', 'Test');
    } finally {
      process.stdout.write = write;
    }
    expect(plain.join('')).toMatch(/^\[Nest\] \d+ {2}- \S+Z {5}LOG \[Test\] plain\n$/);
  });

  it('stamps log lines in UTC, ISO 8601, as the ledger\'s recordedAt (Nest writes local time without an offset)', () => {
    const logger = nestLogger('info') as LedgerLogger;
    const stamp = (logger as unknown as { getTimestamp: () => string }).getTimestamp();
    expect(stamp).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(Math.abs(Date.parse(stamp) - Date.now())).toBeLessThan(5_000);
  });

  it('a failed listen names HOST and PORT, in one line', async () => {
    const busy = { init: async () => undefined, listen: async () => Promise.reject(new Error('listen EADDRINUSE: address already in use 127.0.0.1:3977\n    at Server.setupListenHandle')) };
    await expect(listen(busy as never, loadConfig({ HOST: '127.0.0.1', PORT: '3977' }))).rejects.toThrow(
      /^cannot listen on HOST=127\.0\.0\.1 PORT=3977: listen EADDRINUSE: address already in use 127\.0\.0\.1:3977$/,
    );
  });

  it('a start-up that fails before listening (the read models cannot be opened) says so, not that HOST and PORT are at fault', async () => {
    const broken = { init: async () => Promise.reject(new Error('cannot open the read models at /data/read-models.sqlite (unable to open database file): …')), listen: async () => undefined };
    await expect(listen(broken as never, loadConfig({ HOST: '127.0.0.1', PORT: '3977' }))).rejects.toThrow(/^cannot open the read models at /);
  });
});
