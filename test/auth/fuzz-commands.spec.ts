import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { normalizePattern } from '../../src/auth/route-policy.js';
import { registeredRoutes } from '../../src/auth/security.js';
import { type Answer, type AuthApp, isProblem, startAuthApp } from './support/auth-app.js';

/**
 * Hostile bodies against every command route, as the clerk, with the route's ids pointing at a
 * seeded track, held session, norm, CBM, topic and action item so that validation AND deciders
 * are reached. Three kinds of body:
 *  - hostile: the route's fields with hostile values plus at least one key that is never a field
 *    (§7: unknown fields are a 400), so invalid by construction: must never be a 2xx;
 *  - mutated: a valid body for the route with one to three fields replaced by hostile or
 *    plausible-but-wrong values, or removed; this is what reaches the deciders, and a few of
 *    these ARE valid commands (a different free text, a known party): those may answer 201, and
 *    then, and only then, the log may grow, by exactly the events the answer lists, none of them
 *    holding a null (optional fields are absent, never null; a correction's from/to excepted);
 *  - raw: not a JSON object at all (arrays, scalars, broken JSON, bodies over 1 MiB).
 * Every answer: no 5xx, problem+json for every 4xx, and the log's head unchanged unless 201.
 */

const SEEDED: Readonly<Record<string, string>> = { tracks: 'seg', sessions: 's1', norms: 'n1', cbms: 'c1', topics: 't1', 'action-items': 'ai-1' };
const COMMAND_ROOTS = new Set(['tracks', 'sessions', 'norms', 'cbms', 'topics']);

const position = { statementId: 'st-9', partyId: 'us', stance: 'supports', text: 'We support it.', channel: 'oral', sessionId: 's1' };
const correction = { correctionId: 'corr-9', target: { statementId: 'st-1' }, changes: [{ field: 'stance', from: 'supports', to: 'opposes' }], reason: 'asked', requestedBy: 'us' };

/** A valid body per command route of DESIGN.md §7, keyed by normalized pattern. */
const TEMPLATES: Readonly<Record<string, Record<string, unknown>>> = {
  // A few optional fields among them, so that null (and removal) reaches optional fields too.
  '/tracks': { trackId: 'seg-new', name: 'New track', mandateRef: 'MoU 2026', effectiveOn: '2026-01-05' },
  '/tracks/:/parties': { partyId: 'ru', name: 'Russia', effectiveOn: '2026-01-05' },
  '/tracks/:/agencies': { agencyId: 'us-dod', partyId: 'us', name: 'Defense', effectiveOn: '2026-01-05' },
  '/tracks/:/delegates': { delegateId: 'us-d9', partyId: 'us', agencyId: 'us-mfa', effectiveOn: '2026-01-05' },
  '/tracks/:/sessions': { sessionId: 's9', number: 9, place: 'Geneva', hostPartyId: 'us', scheduledFor: '2026-06-01', provisionalAgenda: [{ itemId: 'item-1', title: 'Opening' }] },
  '/tracks/:/norms': { normId: 'n9', title: 'A norm', summary: 'Its summary', proposedBy: ['us'] },
  '/tracks/:/cbms': { cbmId: 'c9', title: 'A CBM', proposedBy: ['us'], linkedNorms: ['n1'] },
  '/tracks/:/topics': { topicId: 't9', title: 'A topic' },
  '/sessions/:/reschedule': { scheduledFor: '2026-07-01', reason: 'venue' },
  '/sessions/:/cancel': { reason: 'strike', effectiveOn: '2026-02-01' },
  '/sessions/:/held': { heldOn: '2026-02-10', place: 'Geneva', agenda: [{ itemId: 'item-1', title: 'Opening' }], attendance: { us: ['us-d1'], cn: ['cn-d1'] } },
  '/sessions/:/decisions': { decisionId: 'dec-9', kind: 'procedural', text: 'Next session in Vienna' },
  '/sessions/:/action-items': { actionItemId: 'ai-9', assignee: 'us', text: 'Circulate a paper', dueOn: '2026-04-01' },
  '/sessions/:/action-items/:/complete': { effectiveOn: '2026-02-11' },
  '/sessions/:/minutes/circulate': { effectiveOn: '2026-02-12' },
  '/sessions/:/minutes/silence-procedure': { deadline: '2026-03-01', effectiveOn: '2026-02-13' },
  '/sessions/:/minutes/silence-broken': { partyId: 'cn', reason: 'objection', effectiveOn: '2026-02-14' },
  '/sessions/:/minutes/adopt': { procedure: 'in_session', effectiveOn: '2026-02-15' },
  '/norms/:/positions': position,
  '/cbms/:/positions': position,
  '/topics/:/positions': position,
  '/norms/:/decisions': { decisionId: 'dec-9', kind: 'agree_ad_referendum', sessionId: 's1' },
  '/cbms/:/decisions': { decisionId: 'dec-9', kind: 'agree_cbm', sessionId: 's1' },
  '/norms/:/capital-responses': { responseId: 'cap-9', partyId: 'us', response: 'confirmed', effectiveOn: '2026-03-01' },
  '/norms/:/withdrawal': { partyIds: ['us'], reason: 'changed its mind' },
  '/cbms/:/withdrawal': { partyIds: ['us'], reason: 'changed its mind' },
  '/cbms/:/links': { normId: 'n1', effectiveOn: '2026-02-20' },
  '/cbms/:/implementation-reports': { reportId: 'rep-9', partyId: 'us', text: 'Hotline set up' },
  '/cbms/:/suspension': { partyId: 'us', reason: 'incident' },
  '/cbms/:/resumption': { partyId: 'us', reason: 'resolved' },
  '/sessions/:/corrections': { ...correction, target: { eventId: '00000000-0000-4000-8000-000000000000' }, changes: [{ field: 'place', from: 'Geneva', to: 'Vienna' }] },
  '/norms/:/corrections': correction,
  '/cbms/:/corrections': correction,
  '/topics/:/corrections': correction,
};

