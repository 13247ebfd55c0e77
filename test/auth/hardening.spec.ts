import { type IncomingMessage, request as httpRequest } from 'node:http';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sha256OfToken } from '../../src/auth/tokens.js';
import { type AuthApp, isProblem, newDataDir, PROBLEM_JSON, removeDataDir, startAuthApp, TOKENS } from './support/auth-app.js';

const MIB = 1024 * 1024;
const track = (trackId: string) => ({ trackId, name: 'US-China expert group', effectiveOn: '2026-01-05' });

/** What Chromium sends for a page. */
const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8';

describe('hardening with authentication on', () => {
  let t: AuthApp;
  beforeAll(async () => { t = await startAuthApp(); });
  afterAll(async () => { await t.close(); });

  it("records the token's name as recordedBy", async () => {
    const answer = await t.call({ method: 'POST', url: '/tracks', as: 'clerk', payload: track('seg-by') });
    expect(answer.statusCode).toBe(201);
    const [event] = await t.store.readStream('track-seg-by');
    expect(event!.metadata.recordedBy).toBe('clerk');
  });

  it('answers a body over 1 MiB with 413 and a form body with 415, as problem+json', async () => {
    const big = JSON.stringify({ ...track('seg-big'), name: 'x'.repeat(MIB) });
    const tooLarge = await t.call({ method: 'POST', url: '/tracks', as: 'clerk', payload: big, headers: { 'content-type': 'application/json' } });
    expect(tooLarge.statusCode).toBe(413);
    expect(isProblem(tooLarge)).toBe(true);
    const form = await t.call({ method: 'POST', url: '/tracks', as: 'clerk', payload: 'trackId=seg&name=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(form.statusCode).toBe(415);
    expect(isProblem(form)).toBe(true);
    const text = await t.call({ method: 'POST', url: '/tracks', as: 'clerk', payload: '{"trackId":"seg"}', headers: { 'content-type': 'text/plain' } });
    expect(text.statusCode).toBe(415);
    expect(isProblem(text)).toBe(true);
  });

  it('refuses bodies nested deeper than 64 levels with a 400 (they would overflow the validator: a 500)', async () => {
    for (const value of [`${'['.repeat(2000)}1${']'.repeat(2000)}`, `${'{"a":'.repeat(65)}1${'}'.repeat(65)}`]) {
      const answer = await t.call({ method: 'POST', url: '/tracks', as: 'clerk', payload: `{"trackId":"seg-deep","name":${value},"effectiveOn":"2026-01-05"}`, headers: { 'content-type': 'application/json' } });
      expect(answer.statusCode).toBe(400);
      expect(answer.json()).toMatchObject({ type: 'https://norms-ledger.dev/problems/invalid-request', errors: [{ field: '(body)', message: 'must not nest objects or arrays more than 64 levels deep' }] });
    }
    const fine = await t.call({ method: 'POST', url: '/tracks', as: 'clerk', payload: { trackId: 'seg-deep', name: 'x', effectiveOn: '2026-01-05', zz: JSON.parse(`${'['.repeat(60)}1${']'.repeat(60)}`) } });
    expect(fine.statusCode).toBe(400);
    expect(fine.json().errors).toEqual([{ field: 'zz', message: 'is not a field of this request' }]);
  });

  it('refuses an unauthenticated request before reading its body', async () => {
    const big = JSON.stringify({ name: 'x'.repeat(2 * MIB) });
    for (const as of ['none', 'unknown', 'viewer'] as const) {
      const answer = await t.call({ method: 'POST', url: '/tracks', as, payload: big, headers: { 'content-type': 'application/json' } });
      expect(answer.statusCode).toBe(as === 'viewer' ? 403 : 401);
      expect(isProblem(answer)).toBe(true);
    }
    const malformed = await t.call({ method: 'POST', url: '/tracks', payload: '{"trackId":', headers: { 'content-type': 'application/json' } });
    expect(malformed.statusCode).toBe(401);
  });

  it('refuses a malformed Authorization header with 401 invalid_request', async () => {
    for (const header of ['Basic Y2xlcms6eA==', 'Bearer', `Bearer ${TOKENS.clerk} extra`, `Token ${TOKENS.clerk}`]) {
      const answer = await t.call({ method: 'POST', url: '/tracks', headers: { authorization: header }, payload: track('seg-h') });
      expect(answer.statusCode).toBe(401);
      expect(answer.headers['www-authenticate']).toBe('Bearer realm="norms-ledger", error="invalid_request"');
      expect(isProblem(answer)).toBe(true);
    }
    const lower = await t.call({ method: 'POST', url: '/tracks', headers: { authorization: `bearer ${TOKENS.clerk}` }, payload: track('seg-lower') });
    expect(lower.statusCode).toBe(201);
  });

  it('refuses a request that repeats Authorization, Content-Type or Idempotency-Key with 400 naming them, before any token is looked at', async () => {
    const before = await t.store.headPosition();
    const cases: Array<[Record<string, string[]>, string[]]> = [
      // Node keeps the first Authorization: clerk then viewer would have recorded as clerk.
      [{ authorization: [`Bearer ${TOKENS.clerk}`, `Bearer ${TOKENS.viewer}`] }, ['Authorization']],
      [{ authorization: [`Bearer ${TOKENS.clerk}`], 'content-type': ['application/json', 'text/plain'] }, ['Content-Type']],
      // Node would join them into one key, "k1, k2", which a retry with k1 does not match.
      [{ authorization: [`Bearer ${TOKENS.clerk}`], 'idempotency-key': ['k1', 'k2'] }, ['Idempotency-Key']],
      [{ authorization: [`Bearer ${TOKENS.viewer}`, `Bearer ${TOKENS.clerk}`], 'idempotency-key': ['k1', 'k2'] }, ['Authorization', 'Idempotency-Key']],
    ];
    for (const [headers, fields] of cases) {
      const answer = await t.call({ method: 'POST', url: '/tracks', headers: { 'content-type': 'application/json', ...headers }, payload: JSON.stringify(track('seg-twice')) });
      expect({ fields, status: answer.statusCode, problem: isProblem(answer) }).toEqual({ fields, status: 400, problem: true });
      expect(answer.json().errors).toEqual(fields.map((field) => ({ field, message: 'is given more than once: send it once' })));
    }
    // If-Match may repeat: its values are one list (RFC 9110), here one that does not match.
    const listed = await t.call({ method: 'POST', url: '/tracks/seg-nowhere/parties', as: 'clerk', headers: { 'if-match': ['W/"7"', 'W/"8"'] }, payload: { partyId: 'us', name: 'US', effectiveOn: '2026-01-05' } });
    expect(listed.statusCode).toBe(404);
    expect(await t.store.headPosition()).toBe(before);
  });

  it('refuses access_token given twice on the live board with a 401 that says so', async () => {
    const answer = await t.call({ method: 'GET', url: `/tracks/seg-any/board/live?access_token=${TOKENS.viewer}&access_token=${TOKENS.clerk}` });
    expect(answer.statusCode).toBe(401);
    expect(answer.headers['www-authenticate']).toBe('Bearer realm="norms-ledger", error="invalid_request"');
    expect(answer.json().detail).toBe('access_token is given more than once: send one token');
  });

  it('does not take a token from the query string on ordinary routes', async () => {
    const answer = await t.call({ method: 'GET', url: `/audit/events?access_token=${TOKENS.auditor}` });
    expect(answer.statusCode).toBe(401);
  });

  it('sends security headers on answers and refusals, keeps /docs open and free of inline scripts', async () => {
    for (const answer of [await t.call({ method: 'GET', url: '/health' }), await t.call({ method: 'GET', url: '/audit/events' })]) {
      expect(answer.headers['x-content-type-options']).toBe('nosniff');
      expect(answer.headers['content-security-policy']).toContain("script-src 'self'");
      expect(answer.headers['x-frame-options']).toBe('SAMEORIGIN');
      expect(answer.headers['access-control-allow-origin']).toBeUndefined();
      // Terminus sends its own no-store for /health.
      expect(answer.headers['cache-control']).toMatch(/\bno-store\b/);
    }
    expect((await t.call({ method: 'GET', url: '/tracks', as: 'viewer' })).headers['cache-control']).toBe('no-store');
    // The dashboard's own files may be kept, revalidated each time.
    expect((await t.call({ method: 'GET', url: '/' })).headers['cache-control']).toBe('no-cache');
    const docs = await t.call({ method: 'GET', url: '/docs', headers: { accept: BROWSER_ACCEPT } });
    expect(docs.statusCode).toBe(200);
    expect(docs.headers['content-type']).toMatch(/^text\/html/);
    expect(docs.headers.vary).toBe('Accept');
    const scripts = [...docs.body.matchAll(/<script\b([^>]*)>/g)].map((m) => m[1]!);
    expect(scripts.length).toBeGreaterThan(0);
    // script-src 'self' allows only same-origin files: every script must be one.
    for (const attributes of scripts) expect(attributes).toMatch(/\bsrc=["']\.\/(docs\/)?[\w.-]+\.js["']/);
    const init = await t.call({ method: 'GET', url: '/docs/swagger-ui-init.js' });
    expect(init.statusCode).toBe(200);
    const openapi = await t.call({ method: 'GET', url: '/docs/openapi.json' });
    expect(openapi.statusCode).toBe(200);
    expect(openapi.json().openapi).toMatch(/^3\./);
  });

  it('answers /docs with the OpenAPI document itself to a client that does not ask for a page (DESIGN §7), and Swagger UI to a browser', async () => {
    const document = (await t.call({ method: 'GET', url: '/docs/openapi.json' })).json();
    for (const accept of [undefined, '*/*', 'application/json']) {
      for (const url of ['/docs', '/docs/']) {
        const answer = await t.call({ method: 'GET', url, headers: accept === undefined ? {} : { accept } });
        expect({ url, accept, status: answer.statusCode, type: answer.headers['content-type'], vary: answer.headers.vary }).toEqual({ url, accept, status: 200, type: 'application/json; charset=utf-8', vary: 'Accept' });
        expect(answer.json()).toEqual(document);
        expect(answer.headers['x-content-type-options']).toBe('nosniff');
      }
    }
    const page = await t.call({ method: 'GET', url: '/docs', headers: { accept: BROWSER_ACCEPT } });
    expect(page.body).toContain('swagger-ui');
    expect((await t.call({ method: 'HEAD', url: '/docs' })).headers['content-type']).toBe('application/json; charset=utf-8');
  });

  it('answers an unknown route 404 whoever asks', async () => {
    const answer = await t.call({ method: 'GET', url: '/nowhere' });
    expect(answer.statusCode).toBe(404);
    expect(answer.headers['content-type']).toBe(PROBLEM_JSON);
  });
});

describe('rate limits', () => {
  it('gives each token its own budget: 429 with Retry-After as problem+json', async () => {
    const t = await startAuthApp({ LEDGER_RATE_LIMIT_PER_TOKEN: '3', LEDGER_RATE_LIMIT_WINDOW_SECONDS: '60' });
    try {
      for (let i = 0; i < 3; i += 1) expect((await t.call({ method: 'GET', url: '/audit/public-key', as: 'auditor' })).statusCode).toBe(200);
      const limited = await t.call({ method: 'GET', url: '/audit/public-key', as: 'auditor' });
      expect(limited.statusCode).toBe(429);
      expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60);
      expect(isProblem(limited)).toBe(true);
      expect(limited.json()).toMatchObject({ type: 'https://norms-ledger.dev/problems/too-many-requests', status: 429 });
      expect((await t.call({ method: 'POST', url: '/audit/verify', as: 'auditor' })).statusCode).toBe(429);
      expect((await t.call({ method: 'GET', url: '/health' })).statusCode).toBe(200);
    } finally {
      await t.close();
    }
  });

  it('limits each address, refused requests included, but never a health probe; 0 turns a limit off', async () => {
    const t = await startAuthApp({ LEDGER_RATE_LIMIT_PER_ADDRESS: '4', LEDGER_RATE_LIMIT_PER_TOKEN: '0' });
    try {
      const statuses: number[] = [];
      for (const as of ['none', 'unknown', 'clerk', 'none', 'clerk'] as const) statuses.push((await t.call({ method: 'GET', url: '/docs/openapi.json', as })).statusCode);
      expect(statuses).toEqual([200, 200, 200, 200, 429]);
      const refused = await t.call({ method: 'GET', url: '/audit/events', as: 'unknown' });
      expect(refused.statusCode).toBe(429);
      // A load balancer's probe would read a 429 as "down".
      for (let i = 0; i < 3; i += 1) {
        expect((await t.call({ method: 'GET', url: '/health' })).statusCode).toBe(200);
        expect((await t.call({ method: 'GET', url: '/health/ready' })).statusCode).toBe(200);
      }
      // A probe with a known token (a monitor reading the details) is not limited either; one with a
      // token this server does not know counts, or the probes would be an unthrottled way to try tokens.
      for (let i = 0; i < 3; i += 1) expect((await t.call({ method: 'GET', url: '/health/ready', as: 'clerk' })).statusCode).toBe(200);
      expect((await t.call({ method: 'GET', url: '/health', as: 'unknown' })).statusCode).toBe(429);
      expect((await t.call({ method: 'GET', url: '/health/ready', as: 'unknown' })).statusCode).toBe(429);
    } finally {
      await t.close();
    }
  });
});

describe('live board streams per token', () => {
  it('holds at most LEDGER_LIVE_STREAMS_PER_TOKEN open per token: the next is a 429 problem, another token is not affected, and a closed stream frees its place', async () => {
    const t = await startAuthApp({ LEDGER_LIVE_STREAMS_PER_TOKEN: '2' });
    const opened: IncomingMessage[] = [];
    const open = (token: string): Promise<IncomingMessage> =>
      new Promise((resolve, reject) => {
        const req = httpRequest(`http://127.0.0.1:${(t.fastify.server.address() as { port: number }).port}/tracks/lv/board/live`, { headers: { authorization: `Bearer ${token}` } }, resolve);
        req.on('error', reject);
        req.end();
      });
    const body = (response: IncomingMessage): Promise<string> =>
      new Promise((resolve) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => resolve(text));
      });
    try {
      expect((await t.call({ method: 'POST', url: '/tracks', as: 'clerk', payload: { trackId: 'lv', name: 'Live', effectiveOn: '2026-01-01' } })).statusCode).toBe(201);
      for (let i = 0; i < 2; i++) {
        const stream = await open(TOKENS.viewer);
        expect(stream.statusCode).toBe(200);
        opened.push(stream);
      }
      const refused = await open(TOKENS.viewer);
      expect(refused.statusCode).toBe(429);
      expect(refused.headers['retry-after']).toBe('60');
      expect(JSON.parse(await body(refused))).toMatchObject({
        type: 'https://norms-ledger.dev/problems/too-many-requests',
        status: 429,
        detail: 'this token already holds 2 live board streams open (LEDGER_LIVE_STREAMS_PER_TOKEN): close one first',
      });
      const auditor = await open(TOKENS.auditor);
      expect(auditor.statusCode).toBe(200);
      opened.push(auditor);
      opened.shift()!.destroy();
      await new Promise((resolve) => setTimeout(resolve, 100));
      const again = await open(TOKENS.viewer);
      expect(again.statusCode).toBe(200);
      opened.push(again);
    } finally {
      for (const stream of opened) stream.destroy();
      await t.close();
    }
  });
});

describe('CORS', () => {
  it('is off unless LEDGER_CORS_ORIGINS is set, then allows only those origins', async () => {
    const off = await startAuthApp();
    const on = await startAuthApp({ LEDGER_CORS_ORIGINS: 'https://dash.example.org' });
    try {
      const preflight = { method: 'OPTIONS', url: '/tracks', headers: { origin: 'https://dash.example.org', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' } };
      const refused = await off.call(preflight);
      expect(refused.headers['access-control-allow-origin']).toBeUndefined();
      const allowed = await on.call(preflight);
      expect(allowed.statusCode).toBe(204);
      expect(allowed.headers['access-control-allow-origin']).toBe('https://dash.example.org');
      expect(allowed.headers['access-control-allow-headers']?.toLowerCase()).toContain('authorization');
      const other = await on.call({ ...preflight, headers: { ...preflight.headers, origin: 'https://evil.example' } });
      expect(other.headers['access-control-allow-origin']).toBeUndefined();
      const unauthenticated = await on.call({ method: 'GET', url: '/audit/events', headers: { origin: 'https://dash.example.org' } });
      expect(unauthenticated.statusCode).toBe(401);
      expect(unauthenticated.headers['access-control-allow-origin']).toBe('https://dash.example.org');
      expect(unauthenticated.headers['access-control-expose-headers']).toContain('WWW-Authenticate');
    } finally {
      await off.close();
      await on.close();
    }
  });
});

describe('token file', () => {
  it('authenticates with LEDGER_TOKENS_FILE and records its names', async () => {
    const dir = newDataDir();
    const file = join(dir, 'tokens.json');
    writeFileSync(file, JSON.stringify([{ name: 'secretariat-ana', role: 'clerk', sha256: sha256OfToken('ana-token-0123456789abcdef') }]));
    const t = await startAuthApp({ LEDGER_TOKENS: '', LEDGER_TOKENS_FILE: file });
    try {
      const answer = await t.call({ method: 'POST', url: '/tracks', headers: { authorization: 'Bearer ana-token-0123456789abcdef' }, payload: track('seg-ana') });
      expect(answer.statusCode).toBe(201);
      const [event] = await t.store.readStream('track-seg-ana');
      expect(event!.metadata.recordedBy).toBe('secretariat-ana');
      expect((await t.call({ method: 'POST', url: '/tracks', as: 'clerk', payload: track('seg-x') })).statusCode).toBe(401);
    } finally {
      await t.close();
      removeDataDir(dir);
    }
  });
});
