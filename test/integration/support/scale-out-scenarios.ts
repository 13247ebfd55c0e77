import { computeEventHash, GENESIS_HASH, type LedgerMetadata } from '../../../src/shared/event-store/envelope.js';
import type { RecordedEvent } from '../../../src/shared/event-store/event-store.port.js';
import { CLERK_TOKEN, type E2eApp } from '../../e2e/support/e2e-app.js';
import { ok } from '../../e2e/support/fixtures.js';

/**
 * What two ledger instances on one store must show, whatever the store (scale-out.spec.ts on one
 * SQLite file, eventstoredb-fake-scale-out.spec.ts on the EventStoreDB adapter). `instances` gives
 * the two apps once the caller's beforeAll has started them, with track seg, held session s1 and
 * norm n1 recorded. Whatever holds here holds only through the store: deterministic event ids from
 * the Idempotency-Key, the exact expected revision on append, the hash chain read back from the
 * stream, the shared log that each instance's read models follow.
 */

export const position = (statementId: string, extra: object = {}) => ({
  statementId, partyId: 'us', delegateId: 'us-d1', stance: 'supports', text: 'We support it.', channel: 'oral', sessionId: 's1', ...extra,
});

/** Revisions 0..n-1 in order, each prevHash the previous event's hash, each hash recomputable. */
export const expectValidChain = (events: readonly RecordedEvent[]): void => {
  expect(events.map((event) => event.revision)).toEqual(events.map((_, index) => index));
  let prevHash = GENESIS_HASH;
  for (const event of events) {
    const metadata = event.metadata as LedgerMetadata;
    expect({ revision: event.revision, prevHash: metadata.prevHash }).toEqual({ revision: event.revision, prevHash });
    expect(metadata.hash).toBe(computeEventHash(event));
    prevHash = metadata.hash;
  }
};

