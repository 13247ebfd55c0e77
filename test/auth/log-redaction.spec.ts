import { jest } from '@jest/globals';
import { type AuthApp, startAuthApp, TOKENS, UNKNOWN_TOKEN } from './support/auth-app.js';

/** Tokens sent in headers or query strings never reach a log line, even an error's. */
describe.each(['info', 'trace'])('tokens never appear in the logs (LOG_LEVEL=%s)', (level) => {
  let t: AuthApp;
  const captured: string[] = [];
  const capture = (chunk: unknown): boolean => {
    captured.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
    return true;
  };

  beforeAll(async () => {
    jest.spyOn(process.stdout, 'write').mockImplementation(capture as never);
    jest.spyOn(process.stderr, 'write').mockImplementation(capture as never);
    // Nest's logger on, as `serve` runs; at trace, with the access log's line for every request.
    t = await startAuthApp({ LOG_LEVEL: level }, {});
  });
  afterAll(async () => {
    await t.close();
    jest.restoreAllMocks();
  });

  it('logs an unexpected error with its URL, but with the token cut out', async () => {
    const store = t.store as { readStream: (...args: unknown[]) => Promise<unknown> };
    const original = store.readStream;
    store.readStream = async () => {
      throw new Error('disk on fire');
    };
    const secrets = [...Object.values(TOKENS), UNKNOWN_TOKEN];
    const correlationIds: string[] = [];
    try {
      for (const token of secrets) {
        const failed = await t.call({
          method: 'POST',
          url: `/tracks?access_token=${token}&note=1`,
          as: 'clerk',
          payload: { trackId: 'seg-log', name: 'x', effectiveOn: '2026-01-05' },
        });
        expect(failed.statusCode).toBe(500);
        expect(failed.body).not.toContain(token);
        correlationIds.push(failed.headers['x-correlation-id']!);
      }
    } finally {
      store.readStream = original;
    }
    await t.call({ method: 'GET', url: `/audit/events?access_token=${TOKENS.auditor}`, headers: { authorization: `Bearer ${UNKNOWN_TOKEN}` } });
    await t.call({ method: 'GET', url: '/audit/events', headers: { authorization: `Bearer ${TOKENS.viewer}` } });
    await t.call({ method: 'GET', url: `/tracks/seg-log/board/live?access_token=${TOKENS.viewer}` });
    await t.call({ method: 'GET', url: `/nowhere?ACCESS_TOKEN=${TOKENS.clerk}` });

    const logs = captured.join('');
    // The errors were logged (the test is not vacuous), with their URL…
    for (const id of correlationIds) expect(logs).toContain(id);
    expect(logs).toContain('/tracks?access_token=[redacted]&note=1');
    expect(logs).toContain(level === 'trace' ? 'DEBUG [Access] GET /tracks/:trackId/board/live' : 'WARN [Access] GET /audit/events 401');
    // …and no token, in any form.
    for (const token of secrets) expect(logs).not.toContain(token);
    expect(logs).not.toMatch(/Bearer\s+\S/);
  });
});
