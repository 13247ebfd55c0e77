import { jest } from '@jest/globals';
import { request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { boardOf, matrixOf, subjectDetailOf } from '../../src/projections/projections/board.projection.js';
import { resolveCut, type Cut } from '../../src/projections/projections/cut.js';
import type { LedgerEvent } from '../../src/projections/projections/ledger-event.js';
import { sessionDetailOf, sessionRegisterOf } from '../../src/projections/projections/register.projection.js';
import { foldRegistry, registryAnswerOf } from '../../src/projections/projections/registry.projection.js';
import { foldTrack, trackListOf } from '../../src/projections/projections/track.projection.js';
import { ReadModels } from '../../src/projections/application/read-models.service.js';
import { ReadModelQueries } from '../../src/projections/read-model/read-model.queries.js';
import { LIVE_STREAM_MAX_BACKLOG_BYTES, LiveBoardStreams } from '../../src/projections/application/live-board.service.js';
import type { EventStore } from '../../src/shared/event-store/event-store.port.js';
import { CLERK_TOKEN, type E2eApp, PROBLEM_JSON, problemType, removeDataDir, startApp } from './support/e2e-app.js';
import { givenHeldSession, givenTrack, ok } from './support/fixtures.js';
import { openLive as openLiveBoard } from './support/streaming.js';

const AUTH = { Authorization: `Bearer ${CLERK_TOKEN}` };

describe('queries (e2e)', () => {
  let t: E2eApp;
  let readModels: ReadModels;
  let correctionPosition: string;

  const get = (path: string) => t.http().get(path).set(AUTH);
  /** Waits for the read models to reach a command's position: no sleeps. */
  const settled = async (response: { body: { position: string } }) => readModels.whenCaughtUp(response.body.position, 5000);
  const log = async (): Promise<LedgerEvent[]> => {
    const events: LedgerEvent[] = [];
    for await (const e of t.store.readAll()) events.push(e as unknown as LedgerEvent);
    return events;
  };
  const plain = (value: unknown) => JSON.parse(JSON.stringify(value)) as unknown;

  beforeAll(async () => {
    t = await startApp();
    readModels = t.app.get(ReadModels);
    t.fixClock('2026-01-05T09:00:00.000Z');
    await givenTrack(t, 'seg');
    await givenHeldSession(t, 'seg', 's1', 1, '2026-03-10');
    t.fixClock('2026-03-10T15:00:00.000Z');
    await ok(t, '/tracks/seg/norms', { normId: 'n1', title: 'Protect critical infrastructure', summary: 'A norm.', proposedBy: ['us'], sessionId: 's1' });
    await ok(t, '/tracks/seg/cbms', { cbmId: 'c1', title: 'Points of contact', proposedBy: ['us'], linkedNorms: ['n1'], sessionId: 's1' });
    await ok(t, '/tracks/seg/topics', { topicId: 'ig', title: 'Internet governance', sessionId: 's1' });
    const position = (statementId: string, partyId: string, stance: string) => ({ statementId, partyId, delegateId: `${partyId}-d1`, stance, text: `${partyId} ${stance}`, channel: 'oral', sessionId: 's1' });
    await ok(t, '/norms/n1/positions', position('st-1', 'us', 'supports'));
    await ok(t, '/norms/n1/positions', position('st-2', 'cn', 'opposes'));
    await ok(t, '/topics/ig/positions', position('st-1', 'cn', 'reserves'));
    await ok(t, '/sessions/s1/action-items', { actionItemId: 'ai-1', assignee: 'secretariat', text: 'Circulate the draft', dueOn: '2026-03-20' });
    t.fixClock('2026-03-25T10:00:00.000Z');
    const correction = await ok(t, '/norms/n1/corrections', {
      correctionId: 'corr-1',
      target: { statementId: 'st-2' },
      changes: [{ field: 'stance', from: 'opposes', to: 'supports' }],
      reason: 'the delegation supported the text',
      requestedBy: 'cn',
    });
    correctionPosition = correction.body.position;
    await settled(correction);
  });
  afterAll(async () => {
    await t.close();
    removeDataDir(t.dataDir);
  });

  it('every route answers what folding the log gives, live and under cuts', async () => {
    const events = await log();
    const today = '2026-03-25';
    for (const cut of [{}, { asOf: '2026-03-10' }, { asOf: '2026-03-10', knownAt: '2026-03-10' }, { knownAt: '2026-03-10T15:00:00.000Z' }] as Cut[]) {
      const query = new URLSearchParams(cut as Record<string, string>).toString();
      const q = query === '' ? '' : `?${query}`;
      const resolved = resolveCut(cut);
      const track = foldTrack('seg', events, resolved);
      const expectations: Array<[string, unknown]> = [
        ['/tracks', trackListOf(events, resolved)],
        ['/tracks/seg', registryAnswerOf(foldRegistry(events.filter((e) => e.streamId === 'track-seg'), resolved)!, resolved)],
        ['/tracks/seg/board', boardOf(track)],
        ['/tracks/seg/matrix', matrixOf(track)],
        ['/tracks/seg/sessions', sessionRegisterOf(track, { today })],
        ['/sessions/s1', sessionDetailOf(track, 's1', { today })],
        ['/norms/n1', subjectDetailOf(track, 'norm', 'n1')],
        ['/cbms/c1', subjectDetailOf(track, 'cbm', 'c1')],
        ['/topics/ig', subjectDetailOf(track, 'topic', 'ig')],
      ];
      for (const [path, expected] of expectations) {
        const response = await get(`${path}${q}`).expect(200);
        expect(response.headers['content-type']).toMatch(/^application\/json/);
        expect({ path: `${path}${q}`, body: response.body }).toEqual({ path: `${path}${q}`, body: plain(expected) });
      }
    }
  });

  it('the two views of one date: what the ledger said, and what was true after the correction', async () => {
    const cn = async (q: string) => (await get(`/tracks/seg/board${q}`).expect(200)).body.rows.find((r: { id: string }) => r.id === 'n1').stances.cn.stance;
    expect(await cn('?asOf=2026-03-10&knownAt=2026-03-10')).toBe('opposes');
    expect(await cn('?asOf=2026-03-10')).toBe('supports');
    expect(await cn('')).toBe('supports');
    const overdue = (await get('/sessions/s1').expect(200)).body.actionItems[0].overdue;
    expect(overdue).toBe(true);
    expect((await get('/sessions/s1?asOf=2026-03-15').expect(200)).body.actionItems[0].overdue).toBe(false);
  });

  it.each([
    ['/tracks/seg/board?asOf=2026-02-30', [{ field: 'asOf', message: 'must be a real calendar date written YYYY-MM-DD' }]],
    [
      '/tracks/seg/board?knownAt=yesterday',
      [{ field: 'knownAt', message: 'must be an ISO-8601 timestamp with a time zone (2026-03-12T09:30:00Z) or a date YYYY-MM-DD (the end of that day, UTC)' }],
    ],
    // A + typed into the URL unescaped arrives as a space: the message says to write %2B.
    [
      '/tracks/seg/board?knownAt=2026-03-12T10:00:00+08:00',
      [{ field: 'knownAt', message: 'has a space where its offset\'s + should be: a + in a query string reads as a space, so write it %2B (knownAt=2026-03-12T10:00:00%2B08:00)' }],
    ],
    // The value sent, given back as it should have been written.
    [
      '/tracks/seg/board?knownAt=2026-05-01T17:45:30.250+05:30',
      [{ field: 'knownAt', message: 'has a space where its offset\'s + should be: a + in a query string reads as a space, so write it %2B (knownAt=2026-05-01T17:45:30.250%2B05:30)' }],
    ],
    ['/norms/n1?asOf=2026-3-1&knownAt=2026-03-01T10:00:00Z', [{ field: 'asOf', message: 'must be a real calendar date written YYYY-MM-DD' }]],
    ['/tracks?at=2026-03-01', [{ field: 'at', message: 'is not a field of this request' }]],
  ])('GET %s → 400 naming the bad field', async (path, errors) => {
    const response = await get(path).expect(400);
    expect(response.headers['content-type']).toBe(PROBLEM_JSON);
    expect(response.body).toMatchObject({ type: problemType('invalid-request'), status: 400, errors });
  });

  it.each([
    // As in command problems: a slug bare, an id that is not one JSON-quoted.
    ['/tracks/nope', 'track nope does not exist'],
    ['/tracks/nope/board', 'track nope does not exist'],
    ['/tracks/nope/matrix', 'track nope does not exist'],
    ['/tracks/nope/sessions', 'track nope does not exist'],
    ['/sessions/nope', 'session nope does not exist'],
    ['/norms/nope', 'norm nope does not exist'],
    ['/cbms/n1', 'cbm n1 does not exist'],
    ['/topics/NOPE', 'topic "NOPE" does not exist'],
    ['/norms/n1?asOf=2026-01-01', 'norm n1 does not exist under that cut'],
    // Known before anything of the track was recorded: answered without folding the track.
    ['/norms/n1?knownAt=2026-01-01', 'norm n1 does not exist under that cut'],
    ['/sessions/s1?knownAt=2026-01-01', 'session s1 does not exist under that cut'],
    ['/tracks/seg?asOf=2025-12-31', 'track seg does not exist under that cut'],
    ['/tracks/seg/board?asOf=2025-12-31', 'track seg does not exist under that cut'],
    ['/tracks/seg/matrix?knownAt=2026-01-04', 'track seg does not exist under that cut'],
    ['/tracks/seg/sessions?asOf=2025-12-31', 'track seg does not exist under that cut'],
    ['/tracks/seg/board/live?asOf=2025-12-31', 'track seg does not exist under that cut'],
  ])('GET %s → 404', async (path, detail) => {
    const response = await get(path).expect(404);
    expect(response.headers['content-type']).toBe(PROBLEM_JSON);
    expect(response.body).toMatchObject({ type: problemType('not-found'), status: 404, detail });
  });

  const openLive = (path: string) => openLiveBoard(t, path, AUTH);

  it('the live board sends a snapshot, then the row each time a subject changes', async () => {
    const { response, frame } = await openLive('/tracks/seg/board/live');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    try {
      const snapshot = await frame(1);
      expect(snapshot).toMatchObject({ event: 'snapshot', id: correctionPosition, data: { trackId: 'seg', rows: expect.any(Array) } });
      t.fixClock('2026-03-26T10:00:00.000Z');
      const stated = await ok(t, '/cbms/c1/positions', { statementId: 'st-9', partyId: 'cn', stance: 'abstains', text: 'cn abstains', channel: 'written' });
      const row = await frame(2);
      expect(row).toMatchObject({ event: 'row', id: stated.body.position, data: { kind: 'cbm', id: 'c1', status: 'under_discussion', stances: { cn: { stance: 'abstains', statementId: 'st-9' } } } });
    } finally {
      response.destroy();
    }
  });

  it('the live board closes a stream whose client stopped reading once more than its bound waits in the server (it grew without bound); other streams go on', async () => {
    if (t.app.getHttpServer().address() === null) await t.app.listen(0, '127.0.0.1');
    const responses: ServerResponse[] = [];
    const remember = (_request: IncomingMessage, response: ServerResponse) => responses.push(response);
    const server = t.app.getHttpServer() as Server;
    server.on('request', remember);
    const stalled = await openLive('/tracks/seg/board/live');
    const reading = await openLive('/tracks/seg/board/live');
    server.off('request', remember);
    const closed = new Promise<void>((resolve) => stalled.response.on('close', () => resolve()));
    await Promise.all([stalled.frame(1), reading.frame(1)]);
    // A client that stopped reading: what the network would not take waits in its response, whose
    // size is what the server sees. The stalled stream's is made to say the bound is passed (the
    // bound counts from what the snapshot left waiting, some kilobytes here).
    const stalledResponse = responses.find((response) => response.socket?.remotePort === stalled.response.socket.localPort)!;
    Object.defineProperty(stalledResponse, 'writableLength', { get: () => 2 * LIVE_STREAM_MAX_BACKLOG_BYTES, configurable: true });
    try {
      t.fixClock('2026-03-26T11:00:00.000Z');
      const stated = await ok(t, '/cbms/c1/positions', { statementId: 'st-backlog', partyId: 'us', stance: 'supports', text: 'us supports', channel: 'written' });
      const row = await reading.frame(2);
      await closed;
      expect(row).toMatchObject({ event: 'row', id: stated.body.position, data: { kind: 'cbm', id: 'c1' } });
      expect(t.app.get(LiveBoardStreams).countOf('clerk')).toBe(1);
    } finally {
      reading.response.destroy();
      stalled.response.destroy();
    }
  });

  it('HEAD of the live board answers its headers and ends (a stream would never end)', async () => {
    const head = await t.app.inject({ method: 'HEAD', url: '/tracks/seg/board/live', headers: AUTH });
    expect(head.statusCode).toBe(200);
    expect(head.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(head.body).toBe('');
  });

  it('a live-board client that leaves while the read models catch up opens no stream (its close has fired already)', async () => {
    if (t.app.getHttpServer().address() === null) await t.app.listen(0, '127.0.0.1');
    const { port } = t.app.getHttpServer().address() as AddressInfo;
    const added = jest.spyOn(t.app.get(LiveBoardStreams), 'add');
    // The query must wait for a position the read models have not reached yet: the next append.
    const store = t.store as EventStore & { localHeadPosition?: () => string | null };
    const next = String(BigInt((await t.store.headPosition())!) + 1n);
    store.localHeadPosition = () => next;
    try {
      const req = httpRequest({ host: '127.0.0.1', port, path: '/tracks/seg/board/live', headers: AUTH });
      req.on('error', () => undefined);
      req.end();
      await new Promise((resolve) => setTimeout(resolve, 100));
      req.destroy();
      await new Promise((resolve) => setTimeout(resolve, 100));
      t.fixClock('2026-03-28T10:00:00.000Z');
      await settled(await ok(t, '/topics/ig/positions', { statementId: 'st-13', partyId: 'cn', stance: 'abstains', text: 'cn abstains', channel: 'written' }));
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(added).not.toHaveBeenCalled();
    } finally {
      delete store.localHeadPosition;
      added.mockRestore();
    }
  });

  it('the live board under asOf sends that board, then a row only when a record effective by then changes it', async () => {
    const { response, frames, frame } = await openLive('/tracks/seg/board/live?asOf=2026-03-10');
    expect(response.statusCode).toBe(200);
    try {
      const snapshot = await frame(1);
      expect(snapshot.event).toBe('snapshot');
      expect(snapshot.data).toEqual((await get('/tracks/seg/board?asOf=2026-03-10').expect(200)).body);
      t.fixClock('2026-03-28T11:00:00.000Z');
      // Effective after asOf: the board on 2026-03-10 does not change, so no row is sent for it.
      await ok(t, '/topics/ig/positions', { statementId: 'st-11', partyId: 'us', stance: 'opposes', text: 'us opposes', channel: 'written', effectiveOn: '2026-03-20' });
      // A late entry effective by then: its row is sent, as the board on 2026-03-10 now shows it.
      const late = await ok(t, '/topics/ig/positions', { statementId: 'st-12', partyId: 'us', stance: 'abstains', text: 'us abstained', channel: 'written', effectiveOn: '2026-03-09' });
      const row = await frame(2);
      expect(row).toMatchObject({ event: 'row', id: late.body.position, data: { kind: 'topic', id: 'ig', stances: { us: { stance: 'abstains', statementId: 'st-12' } } } });
      expect(row.data).toEqual((await get('/tracks/seg/board?asOf=2026-03-10').expect(200)).body.rows.find((r: { id: string }) => r.id === 'ig'));
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(frames.map((f) => f.event)).toEqual(['snapshot', 'row']);
    } finally {
      response.destroy();
    }
  });

  it.each([
    ['/tracks/seg/board?constructor=1', 'constructor'],
    ['/tracks/seg/board?__proto__=1', '__proto__'],
    ['/tracks?toString=x', 'toString'],
    ['/norms/n1?hasOwnProperty=1', 'hasOwnProperty'],
  ])('GET %s → 400: a name Object.prototype has is an unknown field like any other', async (path, field) => {
    const response = await get(path).expect(400);
    expect(response.body.errors).toEqual([{ field, message: 'is not a field of this request' }]);
  });

  it.each([
    ['/tracks/seg/board/live?asOf=2026-02-30', 'asOf'],
    ['/tracks/seg/board/live?knownAt=soon', 'knownAt'],
    ['/tracks/seg/board/live?since=1', 'since'],
    ['/tracks/seg/board/live?asOf=2026-03-01&asOf=2026-03-02', 'asOf'],
  ])('GET %s → 400 naming the field, before any event is sent', async (path, field) => {
    const response = await get(path).expect(400);
    expect(response.headers['content-type']).toBe(PROBLEM_JSON);
    expect(response.body.errors.map((e: { field: string }) => e.field)).toEqual([field]);
  });

  it('POST /projections/rebuild rebuilds into a new database and swaps it in; answers stay the same', async () => {
    const before = (await get('/tracks/seg/board?asOf=2026-03-10&knownAt=2026-03-10').expect(200)).body;
    const live = (await get('/tracks/seg/board').expect(200)).body;
    const response = await t.http().post('/projections/rebuild').set(AUTH).expect(200);
    expect(response.body).toEqual({ events: (await log()).length, streams: 5, tracks: 1, durationMs: expect.any(Number), eventsPerSecond: expect.any(Number) });
    expect((await get('/tracks/seg/board?asOf=2026-03-10&knownAt=2026-03-10').expect(200)).body).toEqual(before);
    expect((await get('/tracks/seg/board').expect(200)).body).toEqual(live);
    const stated = await ok(t, '/topics/ig/positions', { statementId: 'st-10', partyId: 'us', stance: 'supports', text: 'us supports', channel: 'written' });
    await settled(stated);
    expect((await get('/topics/ig').expect(200)).body.stances.us.statementId).toBe('st-10');
  });

  it('a read-model file SQLite finds damaged while serving: queries answer 503 saying to rebuild, /health/ready says down, until a rebuild', async () => {
    const malformed = Object.assign(new Error('database disk image is malformed'), { code: 'SQLITE_CORRUPT' });
    const board = jest.spyOn(ReadModelQueries.prototype, 'board').mockImplementation(() => {
      throw malformed;
    });
    try {
      const refused = await get('/tracks/seg/board').expect(503);
      expect(refused.body).toMatchObject({
        type: problemType('read-models-behind'),
        detail: 'the read models are damaged (database disk image is malformed); POST /projections/rebuild builds them again from the log',
      });
      // Every query now says so, not only the one that met the damage.
      expect((await get('/tracks/seg/matrix').expect(503)).body.detail).toContain('the read-model file is damaged (database disk image is malformed)');
      const ready = await t.http().get('/health/ready').set(AUTH).expect(503);
      expect(ready.body.error.readModels).toMatchObject({ status: 'down', reason: 'the read-model file is damaged (database disk image is malformed)' });
    } finally {
      board.mockRestore();
    }
    await t.http().post('/projections/rebuild').set(AUTH).expect(200);
    await get('/tracks/seg/board').expect(200);
    await t.http().get('/health/ready').expect(200);
  });

  // Last: it adds a stream, which the rebuild test above counts.
  it('the live board under asOf sends `removed` when a correction takes a row off that board', async () => {
    t.fixClock('2026-03-29T10:00:00.000Z');
    await ok(t, '/tracks/seg/topics', { topicId: 'leaving', title: 'A topic', effectiveOn: '2026-03-20' });
    // A written statement dated before the opening: the topic exists under asOf 2026-03-10.
    await ok(t, '/topics/leaving/positions', { statementId: 'st-l1', partyId: 'us', stance: 'supports', text: 'us supports', channel: 'written', effectiveOn: '2026-03-05' });
    const { response, frames, frame } = await openLive('/tracks/seg/board/live?asOf=2026-03-10');
    try {
      const snapshot = await frame(1);
      expect(snapshot.data.rows.map((r: { id: string }) => r.id)).toContain('leaving');
      const corrected = await ok(t, '/topics/leaving/corrections', {
        correctionId: 'c-l1',
        target: { statementId: 'st-l1' },
        changes: [{ field: 'effectiveOn', from: '2026-03-05', to: '2026-03-25' }],
        reason: 'the statement was made later',
        requestedBy: 'us',
      });
      expect(await frame(2)).toEqual({ event: 'removed', id: corrected.body.position, data: { kind: 'topic', id: 'leaving' } });
      expect((await get('/tracks/seg/board?asOf=2026-03-10').expect(200)).body.rows.map((r: { id: string }) => r.id)).not.toContain('leaving');
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(frames.map((f) => f.event)).toEqual(['snapshot', 'removed']);
    } finally {
      response.destroy();
    }
  });
});