const concrete = (pattern: string): string => {
  const segments = pattern.split('/');
  return segments.map((segment, index) => (segment.startsWith(':') ? (SEEDED[segments[index - 1]!] ?? 'zz-unknown') : segment)).join('/');
};

/* Hostile values, as JSON text so that keys such as __proto__ and depths JSON.stringify would choke on survive. */
const json = (value: unknown): string => JSON.stringify(value);
const deep = fc.tuple(fc.integer({ min: 20, max: 20_000 }), fc.boolean()).map(([depth, arrays]) => (arrays ? `${'['.repeat(depth)}1${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`));
const huge = fc.tuple(fc.integer({ min: 10_000, max: 120_000 }), fc.constantFrom('x', 'é', '😀', '\u0000', ' ')).map(([length, unit]) => json(unit.repeat(length)));
const invalidDate = fc.constantFrom('2026-02-30', '2026-02-29', '2025-13-01', '0000-00-00', '2026-1-1', '26-01-01', '2026-01-01T00:00:00Z', '9999-99-99', '2026/01/01', '', ' 2026-01-01', '２０２６-01-01').map(json);
const unicodeEdge = fc.constantFrom('\u0000', '\ud800', '\udfff', '\ufeff', 'e\u0301', '\u202e', '🏳️‍🌈', '\u2028', 'İ', 'ǅ', '\u00a0', 'ｕｓ', 'US', 'us\n', '-us', 'a'.repeat(64)).map(json);
const protoObject = fc.constantFrom('{"__proto__":{"polluted":true}}', '{"constructor":{"prototype":{"polluted":true}}}', '{"prototype":{"x":1}}', '{"__proto__":null}', '{"toString":1,"valueOf":2,"hasOwnProperty":3}');
const scalar = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 200 }).map(json),
  fc.string({ maxLength: 70 }).map(json),
  fc.constantFrom('0', '-0', '1e308', '-1e308', '1.5', '9007199254740993', '-1', 'true', 'false', 'null', '""', '" "', '[]', '{}', '[null]', '[[]]', '{"":""}'),
  fc.integer().map(String),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map(json),
);
const hostile: fc.Arbitrary<string> = fc.letrec<{ value: string }>((tie) => ({
  value: fc.oneof(
    { weight: 6, arbitrary: scalar },
    { weight: 2, arbitrary: invalidDate },
    { weight: 2, arbitrary: unicodeEdge },
    { weight: 1, arbitrary: protoObject },
    { weight: 1, arbitrary: deep },
    { weight: 1, arbitrary: fc.integer({ min: 1, max: 6 }).chain((roll) => (roll === 1 ? huge : scalar)) },
    { weight: 1, arbitrary: fc.array(tie('value'), { maxLength: 4 }).map((items) => `[${items.join(',')}]`) },
    { weight: 1, arbitrary: fc.array(fc.tuple(fc.string({ maxLength: 12 }), tie('value')), { maxLength: 4 }).map((entries) => `{${entries.map(([k, v]) => `${json(k)}:${v}`).join(',')}}`) },
  ),
})).value;
/** Where a recorded payload holds null: nowhere but a correction's from/to (optional fields are absent, never null). */
const nullsIn = (value: unknown, path = ''): string[] => {
  if (value === null) return /^changes\[\d+\]\.(from|to)/.test(path) ? [] : [path];
  if (Array.isArray(value)) return value.flatMap((item, index) => nullsIn(item, `${path}[${index}]`));
  if (typeof value === 'object') return Object.entries(value as object).flatMap(([key, item]) => nullsIn(item, path === '' ? key : `${path}.${key}`));
  return [];
};

