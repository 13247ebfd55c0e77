import { CLERK_TOKEN, type E2eApp, problemType, removeDataDir, startApp } from './support/e2e-app.js';
import { givenHeldSession, givenTrack, ok } from './support/fixtures.js';

/*
 * An implementation report is judged at its own date, as the board folds it (DESIGN §4, effective
 * order): a report that reaches the secretariat after a suspension was recorded, dated before it,
 * is recorded and counts on the board from its date; one dated while the CBM was suspended is
 * refused, also once the CBM has been resumed.
 */

const AUTH = { Authorization: `Bearer ${CLERK_TOKEN}` };

interface Row {
  readonly id: string;
  readonly status: string;
  readonly statusSince: string;
  readonly implementationReportedBy: readonly string[];
}

describe('implementation reports recorded late (e2e)', () => {
  let t: E2eApp;

  const row = async (query = ''): Promise<Row> => {
    const body = (await t.http().get(`/tracks/seg/board${query}`).set(AUTH).expect(200)).body as { rows: Row[] };
    return body.rows.find((r) => r.id === 'c-hotline')!;
  };

  // Queries read their writes (they wait for the read models to reach the log's head): a 201 is enough.
  beforeAll(async () => {
    t = await startApp();
    t.fixClock('2026-01-05T09:00:00.000Z');
    await givenTrack(t, 'seg');
    await givenHeldSession(t, 'seg', 's1', 1, '2026-02-10');
    t.fixClock('2026-03-20T10:00:00.000Z');
    await ok(t, '/tracks/seg/cbms', { cbmId: 'c-hotline', title: 'Hotline', proposedBy: ['cn'], sessionId: 's1' });
    for (const partyId of ['us', 'cn']) {
      await ok(t, '/cbms/c-hotline/positions', { statementId: `st-${partyId}`, partyId, delegateId: `${partyId}-d1`, stance: 'supports', text: 'Yes.', channel: 'oral', sessionId: 's1' });
    }
    await ok(t, '/cbms/c-hotline/decisions', { decisionId: 'd1', kind: 'agree_cbm', sessionId: 's1' });
    await ok(t, '/cbms/c-hotline/implementation-reports', { reportId: 'rep-us', partyId: 'us', text: 'Line installed.', effectiveOn: '2026-02-20' });
    await ok(t, '/cbms/c-hotline/suspension', { partyId: 'cn', reason: 'Line down.', effectiveOn: '2026-03-01' });
  });

  afterAll(async () => {
    const dir = t.dataDir;
    await t.close();
    removeDataDir(dir);
  });

  it('records a report dated before a suspension recorded earlier; the board counts it from its date', async () => {
    t.fixClock('2026-03-21T10:00:00.000Z');
    await ok(t, '/cbms/c-hotline/implementation-reports', { reportId: 'rep-cn', partyId: 'cn', text: 'Our end is installed.', effectiveOn: '2026-02-25' });

    expect(await row('?asOf=2026-02-26')).toMatchObject({ status: 'implemented', statusSince: '2026-02-25', implementationReportedBy: ['cn', 'us'] });
    expect(await row('?asOf=2026-03-02')).toMatchObject({ status: 'suspended', statusSince: '2026-03-01' });
    // What the ledger said before the late report arrived: implementing, by us alone.
    expect(await row('?asOf=2026-02-26&knownAt=2026-03-20T12:00:00.000Z')).toMatchObject({ status: 'implementing', implementationReportedBy: ['us'] });
    expect(await row()).toMatchObject({ status: 'suspended', implementationReportedBy: ['cn', 'us'] });

    // Resumed: back to implemented, as both had reported before the suspension.
    await ok(t, '/cbms/c-hotline/resumption', { partyId: 'cn', reason: 'Line restored.', effectiveOn: '2026-03-10' });
    expect(await row()).toMatchObject({ status: 'implemented', statusSince: '2026-03-10' });
  });

  it('refuses a report dated while the CBM was suspended, also once resumed, and records nothing', async () => {
    const before = await row();
    const revisions = (await t.store.readStream('cbm-c-hotline')).length;
    const refused = await t.post('/cbms/c-hotline/implementation-reports', { reportId: 'rep-late', partyId: 'us', text: 'Second line.', effectiveOn: '2026-03-05' });
    expect(refused.status).toBe(409);
    expect(refused.body.type).toBe(problemType('not-agreed'));
    expect(refused.body.detail).toBe('cbm c-hotline was suspended on 2026-03-05: implementation can be reported only once it is agreed (and not suspended)');
    expect(await t.store.readStream('cbm-c-hotline')).toHaveLength(revisions);
    expect(await row()).toEqual(before);

    // After the resumption, the same report is recorded.
    await ok(t, '/cbms/c-hotline/implementation-reports', { reportId: 'rep-late', partyId: 'us', text: 'Second line.', effectiveOn: '2026-03-12' });
  });
});
