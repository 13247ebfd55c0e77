import { ReadModels } from '../../src/projections/application/read-models.service.js';
import { CLERK_TOKEN, type E2eApp, problemType, removeDataDir, startApp } from './support/e2e-app.js';
import { givenHeldSession, givenTrack, ok } from './support/fixtures.js';

/*
 * DESIGN §4: a norm is adopted once every party of the track has confirmed; the board judges
 * "every party" at the confirmation that completed it (effective order). The write side must agree:
 * a party that joins later does not make an adopted norm agreed_ad_referendum again (its capital
 * response is refused as on any adopted norm), while a party registered late but effective before
 * the confirmations was a party all along, so the norm waits for its confirmation in both views.
 */

const AUTH = { Authorization: `Bearer ${CLERK_TOKEN}` };

describe('parties joining a track after a norm was agreed (e2e)', () => {
  let t: E2eApp;
  let readModels: ReadModels;

  const status = async (normId: string): Promise<string> => {
    const row = (await t.http().get('/tracks/seg/board').set(AUTH).expect(200)).body.rows.find((r: { id: string }) => r.id === normId);
    return row.status as string;
  };
  const recorded = async (path: string, body: unknown): Promise<void> => {
    const response = await ok(t, path, body);
    await readModels.whenCaughtUp(response.body.position, 5000);
  };

  beforeAll(async () => {
    t = await startApp();
    readModels = t.app.get(ReadModels);
    t.fixClock('2026-01-05T09:00:00.000Z');
    await givenTrack(t, 'seg');
    await givenHeldSession(t, 'seg', 's1', 1, '2026-02-10');
    t.fixClock('2026-02-10T15:00:00.000Z');
    await ok(t, '/tracks/seg/norms', { normId: 'n1', title: 'Protect critical infrastructure', summary: 'A norm.', proposedBy: ['us'], sessionId: 's1' });
    for (const partyId of ['us', 'cn']) {
      await ok(t, '/norms/n1/positions', { statementId: `st-${partyId}`, partyId, delegateId: `${partyId}-d1`, stance: 'supports', text: 'We support it.', channel: 'oral', sessionId: 's1' });
    }
    await ok(t, '/norms/n1/decisions', { decisionId: 'd1', kind: 'agree_ad_referendum', sessionId: 's1' });
    t.fixClock('2026-03-01T10:00:00.000Z');
    await ok(t, '/norms/n1/capital-responses', { responseId: 'cap-us', partyId: 'us', response: 'confirmed', effectiveOn: '2026-03-01' });
    await recorded('/norms/n1/capital-responses', { responseId: 'cap-cn', partyId: 'cn', response: 'confirmed', effectiveOn: '2026-03-01' });
  });

  afterAll(async () => {
    const dir = t.dataDir;
    await t.close();
    removeDataDir(dir);
  });

  it('a party joining later leaves the norm adopted on the board, and its capital response is refused as on any adopted norm', async () => {
    expect(await status('n1')).toBe('adopted');
    t.fixClock('2026-06-01T10:00:00.000Z');
    await recorded('/tracks/seg/parties', { partyId: 'uk', name: 'United Kingdom', effectiveOn: '2026-06-01' });
    expect(await status('n1')).toBe('adopted');

    const head = await t.store.headPosition();
    const refused = await t.post('/norms/n1/capital-responses', { responseId: 'cap-uk', partyId: 'uk', response: 'declined', effectiveOn: '2026-06-01' });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ type: problemType('not-agreed-ad-referendum'), detail: expect.stringMatching(/^norm n1 is adopted/) });
    expect(await t.store.headPosition()).toBe(head);
  });

  it('a party registered late but effective before the confirmations must confirm too, as must one that joined since, in both views', async () => {
    t.fixClock('2026-06-02T10:00:00.000Z');
    await recorded('/tracks/seg/parties', { partyId: 'fr', name: 'France', effectiveOn: '2026-01-20' });
    expect(await status('n1')).toBe('agreed_ad_referendum');
    await recorded('/norms/n1/capital-responses', { responseId: 'cap-fr', partyId: 'fr', response: 'confirmed', effectiveOn: '2026-06-02' });
    // Not yet: by 2026-06-02 uk had joined too, and it has not confirmed.
    expect(await status('n1')).toBe('agreed_ad_referendum');
    await recorded('/norms/n1/capital-responses', { responseId: 'cap-uk-2', partyId: 'uk', response: 'confirmed', effectiveOn: '2026-06-02' });
    expect(await status('n1')).toBe('adopted');
    // And the write side agrees that it is adopted.
    const refused = await t.post('/norms/n1/capital-responses', { responseId: 'cap-fr-2', partyId: 'fr', response: 'declined', effectiveOn: '2026-06-03' });
    expect(refused.status).toBe(409);
    expect(refused.body.detail).toMatch(/^norm n1 is adopted/);
  });
});
