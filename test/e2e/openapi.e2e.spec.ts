import { readdirSync, readFileSync } from 'node:fs';
import { STATUS_CODES } from 'node:http';
import { join } from 'node:path';
import { QueryBus } from '@nestjs/cqrs';
import { ListCheckpointsQuery } from '../../src/audit/application/list-checkpoints.query.js';
import { ReadEventsQuery } from '../../src/audit/application/read-events.query.js';
import { type CheckpointSigner, SIGNING_KEY } from '../../src/audit/infrastructure/signing-key.js';
import { CLERK_TOKEN, type E2eApp, removeDataDir, startApp } from './support/e2e-app.js';
import { HttpProblemCode } from '../../src/shared/http/problem-details.js';
import { OpenApiSchemas } from './support/openapi-schema.js';

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

  it('names every operation for client generators: a unique camelCase operationId, never the controller class', async () => {
    const document = (await t.http().get('/docs/openapi.json').expect(200)).body;
    const ids: string[] = Object.values(document.paths).flatMap((item) => Object.values(item as Record<string, { operationId: string }>).map((op) => op.operationId));
    expect(ids.length).toBeGreaterThan(50);
    expect(ids.filter((id) => !/^[a-z][A-Za-z]+$/.test(id))).toEqual([]);
    expect(new Set(ids).size).toBe(ids.length);
    expect(document.paths['/norms/{normId}/positions'].post.operationId).toBe('stateNormPosition');
    expect(document.paths['/tracks/{trackId}/board'].get.operationId).toBe('getBoard');
    expect(document.paths['/audit/verify'].post.operationId).toBe('verifyLedger');
  });

  it('documents who may call what: no token for public routes, a bearer token, 401 and 403 naming the roles for every other one', async () => {
    const document = (await t.http().get('/docs/openapi.json').expect(200)).body;
    expect(document.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer', bearerFormat: 'opaque token' });
    expect(document.paths['/health'].get.security).toEqual([]);
    expect(document.paths['/health'].get.responses['401']).toBeUndefined();
    expect(document.paths['/health/ready'].get.security).toEqual([]);
    expect(document.paths['/health/ready'].get.responses['401']).toBeUndefined();
    // Public indeed (the states only), and up with the position the read models applied for a caller with a token.
    expect((await t.http().get('/health/ready').expect(200)).body.info).toEqual({ eventStore: { status: 'up', store: 'sqlite' }, readModels: { status: 'up' } });
    const ready = await t.http().get('/health/ready').set(AUTH).expect(200);
    expect(ready.body).toMatchObject({ status: 'ok', info: { eventStore: { status: 'up' }, readModels: { status: 'up', checkpoint: expect.stringMatching(/^\d+$/) } } });
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

type Schema = Record<string, unknown> & { $ref?: string; allOf?: Schema[]; properties?: Record<string, Schema>; example?: unknown };
type OpenApi = { paths: Record<string, Record<string, any>>; components: { schemas: Record<string, Schema> } };

const AUTH = { Authorization: `Bearer ${CLERK_TOKEN}` };

const resolve = (document: OpenApi, schema: Schema): Schema => {
  if (schema.$ref !== undefined) return resolve(document, document.components.schemas[schema.$ref.split('/').pop()!]!);
  if (schema.allOf?.length === 1) return { ...resolve(document, schema.allOf[0]!), ...schema, allOf: undefined };
  return schema;
};

/**
 * The body Swagger UI pre-fills: the schema's example, else one built from its properties' examples.
 * `missing` collects the properties that have none (Swagger UI would fill in a placeholder).
 */
const exampleOf = (document: OpenApi, schema: Schema, path: string, missing: string[]): unknown => {
  const resolved = resolve(document, schema);
  if (resolved.example !== undefined) return resolved.example;
  if (resolved.properties === undefined) {
    missing.push(path);
    return undefined;
  }
  return Object.fromEntries(
    Object.entries(resolved.properties).flatMap(([name, property]) => {
      const value = exampleOf(document, property, `${path}.${name}`, missing);
      return value === undefined ? [] : [[name, value]];
    }),
  );
};

const bodyExample = (document: OpenApi, path: string, missing: string[] = []): Record<string, unknown> =>
  exampleOf(document, document.paths[path]!.post.requestBody.content['application/json'].schema, path, missing) as Record<string, unknown>;

/** Keys of an answer's documented schema (its own properties, with allOf and $ref resolved). */
const documentedKeys = (document: OpenApi, schema: Schema): string[] => Object.keys(resolve(document, schema).properties ?? {}).sort();

/**
 * The story the command examples tell (DESIGN.md §7 order): [route to send to, documented path, what
 * the schema description says to change for the second party]. Everything else is the example as is.
 */
const CN_POSITION = { statementId: 'st-cn-01', partyId: 'cn', delegateId: 'cn-del-1', text: 'China supports the proposal as drafted.', interpretativeStatement: undefined, communicationRef: undefined };
const STORY: ReadonlyArray<readonly [string, string, Record<string, unknown>?]> = [
  ['/tracks', '/tracks'],
  ['/tracks/us-cn-seg/parties', '/tracks/{trackId}/parties'],
  ['/tracks/us-cn-seg/parties', '/tracks/{trackId}/parties', { partyId: 'cn', name: 'China' }],
  ['/tracks/us-cn-seg/agencies', '/tracks/{trackId}/agencies'],
  ['/tracks/us-cn-seg/agencies', '/tracks/{trackId}/agencies', { agencyId: 'cn-mfa', partyId: 'cn', name: 'Ministry of Foreign Affairs' }],
  ['/tracks/us-cn-seg/delegates', '/tracks/{trackId}/delegates'],
  ['/tracks/us-cn-seg/delegates', '/tracks/{trackId}/delegates', { delegateId: 'cn-del-1', partyId: 'cn', agencyId: 'cn-mfa', name: 'L. Wei' }],
  ['/tracks/us-cn-seg/sessions', '/tracks/{trackId}/sessions'],
  ['/sessions/seg-2026-1/reschedule', '/sessions/{sessionId}/reschedule'],
  ['/sessions/seg-2026-1/held', '/sessions/{sessionId}/held'],
  ['/sessions/seg-2026-1/decisions', '/sessions/{sessionId}/decisions'],
  ['/sessions/seg-2026-1/action-items', '/sessions/{sessionId}/action-items'],
  ['/tracks/us-cn-seg/norms', '/tracks/{trackId}/norms'],
  ['/tracks/us-cn-seg/cbms', '/tracks/{trackId}/cbms'],
  ['/tracks/us-cn-seg/topics', '/tracks/{trackId}/topics'],
  ['/norms/gge-13i/positions', '/norms/{normId}/positions'],
  ['/norms/gge-13i/positions', '/norms/{normId}/positions', CN_POSITION],
  ['/cbms/cbm-hotline/positions', '/cbms/{cbmId}/positions'],
  ['/cbms/cbm-hotline/positions', '/cbms/{cbmId}/positions', CN_POSITION],
  ['/topics/internet-governance/positions', '/topics/{topicId}/positions'],
  ['/topics/internet-governance/positions', '/topics/{topicId}/positions', CN_POSITION],
  ['/norms/gge-13i/decisions', '/norms/{normId}/decisions'],
  ['/cbms/cbm-hotline/decisions', '/cbms/{cbmId}/decisions'],
  ['/cbms/cbm-hotline/links', '/cbms/{cbmId}/links'],
  ['/cbms/cbm-hotline/implementation-reports', '/cbms/{cbmId}/implementation-reports'],
  ['/cbms/cbm-hotline/suspension', '/cbms/{cbmId}/suspension'],
  ['/cbms/cbm-hotline/resumption', '/cbms/{cbmId}/resumption'],
  ['/norms/gge-13i/capital-responses', '/norms/{normId}/capital-responses'],
  ['/sessions/seg-2026-1/action-items/ai-01/complete', '/sessions/{sessionId}/action-items/{actionItemId}/complete'],
  ['/sessions/seg-2026-1/minutes/circulate', '/sessions/{sessionId}/minutes/circulate'],
  ['/sessions/seg-2026-1/minutes/silence-procedure', '/sessions/{sessionId}/minutes/silence-procedure'],
  ['/sessions/seg-2026-1/minutes/silence-broken', '/sessions/{sessionId}/minutes/silence-broken'],
  ['/sessions/seg-2026-1/minutes/adopt', '/sessions/{sessionId}/minutes/adopt'],
  ['/norms/gge-13i/corrections', '/norms/{normId}/corrections'],
  ['/cbms/cbm-hotline/corrections', '/cbms/{cbmId}/corrections'],
  ['/topics/internet-governance/corrections', '/topics/{topicId}/corrections'],
];

/** Commands that end the story another way, each sent at the point its schema description names. */
const OTHER_ENDINGS = ['/sessions/{sessionId}/cancel', '/norms/{normId}/withdrawal', '/cbms/{cbmId}/withdrawal', '/sessions/{sessionId}/corrections'];

const QUERIES: ReadonlyArray<readonly [string, string]> = [
  ['/tracks', '/tracks'],
  ['/tracks/us-cn-seg', '/tracks/{trackId}'],
  ['/tracks/us-cn-seg/board', '/tracks/{trackId}/board'],
  ['/tracks/us-cn-seg/matrix', '/tracks/{trackId}/matrix'],
  ['/tracks/us-cn-seg/sessions', '/tracks/{trackId}/sessions'],
  ['/sessions/seg-2026-1', '/sessions/{sessionId}'],
  ['/norms/gge-13i', '/norms/{id}'],
  ['/cbms/cbm-hotline', '/cbms/{id}'],
  ['/topics/internet-governance', '/topics/{id}'],
];

describe('OpenAPI examples and answers (e2e)', () => {
  let t: E2eApp;
  let document: OpenApi;
  beforeAll(async () => {
    t = await startApp();
    t.fixClock('2026-05-04T09:00:00.000Z');
    document = (await t.http().get('/docs/openapi.json').expect(200)).body;
  });
  afterAll(async () => {
    await t.close();
    removeDataDir(t.dataDir);
  });

  it('documents asOf and knownAt as optional, with no example for Swagger UI to send', () => {
    const cuts = Object.values(document.paths)
      .flatMap((item) => Object.values(item))
      .flatMap((operation) => (operation.parameters ?? []) as Array<{ name: string; in: string; required?: boolean; schema?: Schema; example?: unknown; examples?: unknown; description?: string }>)
      .filter((parameter) => parameter.in === 'query' && ['asOf', 'knownAt'].includes(parameter.name));
    expect(cuts.length).toBeGreaterThanOrEqual(2 * 10);
    for (const parameter of cuts) {
      expect({ name: parameter.name, required: parameter.required, example: parameter.example ?? parameter.schema?.example, examples: parameter.examples }).toEqual({ name: parameter.name, required: false, example: undefined, examples: undefined });
      expect(parameter.description).toMatch(/YYYY-MM-DD/);
    }
  });

  it('documents a schema and an example for every 200 answer of a GET and of the rebuild, and the 400 of /audit/events', () => {
    // /health, /health/ready and the live board (a server-sent event stream) are documented by their own controllers.
    const answers = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.entries(item)
        .filter(([method]) => (method === 'get' && path !== '/health' && path !== '/health/ready' && !path.endsWith('/live')) || path === '/projections/rebuild')
        .map(([method, operation]) => ({ route: `${method.toUpperCase()} ${path}`, content: operation.responses['200']?.content as Record<string, { schema?: Schema; example?: unknown }> | undefined })),
    );
    expect(answers.length).toBe(15);
    for (const { route, content } of answers) {
      expect({ route, documented: content !== undefined }).toEqual({ route, documented: true });
      for (const [type, media] of Object.entries(content!)) {
        expect({ route, type, schema: Object.keys(media.schema ?? {}).length > 0, example: media.example !== undefined }).toEqual({ route, type, schema: true, example: true });
      }
    }
    const events = document.paths['/audit/events']!.get;
    expect(Object.keys(events.responses['200'].content).sort()).toEqual(['application/json', 'application/x-ndjson']);
    expect(events.responses['400'].content['application/problem+json']).toBeDefined();
    expect(Object.keys(document.paths['/audit/bundle']!.get.responses['200'].content)).toEqual(['application/x-ndjson']);
    expect(events.responses['200'].description.length).toBeGreaterThan(0);
  });

  it('gives every field of every command body an example, but the condition of a supports stance', () => {
    const missing: string[] = [];
    for (const path of COMMANDS) bodyExample(document, path, missing);
    expect(missing.sort()).toEqual(['/cbms/{cbmId}/positions.condition', '/norms/{normId}/positions.condition', '/topics/{topicId}/positions.condition']);
    const correction = bodyExample(document, '/norms/{normId}/corrections');
    expect(Object.keys(correction.target as object)).toEqual(['statementId']);
    expect(correction.changes).toEqual([{ field: 'text', from: bodyExample(document, '/norms/{normId}/positions').text, to: expect.any(String) }]);
  });

  it('holds every example to its own schema, as a client validating against the document would', () => {
    const schemas = new OpenApiSchemas(document);
    const off: string[] = [];
    let checked = 0;
    for (const [name, schema] of Object.entries(document.components.schemas)) {
      if (schema.example !== undefined) {
        checked++;
        off.push(...schemas.problems({ $ref: `#/components/schemas/${name}` }, schema.example).map((problem) => `${name}: ${problem}`));
      }
      for (const [property, propertySchema] of Object.entries(schema.properties ?? {})) {
        if (propertySchema.example === undefined) continue;
        checked++;
        off.push(...schemas.problems(propertySchema, propertySchema.example).map((problem) => `${name}.${property}: ${problem}`));
      }
    }
    for (const [path, item] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        for (const [status, response] of Object.entries((operation.responses ?? {}) as Record<string, { content?: Record<string, { schema?: Schema; example?: unknown }> }>)) {
          for (const [type, media] of Object.entries(response.content ?? {})) {
            if (media.example === undefined || media.schema === undefined || type === 'application/x-ndjson') continue;
            checked++;
            off.push(...schemas.problems(media.schema, media.example).map((problem) => `${method} ${path} ${status}: ${problem}`));
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(150);
    expect(off).toEqual([]);
  });

  it('closes every request schema (additionalProperties: false), nested ones included, as the server refuses any other field', async () => {
    const named = (schema: unknown): string | undefined => ((schema as Schema | undefined)?.$ref ?? '').split('/').pop() || undefined;
    const bodies = COMMANDS.map((path) => named(document.paths[path]!.post.requestBody.content['application/json'].schema)!);
    const nested = ['AgendaItemDto', 'FieldChangeDto', 'CorrectionTargetDto'];
    for (const name of [...bodies, ...nested]) expect({ name, additionalProperties: document.components.schemas[name]!.additionalProperties }).toEqual({ name, additionalProperties: false });
    expect(document.components.schemas.CorrectionTargetDto).toMatchObject({ minProperties: 1, maxProperties: 1 });
    // A text field says what the server refuses: control characters (blankness is in the description).
    const text = document.components.schemas.StatePositionDto!.properties!.text as Schema & { pattern: string };
    expect(new RegExp(text.pattern, 'u').test('a\u0001b')).toBe(false);
    expect(new RegExp(text.pattern, 'u').test('line one\nline two\tand a tab')).toBe(true);
    expect((await t.post('/tracks', { ...bodyExample(document, '/tracks'), trackId: 'closed', colour: 'blue' }).expect(400)).body.errors).toEqual([{ field: 'colour', message: 'is not a field of this request' }]);
  });

  it('names in its problem types and status descriptions only codes the server answers with', () => {
    // The codes in the source: a DomainError's (or ServiceUnavailableError's) first argument, problem(status, 'code', …), requestProblem('code', …), HttpProblemCode; and Node's status texts, which name an HttpException's.
    const sources = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? sources(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : []));
    const known = new Set([...Object.values(STATUS_CODES).map((text) => text!.toLowerCase().replace(/[^a-z0-9]+/g, '-')), ...Object.values(HttpProblemCode)]);
    for (const file of sources('src')) {
      const text = readFileSync(file, 'utf8');
      for (const match of text.matchAll(/(?:new (?:NotFound|Conflict|Unprocessable|PreconditionFailed|ServiceUnavailable)Error\(\s*|problem\(\d+, |requestProblem\()'([a-z]+(?:-[a-z]+)*)'/g)) known.add(match[1]!);
    }
    expect(known.size).toBeGreaterThan(150);
    const schemas = (document as unknown as { components: { schemas: Record<string, { properties: Record<string, { description: string }> }> } }).components.schemas;
    const named = new Set([...schemas['ProblemDetailsDto']!.properties['type']!.description.matchAll(/`([a-z]+(?:-[a-z]+)*)`/g)].map((match) => match[1]!));
    for (const item of Object.values(document.paths)) {
      for (const operation of Object.values(item) as Array<{ responses: Record<string, { description: string }> }>) {
        for (const [status, response] of Object.entries(operation.responses)) {
          // Every lower-case hyphenated name in backquotes there is a code (`read-models-behind`, `event-schema-unknown`).
          if (Number(status) >= 400) for (const match of response.description.matchAll(/`([a-z]+(?:-[a-z]+)+)`/g)) named.add(match[1]!);
        }
      }
    }
    expect(named.size).toBeGreaterThan(25);
    expect([...named].filter((code) => !known.has(code)).sort()).toEqual([]);
  });

  it('documents the answers every protected route can give: 400, 401, 403, 429, 500 and 503 with Retry-After; 413 and 415 on every POST', () => {
    const operations = Object.entries(document.paths).flatMap(([path, item]) => Object.entries(item).map(([method, operation]) => ({ route: `${method} ${path}`, operation })));
    const protectedOnes = operations.filter(({ operation }) => (operation.security as unknown[]).length > 0);
    expect(protectedOnes.length).toBeGreaterThan(40);
    for (const { route, operation } of protectedOnes) {
      const expected = ['400', '401', '403', '429', '500', '503', ...(route.startsWith('post ') ? ['413', '415'] : [])];
      expect({ route, statuses: expected.filter((status) => !(status in operation.responses)) }).toEqual({ route, statuses: [] });
      expect({ route, retryAfter: Boolean(operation.responses['429'].headers?.['Retry-After'] && operation.responses['503'].headers?.['Retry-After']) }).toEqual({ route, retryAfter: true });
    }
    const checkpoint = document.paths['/audit/checkpoints']!.post;
    expect(checkpoint.parameters.map((parameter: { name: string }) => parameter.name)).toEqual(expect.arrayContaining(['If-Match', 'Idempotency-Key']));
    expect(checkpoint.responses['201'].headers.ETag).toBeDefined();
    expect((document as unknown as { tags: Array<{ name: string; description: string }> }).tags.map((tag) => tag.name).sort()).toEqual(['audit', 'cbms', 'norms', 'operations', 'queries', 'sessions', 'topics', 'tracks']);
  });

  it('records the command examples sent in story order on an empty store: 201 for each, then every query answers with the documented fields', async () => {
    expect([...new Set(STORY.map(([, path]) => path)), ...OTHER_ENDINGS].sort()).toEqual([...COMMANDS].sort());
    const refused: string[] = [];
    // Every answer, checked against the schema the document gives for its operation and status.
    const schemas = new OpenApiSchemas(document);
    const off: string[] = [];
    let heldEventId = '';
    for (const [route, path, change] of STORY) {
      const response = await t.post(route, { ...bodyExample(document, path), ...change });
      if (response.status !== 201) refused.push(`${route} → ${response.status} ${JSON.stringify(response.body)}`);
      off.push(...schemas.answerProblems('POST', path, response.status, response.body));
      if (path.endsWith('/held')) heldEventId = response.body.events[0].eventId;
    }
    expect(refused).toEqual([]);
    // The session correction needs the eventId of SessionHeld, as its schema description says.
    const sessionCorrection = {
      ...bodyExample(document, '/sessions/{sessionId}/corrections'),
      correctionId: 'corr-02',
      target: { eventId: heldEventId },
      changes: [{ field: 'place', from: 'Honolulu', to: 'Honolulu, East-West Center' }],
      reason: 'the venue was misrecorded',
      requestedBy: 'secretariat',
    };
    await t.post('/sessions/seg-2026-1/corrections', sessionCorrection).expect(201);
    await t.post('/audit/checkpoints').expect(201);

    for (const [route, path] of QUERIES) {
      const answer = (await t.http().get(route).set(AUTH).expect(200)).body as Record<string, unknown>;
      off.push(...schemas.answerProblems('GET', path, 200, answer));
      // Under both cuts too (corrections shown as they were known), and as a 404 before the subject existed.
      const cut = await t.http().get(`${route}?asOf=2026-05-01&knownAt=2026-05-04T08:00:00Z`).set(AUTH);
      off.push(...schemas.answerProblems('GET', path, cut.status, cut.body, cut.status === 200 ? 'application/json' : 'application/problem+json'));
      const documented = document.paths[path]!.get.responses['200'].content['application/json'];
      expect({ route, keys: Object.keys(answer).sort() }).toEqual({ route, keys: documentedKeys(document, documented.schema) });
      expect({ route, keys: Object.keys(answer).sort() }).toEqual({ route, keys: Object.keys(documented.example).sort() });
    }
    const board = (await t.http().get('/tracks/us-cn-seg/board').set(AUTH).expect(200)).body as { rows: Array<Record<string, unknown>> };
    const rows = resolve(document, document.components.schemas.BoardDto!).properties!.rows!.items as { discriminator: { mapping: Record<string, string> } };
    for (const row of board.rows) expect({ kind: row.kind, keys: Object.keys(row).sort() }).toEqual({ kind: row.kind, keys: documentedKeys(document, { $ref: rows.discriminator.mapping[row.kind as string] }) });
    // The e2e app has no auditor token: the audit answers come from the handlers behind the routes.
    const queries = t.app.get(QueryBus);
    const audit: ReadonlyArray<readonly [string, object]> = [
      ['/audit/checkpoints', await queries.execute(new ListCheckpointsQuery())],
      ['/audit/events', await queries.execute(new ReadEventsQuery({}, 2))],
      ['/audit/public-key', t.app.get<CheckpointSigner>(SIGNING_KEY).publicKey],
    ];
    for (const [path, answer] of audit) {
      off.push(...schemas.answerProblems('GET', path, 200, JSON.parse(JSON.stringify(answer))));
      const documented = document.paths[path]!.get.responses['200'].content['application/json'];
      expect({ path, keys: Object.keys(answer).sort() }).toEqual({ path, keys: documentedKeys(document, documented.schema) });
      expect({ path, keys: Object.keys(answer).sort() }).toEqual({ path, keys: Object.keys(documented.example).sort() });
    }
    const [checkpoint] = (audit[0]![1] as { checkpoints: object[] }).checkpoints;
    expect(Object.keys(checkpoint!).sort()).toEqual(documentedKeys(document, document.components.schemas.CheckpointListingDto!));
    const [envelope] = (audit[1]![1] as { events: object[] }).events;
    expect(Object.keys(envelope!).sort()).toEqual(documentedKeys(document, document.components.schemas.EventEnvelopeDto!));
    const rebuilt = (await t.post('/projections/rebuild').expect(200)).body as Record<string, unknown>;
    expect(Object.keys(rebuilt).sort()).toEqual(documentedKeys(document, document.paths['/projections/rebuild']!.post.responses['200'].content['application/json'].schema));
    off.push(...schemas.answerProblems('POST', '/projections/rebuild', 200, rebuilt));

    // Refusals too: each status documented for its operation, each body a ProblemDetails.
    const refusals: ReadonlyArray<readonly [string, string, object]> = [
      ['/tracks/us-cn-seg/parties', '/tracks/{trackId}/parties', { partyId: 'fr', name: 'France', effectiveOn: '2026-01-05', colour: 'blue' }],
      ['/tracks/us-cn-seg/parties', '/tracks/{trackId}/parties', { partyId: 'us', name: 'United States', effectiveOn: '2026-01-05' }],
      ['/tracks/nowhere/parties', '/tracks/{trackId}/parties', { partyId: 'fr', name: 'France', effectiveOn: '2026-01-05' }],
      ['/norms/gge-13i/positions', '/norms/{normId}/positions', { ...bodyExample(document, '/norms/{normId}/positions'), statementId: 'st-x', partyId: 'fr' }],
    ];
    const statuses: number[] = [];
    for (const [route, path, body] of refusals) {
      const response = await t.post(route, body);
      statuses.push(response.status);
      off.push(...schemas.answerProblems('POST', path, response.status, response.body, 'application/problem+json'));
    }
    expect(statuses.every((status) => status >= 400 && status < 500)).toBe(true);
    expect(off).toEqual([]);
  });

  it.each([
    ['the session cancelled instead of held', '/tracks/us-cn-seg/sessions', [['/sessions/seg-2026-1/cancel', '/sessions/{sessionId}/cancel']]],
    [
      'the norm and the CBM withdrawn instead of agreed',
      '/topics/internet-governance/positions',
      [
        ['/norms/gge-13i/withdrawal', '/norms/{normId}/withdrawal'],
        ['/cbms/cbm-hotline/withdrawal', '/cbms/{cbmId}/withdrawal'],
      ],
    ],
  ] as const)('records the other ending on an empty store: %s, sent as is where its schema says', async (_ending, after, endings) => {
    const other = await startApp();
    try {
      other.fixClock('2026-05-04T09:00:00.000Z');
      const steps = [...STORY.slice(0, STORY.map(([route]) => route).lastIndexOf(after) + 1), ...endings.map(([route, path]) => [route, path] as const)];
      const statuses: string[] = [];
      for (const [route, path, change] of steps as ReadonlyArray<readonly [string, string, Record<string, unknown>?]>) {
        const response = await other.post(route, { ...bodyExample(document, path), ...change });
        statuses.push(`${route} ${response.status}`);
      }
      expect(statuses).toEqual(steps.map(([route]) => `${route} 201`));
    } finally {
      await other.close();
      removeDataDir(other.dataDir);
    }
  });
});
