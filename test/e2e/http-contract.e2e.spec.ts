import { type AddressInfo, connect } from 'node:net';
import { gzipSync } from 'node:zlib';
import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { REQUEST_TIMEOUT_MS } from '../../src/bootstrap.js';
import { type E2eApp, CLERK_TOKEN, PROBLEM_JSON, problemType, removeDataDir, startApp } from './support/e2e-app.js';
import { givenHeldSession, givenTrack, ok } from './support/fixtures.js';

const SLUG = 'must be a slug: 1 to 63 lowercase letters, digits or hyphens, starting with a letter or digit';
const position = (statementId: string, extra: object = {}) => ({
  statementId, partyId: 'us', delegateId: 'us-d1', stance: 'supports', text: 'We support it.', channel: 'oral', sessionId: 's1', ...extra,
});

describe('HTTP contract of commands (e2e)', () => {
  let t: E2eApp;
  beforeAll(async () => {
    t = await startApp();
    t.fixClock('2026-03-12T09:30:00.000Z');
    await givenTrack(t, 'seg');
    await givenHeldSession(t, 'seg', 's1', 1, '2026-02-10');
    await ok(t, '/tracks/seg/norms', { normId: 'n1', title: 'Norm one', summary: 'A norm.', proposedBy: ['us'] });
  });
  afterAll(async () => {
    await t.close();
    removeDataDir(t.dataDir);
  });

  const count = async (streamId: string) => (await t.store.readStream(streamId)).length;

  describe('Idempotency-Key', () => {
    it('replays the first response for the same key and body, appending nothing, also after a restart', async () => {
      const headers = { 'Idempotency-Key': 'key-1' };
      const first = await t.post('/norms/n1/positions', position('st-idem'), headers).expect(201);
      const before = await count('norm-n1');
      const again = await t.post('/norms/n1/positions', { ...position('st-idem') }, headers).expect(201);
      expect(again.body).toEqual(first.body);
      expect(again.headers.etag).toBe(first.headers.etag);
      expect(await count('norm-n1')).toBe(before);

      const dataDir = t.dataDir;
      await t.close();
      t = await startApp(dataDir);
      t.fixClock('2026-03-13T10:00:00.000Z');
      const afterRestart = await t.post('/norms/n1/positions', position('st-idem'), headers).expect(201);
      expect(afterRestart.body).toEqual(first.body);
      expect(await count('norm-n1')).toBe(before);
    });

    it('answers 422 for the same key with another body', async () => {
      const headers = { 'Idempotency-Key': 'key-2' };
      await t.post('/norms/n1/positions', position('st-k2'), headers).expect(201);
      const before = await count('norm-n1');
      const response = await t.post('/norms/n1/positions', position('st-k2', { text: 'Something else.' }), headers).expect(422);
      expect(response.headers['content-type']).toBe(PROBLEM_JSON);
      expect(response.body).toEqual({
        type: problemType('idempotency-key-reused'),
        title: 'Idempotency key reused',
        status: 422,
        detail: 'Idempotency-Key "key-2" was already used for a different request; use a new key for a new request',
      });
      expect(await count('norm-n1')).toBe(before);
    });

    it('refuses a key over 128 characters', async () => {
      const response = await t.post('/norms/n1/positions', position('st-long'), { 'Idempotency-Key': 'k'.repeat(129) }).expect(400);
      expect(response.body.errors).toEqual([{ field: 'Idempotency-Key', message: 'must be 1 to 128 visible ASCII characters' }]);
    });
  });

  describe('If-Match', () => {
    it('records when it names the current revision and answers 412 otherwise', async () => {
      const revision = (await count('norm-n1')) - 1;
      const matched = await t.post('/norms/n1/positions', position('st-im1'), { 'If-Match': `W/"${revision}"` }).expect(201);
      expect(matched.headers.etag).toBe(`W/"${revision + 1}"`);
      const stale = await t.post('/norms/n1/positions', position('st-im2'), { 'If-Match': `W/"${revision}"` }).expect(412);
      expect(stale.body).toEqual({
        type: problemType('revision-mismatch'),
        title: 'Revision mismatch',
        status: 412,
        detail: `norm n1 is at revision ${revision + 1}, not ${revision}: reload it and decide again`,
      });
      expect(await count('norm-n1')).toBe(revision + 2);
    });

    it('takes a list of entity tags (RFC 9110): the record must be at one of them', async () => {
      const revision = (await count('norm-n1')) - 1;
      // Empty list elements are ignored (RFC 9110 §5.6.1).
      const matched = await t.post('/norms/n1/positions', position('st-im4'), { 'If-Match': `W/"${revision + 5}", , "${revision}",` }).expect(201);
      expect(matched.headers.etag).toBe(`W/"${revision + 1}"`);
      const stale = await t.post('/norms/n1/positions', position('st-im5'), { 'If-Match': `W/"${revision}", W/"${revision + 7}"` }).expect(412);
      expect(stale.body.detail).toBe(`norm n1 is at revision ${revision + 1}, not one of ${revision}, ${revision + 7}: reload it and decide again`);
      expect(await count('norm-n1')).toBe(revision + 2);
    });

    it('takes If-Match: * as "the record exists": recorded on an existing norm, 412 where the stream does not exist yet', async () => {
      const revision = (await count('norm-n1')) - 1;
      await t.post('/norms/n1/positions', position('st-im6'), { 'If-Match': '*' }).expect(201);
      expect(await count('norm-n1')).toBe(revision + 2);
      const refused = await t.post('/tracks/seg/norms', { normId: 'n-star', title: 'T', summary: 'S', proposedBy: ['us'] }, { 'If-Match': '*' }).expect(412);
      expect(refused.body.detail).toBe('norm n-star does not exist yet (If-Match * expects it to exist): send the command without If-Match to create it');
      await expect(t.store.readStream('norm-n-star')).rejects.toThrow('norm-n-star');
    });

    it('answers 400 for a malformed If-Match', async () => {
      for (const value of ['yesterday', ', ,', '"1" "2"', '*, W/"1"']) {
        const response = await t.post('/norms/n1/positions', position('st-im3'), { 'If-Match': value }).expect(400);
        expect(response.body.errors).toEqual([{ field: 'If-Match', message: 'must be W/"<revision>" with the revision from an earlier ETag (e.g. W/"3"), a comma-separated list of them, or *' }]);
      }
    });
  });

  describe('bodies', () => {
    it('lists every invalid field with its nested path', async () => {
      const response = await t
        .post('/sessions/s1/corrections', {
          correctionId: 'c 1',
          target: { eventId: 'nope', statementId: 'st-1' },
          changes: [{ field: 'place', from: 'Geneva', to: 'Vienna' }, { field: '', to: 1, extra: true }],
          reason: 'x'.repeat(2001),
          requestedBy: 7,
        })
        .expect(400);
      expect(response.body).toEqual({
        type: problemType('invalid-request'),
        title: 'Invalid request',
        status: 400,
        detail: 'the request has 7 invalid fields: correctionId, target, changes[1].extra, changes[1].field, changes[1].from, reason, requestedBy',
        errors: [
          { field: 'correctionId', message: SLUG },
          { field: 'target', message: 'must name exactly one of eventId or statementId' },
          { field: 'changes[1].extra', message: 'is not a field of this request' },
          { field: 'changes[1].field', message: 'must not be blank' },
          { field: 'changes[1].from', message: 'is required (null stands for an absent value)' },
          { field: 'reason', message: 'must be at most 2000 characters long' },
          { field: 'requestedBy', message: 'must be a string' },
        ],
      });
    });

    it('refuses constructor and prototype as ids, as map keys and as unknown fields, where class-transformer would drop them unseen', async () => {
      const RESERVED = 'must not be "constructor" or "prototype": these names are reserved (every JavaScript object answers to them)';
      const RESERVED_KEY = 'must not be used as a key: "constructor" and "prototype" are reserved names, never ids';
      const head = async () => (await t.store.headPosition());
      const before = await head();
      for (const partyId of ['constructor', 'prototype']) {
        const refused = await t.post('/tracks/seg/parties', { partyId, name: 'A party', effectiveOn: '2026-01-05' }).expect(400);
        expect(refused.body.errors).toEqual([{ field: 'partyId', message: RESERVED }]);
      }
      await ok(t, '/tracks/seg/sessions', { sessionId: 's-ctor', number: 40, place: 'Geneva', scheduledFor: '2026-05-01' });
      const atBefore = await head();
      const held = { heldOn: '2026-05-01', place: 'Geneva', agenda: [{ itemId: 'a1', title: 'Opening' }] };
      const attendance = await t.post('/sessions/s-ctor/held', { ...held, attendance: { us: ['us-d1'], constructor: ['us-d1'] } }).expect(400);
      expect(attendance.body.errors).toEqual([{ field: 'attendance.constructor', message: RESERVED_KEY }]);
      const heads = await t.post('/sessions/s-ctor/held', { ...held, attendance: { us: ['us-d1'] }, headsOfDelegation: { prototype: 'us-d1' } }).expect(400);
      expect(heads.body.errors).toEqual([{ field: 'headsOfDelegation.prototype', message: RESERVED_KEY }]);
      const topLevel = await t.post('/tracks/seg/topics', { topicId: 'tp-proto', title: 'A topic', prototype: 'anything' }).expect(400);
      expect(topLevel.body.errors).toEqual([{ field: 'prototype', message: 'is not a field of this request' }]);
      const nested = await t.post('/tracks/seg/sessions', { sessionId: 's-proto', number: 41, place: 'Geneva', scheduledFor: '2026-06-01', provisionalAgenda: [{ itemId: 'a1', title: 'Opening', prototype: 1 }] }).expect(400);
      expect(nested.body.errors).toEqual([{ field: 'provisionalAgenda[0].prototype', message: 'is not a field of this request' }]);
      const correction = await t.post('/sessions/s1/corrections', {
        correctionId: 'c-ctor', target: { eventId: '00000000-0000-4000-8000-000000000000' }, changes: [{ field: 'attendance', from: null, to: { constructor: ['us-d1'] } }], reason: 'r', requestedBy: 'secretariat',
      }).expect(400);
      expect(correction.body.errors).toEqual([{ field: 'changes[0].to.constructor', message: RESERVED_KEY }]);
      expect(await head()).toBe(atBefore);
      expect(BigInt(atBefore!)).toBe(BigInt(before!) + 1n);
    });

    it('shows at most 200 characters of a field path and names at most 20 fields in the detail, so a 400 never echoes a body back', async () => {
      const longKey = 'k'.repeat(500_000);
      const long = await t.post('/tracks/seg/topics', { topicId: 'tp-long', title: 'A topic', [longKey]: 1 }).expect(400);
      const shown = `${'k'.repeat(100)}…${'k'.repeat(100)}`;
      expect(long.body.errors).toEqual([{ field: shown, message: 'is not a field of this request' }]);
      expect(long.body.detail).toBe(`the request has 1 invalid field: ${shown}`);
      expect(JSON.stringify(long.body).length).toBeLessThan(1000);
      const many = Object.fromEntries(Array.from({ length: 2000 }, (_, i) => [`f${i}`, 1]));
      const answer = await t.post('/tracks/seg/topics', { topicId: 'tp-many', title: 'A topic', ...many }).expect(400);
      expect(answer.body.errors).toHaveLength(2000);
      expect(answer.body.detail).toBe(`the request has 2000 invalid fields: ${Array.from({ length: 20 }, (_, i) => `f${i}`).join(', ')}, and 1980 more`);
    });

    it('names the element of a record or list that is wrong', async () => {
      await ok(t, '/tracks/seg/sessions', { sessionId: 's9', number: 9, place: 'Geneva', scheduledFor: '2026-05-01' });
      const response = await t
        .post('/sessions/s9/held', {
          heldOn: '2026-05-01',
          place: 'Geneva',
          agenda: [{ itemId: 'item-1', title: 'Opening' }, { itemId: 'item-1', title: 'Again' }],
          attendance: { us: ['us-d1'], cn: ['cn-d1', 'CN D2'] },
          headsOfDelegation: { US: 'us-d1' },
        })
        .expect(400);
      expect(response.body.errors).toEqual([
        { field: 'agenda', message: 'must not repeat an itemId' },
        { field: 'attendance.cn[1]', message: SLUG },
        { field: 'headsOfDelegation.US', message: `key must be a party id: ${SLUG.slice('must be '.length)}` },
      ]);
    });

    it('refuses a list of objects whose elements are arrays, null or scalars, naming each element, appending nothing', async () => {
      const before = await count('session-s1');
      const scheduled = await t
        .post('/tracks/seg/sessions', { sessionId: 's8', number: 8, place: 'Geneva', scheduledFor: '2026-04-01', provisionalAgenda: [[{ itemId: 'item-1', title: 'A' }]] })
        .expect(400);
      expect(scheduled.body.errors).toEqual([{ field: 'provisionalAgenda[0]', message: 'must be a JSON object' }]);
      await ok(t, '/tracks/seg/sessions', { sessionId: 's8', number: 8, place: 'Geneva', scheduledFor: '2026-04-01' });
      const heldBefore = await count('session-s8');
      for (const agenda of [[[[{ itemId: 'item-1', title: 'A' }]]], [[]], [{ itemId: 'item-1', title: 'A' }, null, 'item-2']]) {
        const held = await t.post('/sessions/s8/held', { heldOn: '2026-04-01', place: 'Geneva', agenda, attendance: {} }).expect(400);
        expect(held.headers['content-type']).toBe(PROBLEM_JSON);
        const wrong = agenda.flatMap((item, index) => (item !== null && typeof item === 'object' && !Array.isArray(item) ? [] : [{ field: `agenda[${index}]`, message: 'must be a JSON object' }]));
        expect(held.body.errors).toEqual(wrong);
      }
      expect(await count('session-s8')).toBe(heldBefore);
      // A correction's changes: an array of arrays was a 500 from the decider.
      const normBefore = await count('norm-n1');
      const correction = await t
        .post('/norms/n1/corrections', { correctionId: 'corr-nested', target: { statementId: 'st-x' }, changes: [[{ field: 'text', from: 'a', to: 'b' }]], reason: 'x', requestedBy: 'us' })
        .expect(400);
      expect(correction.body.errors).toEqual([{ field: 'changes[0]', message: 'must be a JSON object' }]);
      expect(await count('norm-n1')).toBe(normBefore);
      expect(await count('session-s1')).toBe(before);
    });

    it('lists the required fields of an empty object and of a missing body', async () => {
      const expected = [
        { field: 'partyId', message: 'is required' },
        { field: 'name', message: 'is required' },
        { field: 'effectiveOn', message: 'is required' },
      ];
      expect((await t.post('/tracks/seg/parties', {}).expect(400)).body.errors).toEqual(expected);
      expect((await t.post('/tracks/seg/parties').expect(400)).body.errors).toEqual(expected);
    });

    it('refuses a body that is not a JSON object', async () => {
      const response = await t.post('/tracks/seg/parties', [1, 2]).expect(400);
      expect(response.body).toEqual({
        type: problemType('invalid-request'), title: 'Invalid request', status: 400, detail: 'the request body must be a JSON object',
        errors: [{ field: '(body)', message: 'must be a JSON object' }],
      });
    });

    it('answers text with a lone UTF-16 surrogate (the JSON escape \\ud800) with 400 naming each field, appending nothing', async () => {
      const before = await count('norm-n1');
      const send = (json: string) =>
        t.http().post('/norms/n1/positions').set('Authorization', `Bearer ${CLERK_TOKEN}`).set('Content-Type', 'application/json').send(json);
      const MALFORMED = 'must be well-formed Unicode text (it contains a lone UTF-16 surrogate)';
      const lone = await send('{"statementId":"sur-1","partyId":"us","delegateId":"us-d1","stance":"supports","text":"a\\ud800b","channel":"oral","sessionId":"s1"}').expect(400);
      expect(lone.headers['content-type']).toBe(PROBLEM_JSON);
      expect(lone.body).toEqual({
        type: problemType('invalid-request'), title: 'Invalid request', status: 400, detail: 'the request has 1 invalid field: text',
        errors: [{ field: 'text', message: MALFORMED }],
      });
      // With an Idempotency-Key too (its fingerprint is of the body, which has no canonical form).
      const keyed = await t.http().post('/norms/n1/positions').set('Authorization', `Bearer ${CLERK_TOKEN}`).set('Content-Type', 'application/json').set('Idempotency-Key', 'sur-key')
        .send('{"statementId":"sur-1","partyId":"us","delegateId":"us-d1","stance":"supports","text":"a\\ud800b","channel":"oral","sessionId":"s1"}').expect(400);
      expect(keyed.body.errors).toEqual([{ field: 'text', message: MALFORMED }]);
      // A trailing low surrogate, in a field that also fails another check, and an unknown field.
      const mixed = await send('{"statementId":"sur-2","partyId":"us","stance":"supports","text":"ok","condition":"\\udc00","channel":"fax","sessionId":"s1","x\\ud800":1}').expect(400);
      expect(mixed.body.errors).toEqual(expect.arrayContaining([
        { field: 'condition', message: MALFORMED },
        { field: 'channel', message: expect.any(String) },
      ]));
      expect(mixed.body.errors.map((e: { field: string }) => e.field)).toContain('x\ud800');
      // A well-formed pair (an emoji written as two escapes) is text like any other.
      await send('{"statementId":"sur-3","partyId":"us","delegateId":"us-d1","stance":"supports","text":"\\ud83d\\ude00 agreed","channel":"oral","sessionId":"s1"}').expect(201);
      expect(await count('norm-n1')).toBe(before + 1);
    });

    it('answers a body field named like a member of Object.prototype as an unknown field', async () => {
      for (const field of ['constructor', 'toString', 'hasOwnProperty']) {
        const response = await t.post('/tracks/seg/parties', { partyId: 'fr', name: 'France', effectiveOn: '2026-01-05', [field]: 1 }).expect(400);
        expect(response.body.errors).toEqual([{ field, message: 'is not a field of this request' }]);
      }
      expect((await t.store.readStream('track-seg')).some((e) => (e.data as { partyId?: string }).partyId === 'fr')).toBe(false);
      // Nested, in a correction's target and changes; a value that is any JSON may hold such a key.
      const before = await count('norm-n1');
      const nested = await t.post('/norms/n1/corrections', {
        correctionId: 'corr-proto',
        target: { statementId: 'st-x', constructor: 1 },
        changes: [{ field: 'agenda', from: 'a', to: { toString: 'b' }, valueOf: 2 }],
        reason: 'x',
        requestedBy: 'us',
      }).expect(400);
      expect(nested.body.errors).toEqual([
        { field: 'target.constructor', message: 'is not a field of this request' },
        { field: 'changes[0].valueOf', message: 'is not a field of this request' },
      ]);
      expect(await count('norm-n1')).toBe(before);
    });

    it('answers a "__proto__" key (or a constructor holding a prototype) with 400 naming where it is, not as malformed JSON', async () => {
      const send = (json: string) =>
        t.http().post('/tracks/seg/parties').set('Authorization', `Bearer ${CLERK_TOKEN}`).set('Content-Type', 'application/json').send(json);
      const MESSAGE = 'must not be used as a key: it names the prototype of a JavaScript object';
      const top = await send('{"partyId":"fr","name":"France","effectiveOn":"2026-01-05","__proto__":{}}').expect(400);
      expect(top.headers['content-type']).toBe(PROBLEM_JSON);
      expect(top.body).toEqual({
        type: problemType('invalid-request'), title: 'Invalid request', status: 400,
        detail: 'the body uses "__proto__" as a key (at __proto__), which this server refuses anywhere in a body',
        errors: [{ field: '__proto__', message: MESSAGE }],
      });
      const nested = await send('{"partyId":"fr","name":"France","effectiveOn":"2026-01-05","x":[1,{"a":{"__proto__":{"admin":true}}}]}').expect(400);
      expect(nested.body.errors).toEqual([{ field: 'x[1].a.__proto__', message: MESSAGE }]);
      const ctor = await send('{"partyId":"fr","name":"France","effectiveOn":"2026-01-05","constructor":{"prototype":{}}}').expect(400);
      expect(ctor.body.errors).toEqual([{ field: 'constructor.prototype', message: MESSAGE }]);
      expect(ctor.body.detail).toBe('the body uses "constructor" holding a "prototype" as a key (at constructor.prototype), which this server refuses anywhere in a body');
      // Deep down a body nested 150,000 levels (under the 1 MiB limit): found, and named by the two ends of its path.
      const levels = 150_000;
      const deep = await send(`{"partyId":${'{"a":'.repeat(levels)}{"__proto__":1}${'}'.repeat(levels)}}`).expect(400);
      expect(deep.body.errors).toHaveLength(1);
      expect(deep.body.errors[0].field).toMatch(/^partyId\.a\.a\.a[.a]*…[.a]*\.a\.__proto__$/);
      expect(deep.body.errors[0].field.length).toBeLessThanOrEqual(201);
      // Malformed JSON stays malformed JSON.
      expect((await send('{"__proto__":').expect(400)).body.type).toBe(problemType('malformed-json'));
      expect((await t.store.readStream('track-seg')).some((e) => (e.data as { partyId?: string }).partyId === 'fr')).toBe(false);
    });

    it('answers malformed JSON with 400', async () => {
      const response = await t.http().post('/tracks').set('Authorization', `Bearer ${CLERK_TOKEN}`).set('Content-Type', 'application/json').send('{"trackId": ').expect(400);
      expect(response.headers['content-type']).toBe(PROBLEM_JSON);
      expect(response.body).toEqual({ type: problemType('malformed-json'), title: 'Malformed JSON', status: 400, detail: 'the body is not valid JSON', errors: [{ field: '(body)', message: 'the body is not valid JSON' }] });
    });

    it('answers a body that is not JSON with 415', async () => {
      for (const type of ['text/plain', 'application/x-www-form-urlencoded']) {
        const response = await t.http().post('/tracks').set('Authorization', `Bearer ${CLERK_TOKEN}`).set('Content-Type', type).send('trackId=x').expect(415);
        expect(response.body).toEqual({
          type: problemType('unsupported-media-type'), title: 'Unsupported media type', status: 415,
          detail: 'send the request body as JSON, with Content-Type: application/json',
        });
      }
    });

    it('takes a statement of 100,000 characters (a long written submission) and refuses one character more with 400', async () => {
      const long = await t.post('/norms/n1/positions', position('st-long-text', { text: 'w'.repeat(100_000) })).expect(201);
      const [recorded] = await t.store.readStream('norm-n1', { fromRevision: long.body.revision });
      expect((recorded!.data as { text: string }).text).toHaveLength(100_000);
      const before = await count('norm-n1');
      const response = await t.post('/norms/n1/positions', position('st-too-long', { text: 'w'.repeat(100_001) })).expect(400);
      expect(response.body.errors).toEqual([{ field: 'text', message: 'must be at most 100000 characters long' }]);
      expect(await count('norm-n1')).toBe(before);
    });

    it('counts characters as a reader does (code points): 2,000 emoji or CJK Extension B ideographs fit a 2,000-character condition, one more does not', async () => {
      const astral = '\u{20000}';
      expect(astral).toHaveLength(2);
      const condition = `${'\u{1F600}'.repeat(1_000)}${astral.repeat(1_000)}`;
      const fits = await t.post('/norms/n1/positions', position('st-astral', { stance: 'conditional', condition })).expect(201);
      const [recorded] = await t.store.readStream('norm-n1', { fromRevision: fits.body.revision });
      expect((recorded!.data as { condition: string }).condition).toBe(condition);
      const before = await count('norm-n1');
      const over = await t.post('/norms/n1/positions', position('st-astral-over', { stance: 'conditional', condition: `${condition}x` })).expect(400);
      expect(over.body.errors).toEqual([{ field: 'condition', message: 'must be at most 2000 characters long' }]);
      // A surrogate pair split by the limit is still one character too many, not half of one.
      const split = await t.post('/norms/n1/positions', position('st-astral-split', { stance: 'conditional', condition: `${'c'.repeat(1_999)}${astral}${astral}` })).expect(400);
      expect(split.body.errors).toEqual([{ field: 'condition', message: 'must be at most 2000 characters long' }]);
      expect(await count('norm-n1')).toBe(before);
    });

    it('refuses control characters other than tab, line feed and carriage return in any text with 400 naming the field, the character and where it is; tab and line breaks are kept', async () => {
      const before = await count('norm-n1');
      const response = await t.post('/norms/n1/positions', position('st-control', { text: 'we said\u0000 nothing', interpretativeStatement: 'line\u0085break' })).expect(400);
      expect(response.body.errors).toEqual([
        { field: 'interpretativeStatement', message: 'must not contain control characters (U+0085 at character 5); tab, line feed and carriage return are allowed' },
        { field: 'text', message: 'must not contain control characters (U+0000 at character 8); tab, line feed and carriage return are allowed' },
      ]);
      const name = await t.post('/tracks/seg/parties', { partyId: 'zz', name: '\u{1F1FA}\u{1F1F8} \u001b[31mred', effectiveOn: '2026-02-01' }).expect(400);
      expect(name.body.errors).toEqual([{ field: 'name', message: 'must not contain control characters (U+001B at character 4); tab, line feed and carriage return are allowed' }]);
      const correction = await t.post('/norms/n1/corrections', { correctionId: 'corr-ctl', target: { statementId: 'st-any' }, changes: [{ field: 'text', from: 'said', to: 'said\u0007' }], reason: 'x', requestedBy: 'us' }).expect(400);
      expect(correction.body.errors).toEqual([{ field: 'changes[0].to', message: 'must not contain control characters (U+0007 at character 5); tab, line feed and carriage return are allowed' }]);
      expect(await count('norm-n1')).toBe(before);
      const kept = 'first line\r\n\tsecond line\n';
      const ok = await t.post('/norms/n1/positions', position('st-lines', { text: kept })).expect(201);
      const [recorded] = await t.store.readStream('norm-n1', { fromRevision: ok.body.revision });
      expect((recorded!.data as { text: string }).text).toBe(kept);
    });

    it('takes a correction of up to 200 changes (one per party of a UN-wide body, each corrected on its own) and refuses 201 with 400 naming changes', async () => {
      const before = await count('session-s1');
      const body = (n: number) => ({
        correctionId: 'corr-many',
        target: { eventId: '00000000-0000-4000-8000-000000000000' },
        changes: Array.from({ length: n }, (_, i) => ({ field: `headsOfDelegation.p${i}`, from: null, to: `d${i}` })),
        reason: 'each head of delegation as the list of participants gives it',
        requestedBy: 'us',
      });
      const over = await t.post('/sessions/s1/corrections', body(201)).expect(400);
      expect(over.body.errors).toEqual([{ field: 'changes', message: 'must list at most 200 items' }]);
      // 200 pass the body's checks and meet the record's: no such event in the stream (a 422), not a 400.
      const within = await t.post('/sessions/s1/corrections', body(200)).expect(422);
      expect(within.body.detail).toBe('session s1: there is no event 00000000-0000-4000-8000-000000000000 to correct in this stream');
      expect(await count('session-s1')).toBe(before);
    });

    it("answers a correction whose `to` has not the form of its field with 400 naming changes[i].to, appending nothing", async () => {
      const before = { norm: await count('norm-n1'), session: await count('session-s1') };
      const body = (changes: unknown[]) => ({ correctionId: 'corr-form', target: { statementId: 'st-any' }, changes, reason: 'x', requestedBy: 'us' });
      const norm = await t.post('/norms/n1/corrections', body([
        { field: 'effectiveOn', from: '2026-02-10', to: '2026-02-30' },
        { field: 'stance', from: 'supports', to: 'maybe' },
        { field: 'partyId', from: 'us', to: 'US' },
        { field: 'delegateId', from: 'us-d1', to: 7 },
        { field: 'text', from: 'said', to: ' ' },
        { field: 'condition', from: null, to: 'c'.repeat(2001) },
        { field: 'title', from: 'Norm one', to: null },
      ])).expect(400);
      expect(norm.body.errors).toEqual([
        { field: 'changes[0].to', message: 'must be a real calendar date written YYYY-MM-DD' },
        { field: 'changes[1].to', message: 'must be one of: supports, conditional, reserves, opposes, abstains' },
        { field: 'changes[2].to', message: SLUG },
        { field: 'changes[3].to', message: 'must be a string' },
        { field: 'changes[4].to', message: 'must not be blank' },
        { field: 'changes[5].to', message: 'must be at most 2000 characters long' },
        { field: 'changes[6].to', message: 'must be a string' },
      ]);
      const session = await t.post('/sessions/s1/corrections', { ...body([
        { field: 'heldOn', from: '2026-02-10', to: 'soon' },
        { field: 'attendance.us', from: ['us-d1'], to: ['us-d1', 'us-d1'] },
        { field: 'headsOfDelegation', from: null, to: { us: 'US-D1' } },
      ]), target: { eventId: '00000000-0000-4000-8000-000000000000' } }).expect(400);
      expect(session.body.errors).toEqual([
        { field: 'changes[0].to', message: 'must be a real calendar date written YYYY-MM-DD' },
        { field: 'changes[1].to', message: 'must not repeat a value' },
        { field: 'changes[2].to', message: 'us must be a slug: 1 to 63 lowercase letters, digits or hyphens, starting with a letter or digit' },
      ]);
      expect({ norm: await count('norm-n1'), session: await count('session-s1') }).toEqual(before);
    });

    it('answers a body that is not UTF-8 with 400 rather than recording U+FFFD in place of what was sent', async () => {
      const before = await count('norm-n1');
      const raw = (payload: Buffer) =>
        t.app.inject({ method: 'POST', url: '/norms/n1/positions', payload, headers: { authorization: `Bearer ${CLERK_TOKEN}`, 'content-type': 'application/json' } });
      const json = JSON.stringify(position('st-latin1', { text: 'caf\u00e9' }));
      const latin1 = await raw(Buffer.from(json, 'latin1'));
      expect(latin1.statusCode).toBe(400);
      expect(latin1.headers['content-type']).toBe(PROBLEM_JSON);
      expect(latin1.json()).toEqual({ type: problemType('malformed-json'), title: 'Malformed JSON', status: 400, detail: 'the body is not valid UTF-8: send JSON encoded as UTF-8', errors: [{ field: '(body)', message: 'the body is not valid UTF-8: send JSON encoded as UTF-8' }] });
      // A surrogate encoded as bytes (CESU-8) is not UTF-8 either.
      const cesu = await raw(Buffer.concat([Buffer.from(json.replace('caf\u00e9', '').replace(/}$/, ''), 'utf8'), Buffer.from(',"interpretativeStatement":"\xed\xa0\x80"}', 'latin1')]));
      expect(cesu.statusCode).toBe(400);
      expect(await count('norm-n1')).toBe(before);
      expect((await raw(Buffer.from(JSON.stringify(position('st-utf8', { text: 'café 😀' })), 'utf8'))).statusCode).toBe(201);
    });

    it('answers a compressed body (Content-Encoding gzip) with 415: it is not decoded, so it is not JSON to this server', async () => {
      const before = await count('norm-n1');
      const response = await t.app.inject({
        method: 'POST', url: '/norms/n1/positions', payload: gzipSync(JSON.stringify(position('st-gzip'))),
        headers: { authorization: `Bearer ${CLERK_TOKEN}`, 'content-type': 'application/json', 'content-encoding': 'gzip' },
      });
      expect(response.statusCode).toBe(415);
      expect(response.json()).toEqual({
        type: problemType('unsupported-media-type'), title: 'Unsupported media type', status: 415,
        detail: 'the body is sent with Content-Encoding gzip, which this server does not decode: send it uncompressed',
      });
      expect(await count('norm-n1')).toBe(before);
    });

    it('answers a body declared in a charset other than UTF-8 with 415, and takes charset=utf-8 in any spelling', async () => {
      const before = await count('norm-n1');
      const send = (statementId: string, contentType: string) =>
        t.app.inject({ method: 'POST', url: '/norms/n1/positions', payload: JSON.stringify(position(statementId, { text: 'caf\u00e9' })), headers: { authorization: `Bearer ${CLERK_TOKEN}`, 'content-type': contentType } });
      for (const [contentType, charset] of [['application/json; charset=latin1', 'latin1'], ['application/json;charset="UTF-16"', 'utf-16'], ['application/json; charset=', '']]) {
        const response = await send('st-charset', contentType!);
        expect({ contentType, status: response.statusCode, body: response.json() }).toEqual({
          contentType, status: 415,
          body: { type: problemType('unsupported-media-type'), title: 'Unsupported media type', status: 415, detail: `the body is declared as charset=${charset}: send JSON encoded as UTF-8 (charset=utf-8, or no charset)` },
        });
      }
      expect(await count('norm-n1')).toBe(before);
      expect((await send('st-charset-1', 'application/json; charset=UTF-8')).statusCode).toBe(201);
      expect((await send('st-charset-2', 'application/json;charset="utf8"')).statusCode).toBe(201);
    });

    it('answers a body naming a field twice in one object with 400 naming it (JSON.parse would keep the last)', async () => {
      const before = await count('norm-n1');
      const json = JSON.stringify(position('st-twice', { stance: 'opposes' })).replace(/}$/, ',"stance":"supports"}');
      const response = await t.http().post('/norms/n1/positions').set('Authorization', `Bearer ${CLERK_TOKEN}`).set('Content-Type', 'application/json').send(json).expect(400);
      expect(response.body).toEqual({
        type: problemType('invalid-request'), title: 'Invalid request', status: 400,
        detail: 'the body names the field "stance" twice in one object: send each field once',
        errors: [{ field: 'stance', message: 'is given more than once' }],
      });
      const nested = JSON.stringify({ correctionId: 'c-dup', target: { statementId: 'st-twice' }, changes: [{ field: 'stance', from: 'opposes', to: 'supports' }], reason: 'x', requestedBy: 'us' })
        .replace('"to":"supports"', '"to":"supports","field":"text"');
      const inside = await t.http().post('/norms/n1/corrections').set('Authorization', `Bearer ${CLERK_TOKEN}`).set('Content-Type', 'application/json').send(nested).expect(400);
      expect(inside.body.errors).toEqual([{ field: 'changes[0].field', message: 'is given more than once' }]);
      expect(await count('norm-n1')).toBe(before);
    });

    it('answers an in-session adoption without atSessionId with 400 naming it, as DESIGN §7 puts a missing field', async () => {
      const before = await count('session-s1');
      const response = await t.post('/sessions/s1/minutes/adopt', { procedure: 'in_session', effectiveOn: '2026-02-11' }).expect(400);
      expect(response.body.errors).toEqual([{ field: 'atSessionId', message: 'is required with procedure in_session' }]);
      expect(await count('session-s1')).toBe(before);
    });

    it('answers a body over 1 MiB with 413', async () => {
      const response = await t.post('/tracks', { trackId: 'big', name: 'x'.repeat(1024 * 1024 + 10), effectiveOn: '2026-01-01' }).expect(413);
      expect(response.body).toEqual({
        type: problemType('body-too-large'), title: 'Body too large', status: 413, detail: 'the request body is larger than 1 MiB (1048576 bytes)',
      });
    });

    it('answers an unknown route with a 404 problem', async () => {
      const response = await t.post('/nowhere', {}).expect(404);
      expect(response.headers['content-type']).toBe(PROBLEM_JSON);
      expect(response.body.type).toBe(problemType('route-not-found'));
    });

    it('answers a method or path with no route before reading the body: a malformed or oversized body does not turn the 405 or 404 into a 400 or 413', async () => {
      const bad = await t.http().delete('/tracks/anything').set('Authorization', `Bearer ${CLERK_TOKEN}`).set('Content-Type', 'application/json').send('{bad').expect(405);
      expect(bad.headers.allow).toBe('GET, HEAD');
      expect(bad.body.type).toBe(problemType('method-not-allowed'));
      const big = await t.http().put('/tracks/anything/board').set('Authorization', `Bearer ${CLERK_TOKEN}`).set('Content-Type', 'application/json').send(`"${'x'.repeat(1024 * 1024 + 10)}"`).expect(405);
      expect(big.body.type).toBe(problemType('method-not-allowed'));
      const nowhere = await t.http().post('/nowhere').set('Content-Type', 'application/json').send('{bad').expect(404);
      expect(nowhere.body).toEqual({ type: problemType('route-not-found'), title: 'Route not found', status: 404, detail: 'there is no route POST /nowhere' });
    });

    it('answers a method the path has no route for with a 405 problem naming the allowed methods in Allow', async () => {
      const put = await t.http().put('/tracks/anything/board').set('Authorization', `Bearer ${CLERK_TOKEN}`).send({}).expect(405);
      expect(put.headers['content-type']).toBe(PROBLEM_JSON);
      expect(put.headers.allow).toBe('GET, HEAD');
      expect(put.body).toEqual({
        type: problemType('method-not-allowed'), title: 'Method not allowed', status: 405,
        detail: '/tracks/anything/board does not take PUT: it answers GET, HEAD',
      });
      const del = await t.http().delete('/norms/any-norm').set('Authorization', `Bearer ${CLERK_TOKEN}`).expect(405);
      expect(del.headers.allow).toBe('GET, HEAD');
      const get = await t.http().get('/tracks/any-track/norms').set('Authorization', `Bearer ${CLERK_TOKEN}`).expect(405);
      expect(get.headers.allow).toBe('POST');
      // A route's own 404 (no such dashboard asset) stays a 404.
      await t.http().get('/assets/nothing-here.js').expect(404);
    });

    it('logs a client that hangs up mid-body as one warning line, not as a server error, records nothing, and bounds how long a request may take', async () => {
      if (t.app.getHttpServer().address() === null) await t.app.listen(0, '127.0.0.1');
      const { port } = t.app.getHttpServer().address() as AddressInfo;
      expect(t.app.getHttpServer().requestTimeout).toBe(REQUEST_TIMEOUT_MS);
      const errors = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
      const warnings: string[] = [];
      const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation((message: unknown) => void warnings.push(String(message)));
      try {
        const before = await t.store.headPosition();
        await new Promise<void>((resolve, reject) => {
          const socket = connect(port, '127.0.0.1', () => {
            socket.write(`POST /tracks HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${CLERK_TOKEN}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"trackId":`);
            setTimeout(() => socket.destroy(), 100);
          });
          socket.on('close', () => resolve());
          socket.on('error', reject);
        });
        for (let i = 0; i < 50 && warnings.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 20));
        expect(errors.mock.calls.map((call) => String(call[0]).slice(0, 200))).toEqual([]);
        expect(warnings).toEqual([expect.stringMatching(/^POST \/tracks \[[^\]]+\]: the client closed the connection before sending the whole request; nothing was recorded$/)]);
        expect(await t.store.headPosition()).toBe(before);
      } finally {
        errors.mockRestore();
        warn.mockRestore();
      }
    });

    it("answers what Node's HTTP parser refuses (headers over 16 KiB, a malformed request) with problem+json too", async () => {
      if (t.app.getHttpServer().address() === null) await t.app.listen(0, '127.0.0.1');
      const { port } = t.app.getHttpServer().address() as AddressInfo;
      const raw = (text: string): Promise<string> =>
        new Promise((resolve, reject) => {
          let answer = '';
          const socket = connect(port, '127.0.0.1', () => socket.write(text));
          socket.on('data', (chunk: Buffer) => (answer += chunk.toString()));
          socket.on('close', () => resolve(answer));
          socket.on('error', reject);
        });
      const big = await raw(`GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(20_000)}\r\n\r\n`);
      const [head, body] = big.split('\r\n\r\n');
      expect(head).toMatch(/^HTTP\/1\.1 431 Request Header Fields Too Large\r\n/);
      expect(head).toContain(`Content-Type: ${PROBLEM_JSON}`);
      expect(JSON.parse(body!)).toEqual({
        type: problemType('headers-too-large'), title: 'Headers too large', status: 431,
        detail: 'the request headers (or the URL) are larger than this server reads (16 KiB)',
      });
      // RFC 9112 §3.2: an HTTP/1.1 request without Host, or with two, is a 400 (Node's own answer had no body).
      const noHost = await raw('GET /health HTTP/1.1\r\nConnection: close\r\n\r\n');
      expect(noHost).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
      expect(JSON.parse(noHost.split('\r\n\r\n')[1]!)).toEqual({
        type: problemType('invalid-request'), title: 'Invalid request', status: 400,
        detail: 'Host is required in an HTTP/1.1 request', errors: [{ field: 'Host', message: 'is required in an HTTP/1.1 request' }],
      });
      const twoHosts = await raw('GET /health HTTP/1.1\r\nHost: a\r\nHost: b\r\nConnection: close\r\n\r\n');
      expect(JSON.parse(twoHosts.split('\r\n\r\n')[1]!)).toMatchObject({ status: 400, errors: [{ field: 'Host', message: 'is given more than once: send it once' }] });
      // HTTP/1.0 needs no Host.
      expect(await raw('GET /health HTTP/1.0\r\n\r\n')).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
      const malformed = await raw('NOT HTTP AT ALL\r\n\r\n');
      expect(malformed).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
      expect(JSON.parse(malformed.split('\r\n\r\n')[1]!)).toMatchObject({ type: problemType('malformed-request'), status: 400, errors: [{ field: '(request)', message: 'the request is not well-formed HTTP' }] });
    });

    it('answers a path the router refuses (a malformed %-escape, a segment over 100 characters) with problem+json', async () => {
      const bad = await t.http().get('/norms/%zz').set('Authorization', `Bearer ${CLERK_TOKEN}`).expect(400);
      expect(bad.headers['content-type']).toBe(PROBLEM_JSON);
      expect(bad.body).toEqual({ type: problemType('malformed-url'), title: 'Malformed URL', status: 400, detail: 'the path is not a valid URL (a malformed %-escape)', errors: [{ field: '(path)', message: 'the path is not a valid URL (a malformed %-escape)' }] });
      const long = await t.http().get(`/norms/${'n'.repeat(101)}`).set('Authorization', `Bearer ${CLERK_TOKEN}`).expect(414);
      expect(long.headers['content-type']).toBe(PROBLEM_JSON);
      expect(long.body).toMatchObject({ type: problemType('uri-too-long'), status: 414 });
    });
  });

  describe('rules', () => {
    it("answers 404 when the route's subject does not exist", async () => {
      const response = await t.post('/norms/ghost/positions', position('st-x')).expect(404);
      expect(response.body).toEqual({ type: problemType('not-found'), title: 'Not found', status: 404, detail: 'norm ghost does not exist' });
      await t.post('/tracks/ghost/norms', { normId: 'n-ghost', title: 'T', summary: 'S', proposedBy: ['us'] }).expect(404);
      await t.post('/sessions/ghost/minutes/circulate', { effectiveOn: '2026-02-11' }).expect(404);
      await t.post('/cbms/ghost/links', { normId: 'n1', effectiveOn: '2026-02-11' }).expect(404);
      await t.post('/topics/ghost/positions', position('st-x')).expect(404);
    });

    it('shows invisible characters in a detail as \\u escapes: a bidi override in a path cannot reorder the line it is logged on', async () => {
      const response = await t.post('/norms/%E2%80%AEn-zhs/positions', position('st-x')).expect(404);
      expect(response.body.detail).toBe('norm "\\u202En-zhs" does not exist');
      const blank = await t.post('/norms/n1/positions', position('st-blank', { text: '\u200b\u2060', interpretativeStatement: '\u3164' })).expect(400);
      expect(blank.body.errors).toEqual([
        { field: 'interpretativeStatement', message: 'must not be blank' },
        { field: 'text', message: 'must not be blank' },
      ]);
    });

    it('answers 409 for a duplicate and 422 for an unknown party, appending nothing', async () => {
      const before = await count('norm-n1');
      expect((await t.post('/tracks/seg/norms', { normId: 'n1', title: 'T', summary: 'S', proposedBy: ['us'] }).expect(409)).body.status).toBe(409);
      const unknown = await t.post('/norms/n1/positions', position('st-fr', { partyId: 'fr', delegateId: undefined })).expect(422);
      expect(unknown.headers['content-type']).toBe(PROBLEM_JSON);
      expect(unknown.body.type).toMatch(/^https:\/\/norms-ledger\.dev\/problems\/[a-z-]+$/);
      expect(await count('norm-n1')).toBe(before);
    });

    it('answers 409 for a decision without consensus', async () => {
      await ok(t, '/tracks/seg/norms', { normId: 'n-split', title: 'Split', summary: 'S', proposedBy: ['us'] });
      await ok(t, '/norms/n-split/positions', position('st-1'));
      await ok(t, '/norms/n-split/positions', position('st-2', { partyId: 'cn', delegateId: 'cn-d1', stance: 'conditional', condition: 'only in peacetime' }));
      const response = await t.post('/norms/n-split/decisions', { decisionId: 'd1', kind: 'agree_ad_referendum', sessionId: 's1' }).expect(409);
      expect(response.body.detail).toMatch(/^norm n-split: .*cn/);
    });
  });

  it('records 20 concurrent positions on one norm without If-Match, gap-free', async () => {
    await ok(t, '/tracks/seg/norms', { normId: 'n-busy', title: 'Busy', summary: 'S', proposedBy: ['us'] });
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) => t.post('/norms/n-busy/positions', position(`st-${i}`))),
    );
    expect(responses.map((response) => response.status)).toEqual(Array(20).fill(201));
    const revisions = responses.map((response) => response.body.revision as number).sort((a, b) => a - b);
    expect(revisions).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    const stream = await t.store.readStream('norm-n-busy');
    expect(stream.map((event) => event.revision)).toEqual(Array.from({ length: 21 }, (_, i) => i));
  });
});
