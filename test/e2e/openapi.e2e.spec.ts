import { type E2eApp, removeDataDir, startApp } from './support/e2e-app.js';

const COMMANDS = [
  '/tracks', '/tracks/{trackId}/parties', '/tracks/{trackId}/agencies', '/tracks/{trackId}/delegates', '/tracks/{trackId}/sessions',
  '/sessions/{sessionId}/reschedule', '/sessions/{sessionId}/cancel', '/sessions/{sessionId}/held', '/sessions/{sessionId}/decisions',
  '/sessions/{sessionId}/action-items', '/sessions/{sessionId}/action-items/{actionItemId}/complete', '/sessions/{sessionId}/minutes/circulate',
  '/sessions/{sessionId}/minutes/silence-procedure', '/sessions/{sessionId}/minutes/silence-broken', '/sessions/{sessionId}/minutes/adopt',
  '/tracks/{trackId}/norms', '/tracks/{trackId}/cbms', '/tracks/{trackId}/topics',
  '/norms/{normId}/positions', '/cbms/{cbmId}/positions', '/topics/{topicId}/positions', '/norms/{normId}/decisions', '/cbms/{cbmId}/decisions',
  '/norms/{normId}/capital-responses', '/norms/{normId}/withdrawal', '/cbms/{cbmId}/withdrawal', '/cbms/{cbmId}/links',
  '/cbms/{cbmId}/implementation-reports', '/cbms/{cbmId}/suspension', '/cbms/{cbmId}/resumption',
  '/sessions/{sessionId}/corrections', '/norms/{normId}/corrections', '/cbms/{cbmId}/corrections', '/topics/{topicId}/corrections',
];

describe('OpenAPI of the commands (e2e)', () => {
  let t: E2eApp;
  beforeAll(async () => {
    t = await startApp();
  });
  afterAll(async () => {
    await t.close();
    removeDataDir(t.dataDir);
  });

  it('documents every command with its body, 201 and every problem status', async () => {
    const document = (await t.http().get('/docs/openapi.json').expect(200)).body;
    for (const path of COMMANDS) {
      const operation = document.paths[path]?.post;
      expect({ path, summary: typeof operation?.summary }).toEqual({ path, summary: 'string' });
      expect(operation.requestBody.content['application/json'].schema.$ref).toMatch(/^#\/components\/schemas\/\w+Dto$/);
      for (const status of ['201', '400', '412', '413', '415']) expect({ path, status, has: status in operation.responses }).toEqual({ path, status, has: true });
      expect(operation.responses['400'].content['application/problem+json'].schema.$ref).toBe('#/components/schemas/ProblemDetailsDto');
      expect(operation.parameters.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(['If-Match', 'Idempotency-Key']));
    }
    expect(document.components.schemas.StatePositionDto.properties.stance.enum).toEqual(['supports', 'conditional', 'reserves', 'opposes', 'abstains']);
    expect(document.components.schemas.ProblemDetailsDto.properties.type.description).toContain('https://norms-ledger.dev/problems/<code>');
  });

  it('documents who may call what: no token for public routes, a bearer token, 401 and 403 naming the roles for every other one', async () => {
    const document = (await t.http().get('/docs/openapi.json').expect(200)).body;
    expect(document.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer', bearerFormat: 'opaque token' });
    expect(document.paths['/health'].get.security).toEqual([]);
    expect(document.paths['/health'].get.responses['401']).toBeUndefined();
    const command = document.paths['/tracks'].post;
    expect(command.security).toEqual([{ bearer: [] }]);
    expect(command.responses['401'].content['application/problem+json']).toBeDefined();
    expect(command.responses['403'].description).toContain('allowed: clerk');
    expect(document.paths['/audit/verify'].post.responses['403'].description).toContain('auditor');
    const operations = Object.values(document.paths as Record<string, Record<string, { security?: unknown[]; responses: Record<string, unknown> }>>).flatMap((item) => Object.values(item));
    expect(operations.every((operation) => Array.isArray(operation.security))).toBe(true);
    expect(operations.filter((operation) => operation.security!.length > 0).every((operation) => '401' in operation.responses && '403' in operation.responses)).toBe(true);
  });
});
