import { computeEventHash, GENESIS_HASH, type LedgerMetadata } from '../../src/shared/event-store/envelope.js';
import type { RecordedEvent } from '../../src/shared/event-store/event-store.port.js';
import { type E2eApp, removeDataDir, startApp } from './support/e2e-app.js';
import { givenHeldSession, givenTrack, ok } from './support/fixtures.js';

describe('a complete track recorded over HTTP (e2e)', () => {
  let t: E2eApp;
  beforeAll(async () => {
    t = await startApp();
    t.fixClock('2026-03-12T09:30:00.000Z');
  });
  afterAll(async () => {
    await t.close();
    removeDataDir(t.dataDir);
  });

  it('records two parties, two sessions, norms, CBMs, a topic and corrections, then reads back valid hash chains', async () => {
    await givenTrack(t, 'seg');
    await givenHeldSession(t, 'seg', 's1', 1, '2026-02-10');
    await givenHeldSession(t, 'seg', 's2', 2, '2026-03-10');

    for (const normId of ['n-infra', 'n-cert', 'n-supply']) {
      await ok(t, '/tracks/seg/norms', { normId, title: `Norm ${normId}`, summary: 'A norm.', proposedBy: ['us'], sessionId: 's1', agendaItemId: 'item-2' });
    }
    const position = (statementId: string, partyId: string, stance: string, sessionId = 's1', extra: object = {}) => ({
      statementId, partyId, delegateId: `${partyId}-d1`, stance, text: `${partyId} ${stance}`, channel: 'oral', sessionId, ...extra,
    });
    await ok(t, '/norms/n-infra/positions', position('st-1', 'us', 'supports'));
    await ok(t, '/norms/n-infra/positions', position('st-2', 'cn', 'conditional', 's1', { condition: 'peacetime only' }));
    await ok(t, '/norms/n-infra/positions', position('st-3', 'cn', 'supports', 's2'));
    await ok(t, '/norms/n-infra/decisions', { decisionId: 'dec-1', kind: 'agree_ad_referendum', sessionId: 's2' });
    await ok(t, '/norms/n-infra/capital-responses', { responseId: 'cap-us', partyId: 'us', response: 'confirmed', effectiveOn: '2026-03-20' });
    await ok(t, '/norms/n-infra/capital-responses', { responseId: 'cap-cn', partyId: 'cn', response: 'confirmed', effectiveOn: '2026-03-25' });
    await ok(t, '/norms/n-cert/positions', position('st-1', 'us', 'supports'));
    await ok(t, '/norms/n-cert/positions', position('st-2', 'cn', 'opposes'));
    await ok(t, '/norms/n-supply/withdrawal', { partyIds: ['us'], reason: 'merged into n-infra', sessionId: 's2' });

    await ok(t, '/tracks/seg/cbms', { cbmId: 'c-hotline', title: 'Hotline', proposedBy: ['cn'], linkedNorms: ['n-infra'], sessionId: 's1' });
    await ok(t, '/tracks/seg/cbms', { cbmId: 'c-exchange', title: 'Staff exchange', proposedBy: ['us'] });
    await ok(t, '/cbms/c-exchange/links', { normId: 'n-cert', effectiveOn: '2026-02-11' });
    await ok(t, '/cbms/c-hotline/positions', position('st-1', 'us', 'supports'));
    await ok(t, '/cbms/c-hotline/positions', position('st-2', 'cn', 'supports'));
    await ok(t, '/cbms/c-hotline/decisions', { decisionId: 'dec-1', kind: 'agree_cbm', sessionId: 's1' });
    await ok(t, '/cbms/c-hotline/implementation-reports', { reportId: 'rep-cn', partyId: 'cn', text: 'operational', sessionId: 's2' });
    await ok(t, '/cbms/c-hotline/suspension', { partyId: 'us', reason: 'line down', effectiveOn: '2026-03-15' });
    await ok(t, '/cbms/c-hotline/resumption', { partyId: 'us', reason: 'line restored', effectiveOn: '2026-03-18' });

    await ok(t, '/tracks/seg/topics', { topicId: 'internet-gov', title: 'Internet governance', sessionId: 's1' });
    await ok(t, '/topics/internet-gov/positions', position('st-1', 'cn', 'reserves'));

    await ok(t, '/sessions/s1/decisions', { decisionId: 'pd-1', kind: 'procedural', text: 'Agenda adopted.' });
    await ok(t, '/sessions/s1/action-items', { actionItemId: 'ai-1', assignee: 'secretariat', text: 'Circulate draft', dueOn: '2026-03-01' });
    await ok(t, '/sessions/s1/action-items/ai-1/complete', { note: 'done', effectiveOn: '2026-02-20' });
    await ok(t, '/sessions/s1/minutes/circulate', { effectiveOn: '2026-02-15' });
    await ok(t, '/sessions/s1/minutes/adopt', { procedure: 'in_session', atSessionId: 's2', agendaItemId: 'item-1', effectiveOn: '2026-03-10' });

    // After adoption a correction of a statement made at s1 needs a corrigendum.
    const correction = await ok(t, '/norms/n-cert/corrections', {
      correctionId: 'corr-1',
      target: { statementId: 'st-2' },
      changes: [{ field: 'stance', from: 'opposes', to: 'reserves' }],
      reason: 'the delegation spoke of reservations',
      requestedBy: 'cn',
      corrigendumId: 'SEG/2026/1/Corr.1',
    });
    const [corrected] = await t.store.readStream('norm-n-cert', { fromRevision: correction.body.revision });
    expect(corrected!.metadata.effectiveOn).toBe('2026-02-10');
    await ok(t, '/sessions/s2/corrections', {
      correctionId: 'corr-1',
      target: { eventId: (await t.store.readStream('session-s2'))[1]!.eventId },
      changes: [{ field: 'attendance.us', from: ['us-d1'], to: ['us-d1', 'us-d2'] }],
      reason: 'us-d2 arrived late',
      requestedBy: 'us',
    });

    const events: RecordedEvent[] = [];
    for await (const event of t.store.readAll()) events.push(event);
    const streams = new Map<string, RecordedEvent[]>();
    let lastPosition = -1n;
    for (const event of events) {
      expect(BigInt(event.position) > lastPosition).toBe(true);
      lastPosition = BigInt(event.position);
      streams.set(event.streamId, [...(streams.get(event.streamId) ?? []), event]);
    }
    expect([...streams.keys()].sort()).toEqual(
      ['cbm-c-exchange', 'cbm-c-hotline', 'norm-n-cert', 'norm-n-infra', 'norm-n-supply', 'session-s1', 'session-s2', 'topic-internet-gov', 'track-seg'],
    );
    for (const [, stream] of streams) {
      let prevHash = GENESIS_HASH;
      stream.forEach((event, index) => {
        const metadata = event.metadata as LedgerMetadata;
        expect(event.revision).toBe(index);
        expect(metadata.prevHash).toBe(prevHash);
        expect(metadata.hash).toBe(computeEventHash(event));
        expect(metadata.recordedBy).toBe('clerk');
        expect(metadata.schemaVersion).toBe(1);
        prevHash = metadata.hash;
      });
    }
    expect(events.map((event) => event.type)).toContain('RecordCorrected');
    expect(events.length).toBe(43);
  });
});
