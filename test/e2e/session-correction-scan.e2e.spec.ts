import { jest } from '@jest/globals';
import type { ReadAllOptions, RecordedEvent } from '../../src/shared/event-store/event-store.port.js';
import { comparePosition } from '../../src/projections/projections/ledger-event.js';
import { CLERK_TOKEN, type E2eApp, removeDataDir, startApp } from './support/e2e-app.js';
import { givenHeldSession, givenTrack, ok } from './support/fixtures.js';

/*
 * An attendance correction reads every statement of the log (no stream lists a session's
 * statements): 2.8 s over 1M events here. Session commands run alone in the process, so that scan
 * used to hold every other command of the process for its whole length. It now runs before the
 * command takes the lock, and inside it only what was recorded since is read. Here the scan is held
 * open by hand (a gate in the store's readAll) to see both.
 */
describe('the statement scan of an attendance correction (e2e)', () => {
  let t: E2eApp;
  let heldEventId: string;
  let release: () => void = () => undefined;
  const auth = { Authorization: `Bearer ${CLERK_TOKEN}` };
  const correction = (correctionId: string, changes: unknown[]) => ({ correctionId, target: { eventId: heldEventId }, changes, reason: 'The attendance list was wrong.', requestedBy: 'us' });
  const position = (statementId: string, delegateId: string) => ({ statementId, partyId: 'us', delegateId, stance: 'supports', text: 'We support it.', channel: 'oral', sessionId: 's1' });

  beforeAll(async () => {
    t = await startApp();
    t.fixClock('2026-01-05T09:00:00.000Z');
    await givenTrack(t, 'seg');
    await givenHeldSession(t, 'seg', 's1', 1, '2026-02-10');
    heldEventId = (await t.store.readStream('session-s1'))[1]!.eventId;
    t.fixClock('2026-02-11T09:00:00.000Z');
    await ok(t, '/sessions/s1/corrections', correction('c-add', [{ field: 'attendance.us', from: ['us-d1'], to: ['us-d1', 'us-d2'] }]));
    for (const normId of ['n1', 'n2']) await ok(t, '/tracks/seg/norms', { normId, title: `Norm ${normId}`, summary: 'A norm.', proposedBy: ['us'], sessionId: 's1' });
  });

  afterAll(async () => {
    release();
    await t.close();
    removeDataDir(t.dataDir);
  });

  /**
   * The next full scan of statements (readAll from the start with a filter) stops before it reads
   * anything and ends at the head it saw then, as a scan that ended just before later records;
   * `started` resolves once it waits, `release` lets it go.
   */
  const holdNextScan = (): { started: Promise<void> } => {
    const readAll = t.store.readAll.bind(t.store);
    let started!: () => void;
    const startedPromise = new Promise<void>((resolve) => (started = resolve));
    const gate = new Promise<void>((resolve) => (release = resolve));
    t.store.readAll = (options?: ReadAllOptions): AsyncIterable<RecordedEvent> => {
      if (options?.filter === undefined || (options.after ?? 'start') !== 'start') return readAll(options);
      t.store.readAll = readAll;
      return (async function* () {
        const head = await t.store.headPosition();
        started();
        await gate;
        for await (const event of readAll(options)) {
          if (head === null || comparePosition(event.position, head) > 0) return;
          yield event;
        }
      })();
    };
    return { started: startedPromise };
  };

  it('holds no other command while it reads the log, and sees what was recorded meanwhile', async () => {
    const { started } = holdNextScan();
    const removal = t.http().post('/sessions/s1/corrections').set(auth).send(correction('c-remove', [{ field: 'attendance.us', from: ['us-d1', 'us-d2'], to: ['us-d1'] }])).then((response) => response);
    await started;
    // While the scan is held: a command on another stream is answered (it used to wait for the scan).
    await ok(t, '/norms/n1/positions', position('st-1', 'us-d2'));
    await ok(t, '/norms/n2/positions', position('st-2', 'us-d1'));
    release();
    // The held scan ended before st-1; the catch-up under the lock read it: us-d2 made st-1 at s1.
    const refused = await removal;
    expect({ status: refused.status, detail: refused.body.detail }).toEqual({
      status: 422,
      detail: 'session s1: after correction c-remove, delegate us-d2 would not have attended it, yet made st-1 (norm-n1) at it: correct the delegateId of that statement first',
    });
  });

  it('records the correction when no statement stands in its way', async () => {
    await ok(t, '/norms/n1/corrections', { correctionId: 'c-st1', target: { statementId: 'st-1' }, changes: [{ field: 'delegateId', from: 'us-d2', to: 'us-d1' }], reason: 'It was us-d1.', requestedBy: 'us' });
    await ok(t, '/sessions/s1/corrections', correction('c-remove', [{ field: 'attendance.us', from: ['us-d1', 'us-d2'], to: ['us-d1'] }]));
  });

  it('does not read the log for a session that does not exist: 404 at once', async () => {
    const readAll = jest.spyOn(t.store, 'readAll');
    try {
      const refused = await t.post('/sessions/nowhere/corrections', correction('c-none', [{ field: 'attendance.us', from: ['us-d1'], to: [] }])).expect(404);
      expect(refused.body.type).toBe('https://norms-ledger.dev/problems/not-found');
      expect(readAll.mock.calls.filter(([options]) => options?.filter !== undefined)).toEqual([]);
    } finally {
      readAll.mockRestore();
    }
  });

  it('does not read the log again for a retry with the same Idempotency-Key: it is answered as the first time', async () => {
    const body = correction('c-back', [{ field: 'attendance.us', from: ['us-d1'], to: ['us-d1', 'us-d2'] }]);
    const first = await ok(t, '/sessions/s1/corrections', body, { 'Idempotency-Key': 'scan-key-1' });
    const readAll = jest.spyOn(t.store, 'readAll');
    try {
      const retry = await t.post('/sessions/s1/corrections', body, { 'Idempotency-Key': 'scan-key-1' }).expect(201);
      expect(retry.body).toEqual(first.body);
      expect(readAll.mock.calls.filter(([options]) => options?.filter !== undefined)).toEqual([]);
    } finally {
      readAll.mockRestore();
    }
  });
});