export const scaleOutScenarios = (instances: () => { a: E2eApp; b: E2eApp }): void => {
  let a: E2eApp;
  let b: E2eApp;
  beforeAll(() => {
    ({ a, b } = instances());
  });

  it('sees on each instance what the other recorded', async () => {
    await ok(b, '/norms/n1/positions', position('st-seen-by-a'));
    const onA = await a.store.readStream('norm-n1');
    expect(onA.map((event) => event.data.statementId)).toContain('st-seen-by-a');
    // A refuses what only B's write makes a duplicate, so A decides on B's event.
    await a.post('/norms/n1/positions', position('st-seen-by-a')).expect(409);
  });

  describe('Idempotency-Key across instances', () => {
    it('a retry on B of a request made on A returns the first response and appends nothing', async () => {
      const headers = { 'Idempotency-Key': 'scale-key-1' };
      const first = await a.post('/norms/n1/positions', position('st-idem-1'), headers).expect(201);
      const before = (await b.store.readStream('norm-n1')).length;
      const retry = await b.post('/norms/n1/positions', position('st-idem-1'), headers).expect(201);
      expect(retry.body).toEqual(first.body);
      expect(retry.headers.etag).toBe(first.headers.etag);
      expect((await a.store.readStream('norm-n1')).length).toBe(before);
    });

    it('the same key with another body on B is a 422 and appends nothing', async () => {
      const headers = { 'Idempotency-Key': 'scale-key-2' };
      await a.post('/norms/n1/positions', position('st-idem-2'), headers).expect(201);
      const before = (await a.store.readStream('norm-n1')).length;
      const reused = await b.post('/norms/n1/positions', position('st-idem-2', { stance: 'opposes' }), headers).expect(422);
      expect(reused.body).toMatchObject({ status: 422, type: 'https://norms-ledger.dev/problems/idempotency-key-reused' });
      expect((await b.store.readStream('norm-n1')).length).toBe(before);
    });

    it('the same request sent to both instances at once is recorded once, and both answer the same', async () => {
      const before = (await a.store.readStream('norm-n1')).length;
      const responses = await Promise.all(
        Array.from({ length: 6 }, (_, i) => (i % 2 === 0 ? a : b).post('/norms/n1/positions', position('st-idem-race'), { 'Idempotency-Key': 'scale-key-race' })),
      );
      expect(responses.map((response) => response.status)).toEqual(Array(6).fill(201));
      for (const response of responses) expect(response.body).toEqual(responses[0]!.body);
      const after = await a.store.readStream('norm-n1');
      expect(after.length).toBe(before + 1);
      expect(after.filter((event) => event.data.statementId === 'st-idem-race')).toHaveLength(1);
      // An instance whose append was answered as already done must not chain onto its own, unstored, event
      // (EventStoreDB answers an append of ids already stored after the expected revision with success).
      await ok(a, '/norms/n1/positions', position('st-after-race-a'));
      await ok(b, '/norms/n1/positions', position('st-after-race-b'));
      expectValidChain(await b.store.readStream('norm-n1'));
    });
  });

  it('concurrent positions on one norm spread over both instances without If-Match all succeed, gap-free, with one hash chain', async () => {
    await ok(a, '/tracks/seg/norms', { normId: 'n-busy', title: 'Busy', summary: 'S', proposedBy: ['us'] });
    // Each instance serialises its own commands per stream, so a command that loses to the other
    // instance keeps losing while the other still has a backlog: the handler's retries must outlast it.
    const PER_INSTANCE = 12;
    const responses = await Promise.all(
      Array.from({ length: 2 * PER_INSTANCE }, (_, i) =>
        (i % 2 === 0 ? a : b).post('/norms/n-busy/positions', position(`st-busy-${i}`, i % 4 < 2 ? {} : { partyId: 'cn', delegateId: 'cn-d1' })),
      ),
    );
    expect(responses.map((response) => [response.status, response.body.detail])).toEqual(Array(2 * PER_INSTANCE).fill([201, undefined]));
    const revisions = responses.map((response) => response.body.revision as number).sort((x, y) => x - y);
    expect(revisions).toEqual(Array.from({ length: 2 * PER_INSTANCE }, (_, i) => i + 1));

    const stream = await b.store.readStream('norm-n-busy');
    expect(stream).toHaveLength(2 * PER_INSTANCE + 1);
    expectValidChain(stream);
    expect(new Set(stream.slice(1).map((event) => event.data.statementId)).size).toBe(2 * PER_INSTANCE);
    // Both instances really did write: the chain interleaves their requests.
    const correlationIds = new Set(responses.map((response) => response.headers['x-correlation-id']));
    expect(new Set(stream.slice(1).map((event) => (event.metadata as LedgerMetadata).correlationId))).toEqual(correlationIds);
  });

  it('If-Match with the revision B saw is a 412 on B once A has written, and appends nothing', async () => {
    await ok(a, '/tracks/seg/norms', { normId: 'n-match', title: 'Match', summary: 'S', proposedBy: ['us'] });
    const seenOnB = await ok(b, '/norms/n-match/positions', position('st-m-1'));
    expect(seenOnB.headers.etag).toBe('W/"1"');
    await ok(a, '/norms/n-match/positions', position('st-m-2', { partyId: 'cn', delegateId: 'cn-d1' }));

    const stale = await b.post('/norms/n-match/positions', position('st-m-3'), { 'If-Match': seenOnB.headers.etag as string }).expect(412);
    expect(stale.body).toMatchObject({ status: 412, type: 'https://norms-ledger.dev/problems/revision-mismatch' });
    expect(stale.body.detail).toMatch(/revision 2, not 1/);
    expect(await a.store.readStream('norm-n-match')).toHaveLength(3);

    // The current revision, learnt on A, is accepted on B.
    await b.post('/norms/n-match/positions', position('st-m-3'), { 'If-Match': 'W/"2"' }).expect(201);
  });

  describe('read models', () => {
    const boardRow = async (t: E2eApp, normId: string) => {
      const response = await t.http().get('/tracks/seg/board').set('Authorization', `Bearer ${CLERK_TOKEN}`).expect(200);
      return (response.body.rows as Array<{ id: string; stances: Record<string, { statementId: string }> }>).find((row) => row.id === normId);
    };
    /** Polls the instance's board until `party`'s stance on the norm is `statementId` (its subscription follows the shared log). */
    const boardShows = async (t: E2eApp, normId: string, party: string, statementId: string): Promise<boolean> => {
      for (const deadline = Date.now() + 5000; Date.now() < deadline; await new Promise((resolve) => setTimeout(resolve, 50))) {
        if ((await boardRow(t, normId))?.stances[party]?.statementId === statementId) return true;
      }
      return false;
    };

    it("each instance's board follows the writes made through the other", async () => {
      await ok(a, '/tracks/seg/norms', { normId: 'n-board', title: 'Board', summary: 'S', proposedBy: ['us'] });
      await ok(a, '/norms/n-board/positions', position('st-board-a'));
      expect(await boardShows(b, 'n-board', 'us', 'st-board-a')).toBe(true);
      await ok(b, '/norms/n-board/positions', position('st-board-b', { partyId: 'cn', delegateId: 'cn-d1', stance: 'opposes' }));
      expect(await boardShows(a, 'n-board', 'cn', 'st-board-b')).toBe(true);
      expect(await boardRow(a, 'n-board')).toEqual(await boardRow(b, 'n-board'));
    });
  });

  it('every stream the two instances wrote is one valid hash chain', async () => {
    for (const streamId of ['track-seg', 'session-s1', 'norm-n1', 'norm-n-busy', 'norm-n-match', 'norm-n-board']) {
      expectValidChain(await a.store.readStream(streamId));
    }
  });
};
