import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { type LedgerMetadata, sealMetadata } from '../../src/shared/event-store/envelope.js';
import { AUDITOR_TOKEN, type E2eApp, PROBLEM_JSON, problemType, removeDataDir, startApp } from './support/e2e-app.js';
import { givenHeldSession, givenTrack, ok } from './support/fixtures.js';

const position = (statementId: string) => ({
  statementId, partyId: 'cn', delegateId: 'cn-d1', stance: 'supports', text: 'China supports it.', channel: 'oral', sessionId: 's1',
});

/*
 * An event written by a newer norms-ledger (schemaVersion 2) in a ledger this build serves, as in
 * a rolling upgrade of instances sharing one EventStoreDB: this build must not fold a shape it does
 * not know. Commands on that stream answer 503 event-schema-unknown and record nothing, the read
 * models stop and say why, the ledger itself stays intact for auditors.
 */
describe('an event of a newer schema version in the ledger (e2e)', () => {
  let t: E2eApp;
  let newer: { position: string; revision: number };

  beforeAll(async () => {
    t = await startApp();
    await givenTrack(t, 'seg');
    await givenHeldSession(t, 'seg', 's1', 1, '2026-03-10');
    for (const normId of ['n1', 'n2']) await ok(t, '/tracks/seg/norms', { normId, title: `Norm ${normId}`, summary: 'A norm.', proposedBy: ['us'] });
    // What a newer build would have appended: a sealed event in the chain, at schema version 2.
    const [last] = await t.store.readStream('norm-n2', { direction: 'backwards', maxCount: 1 });
    const event = { streamId: 'norm-n2', revision: last!.revision + 1, eventId: randomUUID(), type: 'PositionStated', data: { normId: 'n2', position: { partyId: 'cn', stance: 'supports' } } };
    const metadata = sealMetadata(
      { ...event, metadata: { schemaVersion: 2, effectiveOn: '2026-03-10', recordedAt: new Date().toISOString(), recordedBy: 'clerk', correlationId: randomUUID(), causationId: randomUUID() } },
      (last!.metadata as LedgerMetadata).hash,
    );
    const appended = await t.store.append('norm-n2', [{ eventId: event.eventId, type: event.type, data: event.data, metadata }], last!.revision);
    newer = { position: appended.position, revision: event.revision };
  });
  afterAll(async () => {
    await t.close();
    removeDataDir(t.dataDir);
  });

  const named = () => `position ${newer.position} (norm-n2 revision ${newer.revision}) was written at event schema version 2 by a newer norms-ledger; this build reads versions up to 1: upgrade it`;

  it('a command on that stream answers 503 event-schema-unknown naming the event, without Retry-After, and records nothing', async () => {
    const before = await t.store.readStream('norm-n2');
    const refused = await t.post('/norms/n2/positions', position('st-1')).expect(503);
    expect(refused.headers['content-type']).toBe(PROBLEM_JSON);
    expect(refused.headers['retry-after']).toBeUndefined();
    expect(refused.body).toMatchObject({ type: problemType('event-schema-unknown'), status: 503, title: 'Event schema unknown' });
    expect(refused.body.detail).toContain(named());
    expect(refused.body.detail).toMatch(/nothing was recorded$/);
    expect(await t.store.readStream('norm-n2')).toEqual(before);
  });

  it('commands on other streams go on', async () => {
    await ok(t, '/norms/n1/positions', position('st-2'));
  });

  it('queries answer 503 read-models-behind naming the event, never a board folded from a shape this build does not know', async () => {
    const answer = await t.http().get('/tracks/seg/board').set('Authorization', `Bearer ${AUDITOR_TOKEN}`);
    expect(answer.status).toBe(503);
    expect(answer.body.type).toBe(problemType('read-models-behind'));
    expect(answer.body.detail).toContain(named());
    // A rebuild would meet the same event: the answer does not send the reader there.
    expect(answer.body.detail).not.toContain('POST /projections/rebuild');
  });

  it('a rebuild asked for answers 503 event-schema-unknown naming the event, and the old read models stay', async () => {
    const refused = await t.http().post('/projections/rebuild').set('Authorization', `Bearer ${AUDITOR_TOKEN}`);
    expect({ status: refused.status, type: refused.body.type }).toEqual({ status: 503, type: problemType('event-schema-unknown') });
    expect(refused.body.detail).toContain(named());
    expect(refused.body.detail).toMatch(/; the read models in use stay as they are$/);
  });

  it('the ledger stays intact: verify finds nothing, and the audit routes show the event as stored', async () => {
    const report = await t.http().post('/audit/verify').set('Authorization', `Bearer ${AUDITOR_TOKEN}`).expect(200);
    expect(report.body).toMatchObject({ ok: true, problems: [] });
    const stream = await t.http().get('/audit/streams/norm-n2').set('Authorization', `Bearer ${AUDITOR_TOKEN}`).expect(200);
    const shown = JSON.stringify(stream.body);
    expect(shown).toContain('"schemaVersion":2');
  });

  it('a restart that rebuilds the read models from the log (the bulk path) stops at the event and says why', async () => {
    await t.close();
    for (const suffix of ['', '-wal', '-shm']) rmSync(join(t.dataDir, `read-models.sqlite${suffix}`), { force: true });
    t = await startApp(t.dataDir);
    const answer = await t.http().get('/tracks/seg/board').set('Authorization', `Bearer ${AUDITOR_TOKEN}`);
    expect(answer.status).toBe(503);
    expect(answer.body.detail).toContain(named());
    const ready = await t.http().get('/health/ready').set('Authorization', `Bearer ${AUDITOR_TOKEN}`);
    expect(ready.status).toBe(503);
    expect(JSON.stringify(ready.body)).toContain(named());
  });
});