/** Wrong but well-formed: unknown ids, ids of the wrong kind, far dates, empty or foreign lists. */
const plausible = fc.constantFrom('{"us":["us-d1"],"constructor":["cn-d1"]}', '{"prototype":"us-d1"}', '"zz-unknown"', '"us"', '"cn"', '"s1"', '"n1"', '"st-1"', '"item-1"', '"2026-02-10"', '"2099-12-31"', '"1900-01-01"', '[]', '["us","cn"]', '["zz"]', '["us","us"]', '"conditional"', '"opposes"', '"written"', '"silence"', '{"eventId":"00000000-0000-4000-8000-000000000000"}', '{"statementId":"st-1","eventId":"00000000-0000-4000-8000-000000000000"}');
const notAField = fc.constantFrom('__proto__', 'constructor', 'prototype', 'zz-unknown', '', ' ', 'trackid', 'recordedBy', 'hash', 'metadata');

const objectText = (entries: ReadonlyArray<readonly [string, string]>): string => `{${entries.map(([key, value]) => `${json(key)}:${value}`).join(',')}}`;

type Body = { kind: 'hostile' | 'mutated' | 'raw'; text: string };

const hostileBody = (fields: readonly string[]): fc.Arbitrary<Body> =>
  fc
    .tuple(fc.subarray([...fields]), fc.array(hostile, { minLength: fields.length, maxLength: fields.length }), fc.array(fc.tuple(notAField, hostile), { minLength: 1, maxLength: 3 }))
    .chain(([chosen, values, extra]) =>
      fc.shuffledSubarray([...chosen.map((field, index) => [field, values[index] ?? 'null'] as const), ...extra], { minLength: chosen.length + extra.length }),
    )
    .map((entries) => ({ kind: 'hostile', text: objectText(entries) }));

const mutatedBody = (template: Record<string, unknown>): fc.Arbitrary<Body> => {
  const fields = Object.keys(template);
  return fc
    .array(fc.tuple(fc.constantFrom(...fields), fc.oneof({ weight: 3, arbitrary: hostile }, { weight: 3, arbitrary: plausible }, { weight: 1, arbitrary: fc.constant('null') }, { weight: 1, arbitrary: fc.constant(undefined) })), { minLength: 1, maxLength: 3 })
    .map((changes) => {
      const entries = new Map(fields.map((field) => [field, json(template[field])]));
      for (const [field, value] of changes) {
        if (value === undefined) entries.delete(field);
        else entries.set(field, value);
      }
      return { kind: 'mutated', text: objectText([...entries]) };
    });
};

