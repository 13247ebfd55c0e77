import { get } from 'node:http';
import { AUDITOR, CLERK, disposeLedger, type RunningLedger, startedLedger } from './support/ledger-process.js';

/*
 * An operator audit sent a 201, a 400, a 401, a 403 and a live stream opened with ?access_token=
 * at LOG_LEVEL=trace and found nothing in the log: no traffic, no one trying tokens. The access log
 * writes each request at debug, and 401 and 403 at warn, never a token nor a query string.
 */
const access = (log: string): string[] => log.split('\n').filter((line) => line.includes('[Access]'));
const STAMP = /^\[Nest\] \d+ {2}- \S+Z +/;

/** Opens the live board stream with the token in the query, as an EventSource does, and closes it once answered. */
const openLiveStream = (port: number, token: string): Promise<number> =>
  new Promise((resolve, reject) => {
    const request = get({ host: '127.0.0.1', port, path: `/tracks/al/board/live?access_token=${token}` }, (response) => {
      resolve(response.statusCode ?? 0);
      request.destroy();
    });
    request.on('error', reject);
  });

describe('the access log', () => {
  let ledger: RunningLedger | undefined;

  afterEach(() => disposeLedger(ledger));

  it('at LOG_LEVEL=debug: one line per request (method, route pattern, status, duration, who, correlation id), 401 and 403 at warn with why; never a token', async () => {
    ledger = await startedLedger({ LOG_LEVEL: 'debug', LEDGER_VERIFY_ON_START: 'false' });
    const { client, server } = ledger;
    expect((await client.post('/tracks', { trackId: 'al', name: 'Access log', effectiveOn: '2026-01-05' })).status).toBe(201);
    expect((await client.request('GET', '/tracks/al/board?asOf=2026-01-06', { token: CLERK })).status).toBe(200);
    expect((await client.request('GET', '/tracks')).status).toBe(401);
    expect((await client.request('GET', '/tracks', { token: 'not-a-known-token-0123456789' })).status).toBe(401);
    expect((await client.post('/tracks', { trackId: 'al2', name: 'Refused', effectiveOn: '2026-01-05' }, {}, AUDITOR)).status).toBe(403);
    expect(await openLiveStream(server.port, CLERK)).toBe(200);
    await server.stop();

    const lines = access(server.log);
    const correlation = '\\[[0-9a-f-]{36}\\]';
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(new RegExp(`${STAMP.source}DEBUG \\[Access\\] POST /tracks 201 \\d+\\.\\d ms, clerk ${correlation}$`)),
        expect.stringMatching(new RegExp(`${STAMP.source}DEBUG \\[Access\\] GET /tracks/:trackId/board 200 \\d+\\.\\d ms, clerk ${correlation}$`)),
        expect.stringMatching(new RegExp(`${STAMP.source}WARN \\[Access\\] GET /tracks 401 \\d+\\.\\d ms, no token ${correlation}: refused: this route needs a token`)),
        expect.stringMatching(new RegExp(`${STAMP.source}WARN \\[Access\\] GET /tracks 401 \\d+\\.\\d ms, unknown token ${correlation}: refused: the token is not known`)),
        expect.stringMatching(new RegExp(`${STAMP.source}WARN \\[Access\\] POST /tracks 403 \\d+\\.\\d ms, auditor ${correlation}: refused: the auditor role may not use POST /tracks`)),
        // Its client closed it (an EventSource navigating away).
        expect.stringMatching(new RegExp(`${STAMP.source}DEBUG \\[Access\\] GET /tracks/:trackId/board/live 200 \\d+\\.\\d ms, clerk ${correlation}, closed before the answer ended$`)),
      ]),
    );
    // And the probe that saw the server up.
    expect(lines.filter((line) => !/GET \/health 200 [\d.]+ ms, no token /.test(line))).toHaveLength(6);
    for (const secret of [CLERK, AUDITOR, 'not-a-known-token-0123456789', 'access_token', 'asOf']) expect(server.log).not.toContain(secret);
  }, 180_000);

  it('at LOG_LEVEL=info: only the refusals', async () => {
    ledger = await startedLedger({ LOG_LEVEL: 'info', LEDGER_VERIFY_ON_START: 'false' });
    const { client, server } = ledger;
    expect((await client.request('GET', '/tracks', { token: CLERK })).status).toBe(200);
    expect((await client.request('GET', '/tracks')).status).toBe(401);
    await server.stop();
    expect(access(server.log)).toEqual([expect.stringMatching(/WARN \[Access\] GET \/tracks 401 .*, no token /)]);
  }, 180_000);
});
