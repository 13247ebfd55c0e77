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
});