const rawBody: fc.Arbitrary<Body> = fc
  .oneof(
    { weight: 4, arbitrary: scalar },
    { weight: 4, arbitrary: fc.array(hostile, { maxLength: 5 }).map((items) => `[${items.join(',')}]`) },
    { weight: 4, arbitrary: fc.constantFrom('', '{', '{"a":}', '{"a":1,}', "{'a':1}", '{"a":1}{"b":2}', 'NaN', 'undefined', '\u0000', '{"a":"\\ud800"}', '{"a":1e999}') },
    { weight: 1, arbitrary: fc.integer({ min: 1024 * 1024, max: 1024 * 1024 + 4096 }).map((length) => json({ x: 'x'.repeat(length) })) },
  )
  .map((text) => ({ kind: 'raw', text }));

describe('fuzzed command bodies never harm the ledger', () => {
  let t: AuthApp;
  const seedStatus: Record<string, number> = {};

  const post = (url: string, payload: unknown): Promise<Answer> => t.call({ method: 'POST', url, as: 'clerk', payload });

  beforeAll(async () => {
    t = await startAuthApp({ LEDGER_RATE_LIMIT_PER_ADDRESS: '0', LEDGER_RATE_LIMIT_PER_TOKEN: '0' });
    const steps: Array<[string, unknown]> = [
      ['/tracks', { trackId: 'seg', name: 'US-China expert group', effectiveOn: '2026-01-05' }],
      ['/tracks/seg/parties', { partyId: 'us', name: 'United States', effectiveOn: '2026-01-05' }],
      ['/tracks/seg/parties', { partyId: 'cn', name: 'China', effectiveOn: '2026-01-05' }],
      ['/tracks/seg/agencies', { agencyId: 'us-mfa', partyId: 'us', name: 'State', effectiveOn: '2026-01-05' }],
      ['/tracks/seg/agencies', { agencyId: 'cn-mfa', partyId: 'cn', name: 'MFA', effectiveOn: '2026-01-05' }],
      ['/tracks/seg/delegates', { delegateId: 'us-d1', partyId: 'us', agencyId: 'us-mfa', effectiveOn: '2026-01-05' }],
      ['/tracks/seg/delegates', { delegateId: 'cn-d1', partyId: 'cn', agencyId: 'cn-mfa', effectiveOn: '2026-01-05' }],
      ['/tracks/seg/sessions', { sessionId: 's1', number: 1, place: 'Geneva', scheduledFor: '2026-02-10' }],
      ['/sessions/s1/held', { heldOn: '2026-02-10', place: 'Geneva', agenda: [{ itemId: 'item-1', title: 'Opening' }], attendance: { us: ['us-d1'], cn: ['cn-d1'] } }],
      ['/sessions/s1/action-items', { actionItemId: 'ai-1', assignee: 'us', text: 'Draft a paper' }],
      ['/tracks/seg/norms', { normId: 'n1', title: 'Norm one', summary: 'Summary', proposedBy: ['us'], sessionId: 's1' }],
      ['/tracks/seg/cbms', { cbmId: 'c1', title: 'CBM one', proposedBy: ['us'], sessionId: 's1' }],
      ['/tracks/seg/topics', { topicId: 't1', title: 'Internet governance', sessionId: 's1' }],
      ['/norms/n1/positions', { ...position, statementId: 'st-1' }],
      ['/cbms/c1/positions', { ...position, statementId: 'st-1' }],
      ['/topics/t1/positions', { ...position, statementId: 'st-1' }],
    ];
    for (const [url, body] of steps) seedStatus[`${url} ${JSON.stringify(body).slice(0, 30)}`] = (await post(url, body)).statusCode;
  }, 60_000);
  afterAll(async () => {
    await t.close();
  });

  it('seeds the ledger the fuzzer aims at', () => {
    // Routes still being written elsewhere answer 404 here; what exists must seed.
    expect(Object.entries(seedStatus).filter(([, status]) => status !== 201 && status !== 404)).toEqual([]);
    expect(Object.values(seedStatus)[0]).toBe(201);
  });

  it('answers at least 10,000 generated bodies across every command route: no 5xx, problem+json, no append unless 201', async () => {
    const routes = [...new Set(registeredRoutes(t.app).filter((route) => route.method === 'POST' && COMMAND_ROOTS.has(route.url.split('/')[1]!)).map((route) => route.url))];
    expect(routes.length).toBeGreaterThanOrEqual(4);
    const cases = fc.constantFrom(...routes).chain((pattern) => {
      const template = TEMPLATES[normalizePattern(pattern)];
      const fields = template === undefined ? ['trackId', 'sessionId', 'partyId', 'effectiveOn', 'text'] : Object.keys(template);
      const body = fc.oneof(
        { weight: 5, arbitrary: hostileBody(fields) },
        { weight: template === undefined ? 0 : 4, arbitrary: template === undefined ? hostileBody(fields) : mutatedBody(template) },
        { weight: 1, arbitrary: rawBody },
      );
      return fc.record({ pattern: fc.constant(pattern), body });
    });

    const tally = { total: 0, hostile: 0, mutated: 0, raw: 0, accepted: 0, byStatus: {} as Record<number, number> };
    const started = Date.now();
    const details = await fc.check(
      fc.asyncProperty(cases, async ({ pattern, body }) => {
        const before = await t.store.headPosition();
        const answer = await t.call({ method: 'POST', url: concrete(pattern), as: 'clerk', payload: body.text, headers: { 'content-type': 'application/json' } });
        const after = await t.store.headPosition();
        tally.total += 1;
        tally[body.kind] += 1;
        tally.byStatus[answer.statusCode] = (tally.byStatus[answer.statusCode] ?? 0) + 1;
        const where = `${pattern} ${body.kind} body (${body.text.length} chars) ${body.text.slice(0, 160)} → ${answer.statusCode} ${answer.body.slice(0, 300)}`;
        if (answer.statusCode >= 500) throw new Error(`5xx: ${where}`);
        if (answer.statusCode === 201) {
          if (body.kind !== 'mutated') throw new Error(`an invalid-by-construction body was accepted: ${where}`);
          tally.accepted += 1;
          const appended = (answer.json() as { events: unknown[] }).events.length;
          if (BigInt(after ?? '0') - BigInt(before ?? '0') !== BigInt(appended)) throw new Error(`appended ${before}→${after} but the answer lists ${appended}: ${where}`);
          const { streamId, revision } = answer.json() as { streamId: string; revision: number };
          const recorded = await t.store.readStream(streamId, { fromRevision: revision - appended + 1 });
          const nulls = recorded.flatMap((event) => nullsIn(event.data).map((path) => `${event.type}.${path}`));
          if (nulls.length > 0) throw new Error(`null recorded at ${nulls.join(', ')}: ${where}`);
          // Recorded as sent: every field of the body, keys of its maps included, is in the payload
          // (effectiveOn goes to the metadata); a field or key dropped on the way would record
          // something other than what the clerk was told was recorded.
          const sent = Object.entries(JSON.parse(body.text) as Record<string, unknown>).filter(([field]) => field !== 'effectiveOn');
          const lost = sent.filter(([field, value]) => !recorded.some((event) => isDeepStrictEqual((event.data as Record<string, unknown>)[field], value))).map(([field]) => field);
          if (lost.length > 0) throw new Error(`recorded otherwise than sent: ${lost.join(', ')}: ${where}`);
          return;
        }
        if (answer.statusCode < 400) throw new Error(`unexpected ${where}`);
        if (!isProblem(answer)) throw new Error(`not problem+json: ${answer.headers['content-type']} ${where}`);
        if (after !== before) throw new Error(`the log grew ${before}→${after} on a refused command: ${where}`);
      }),
      { numRuns: 10_500, seed: 20_260_312, endOnFailure: true },
    );
    // fc.assert would print the whole counterexample, megabytes for a huge body.
    if (details.failed) throw new Error(`fuzz failed after ${details.numRuns} runs (seed ${details.seed}, path ${details.counterexamplePath}): ${String(details.errorInstance).slice(0, 1500)}`);
    const seconds = (Date.now() - started) / 1000;
    process.stdout.write(`fuzz: ${JSON.stringify(tally)} over ${routes.length} command routes in ${seconds.toFixed(1)} s\n`);
    expect(tally.total).toBeGreaterThanOrEqual(10_000);
  }, 300_000);
});
