import type { E2eApp } from './e2e-app.js';

/** Records through the API, failing loudly when a step is refused. */
export const ok = async (t: E2eApp, path: string, body: unknown, headers: Record<string, string> = {}) => {
  const response = await t.post(path, body, headers);
  if (response.status !== 201) throw new Error(`POST ${path} → ${response.status}: ${JSON.stringify(response.body)}`);
  return response;
};

/** Track `trackId` with parties us and cn, one agency and two delegates each. */
export const givenTrack = async (t: E2eApp, trackId = 'seg'): Promise<void> => {
  await ok(t, '/tracks', { trackId, name: 'US-China expert group', effectiveOn: '2026-01-05' });
  for (const [partyId, name] of [['us', 'United States'], ['cn', 'China']] as const) {
    await ok(t, `/tracks/${trackId}/parties`, { partyId, name, effectiveOn: '2026-01-05' });
    await ok(t, `/tracks/${trackId}/agencies`, { agencyId: `${partyId}-mfa`, partyId, name: `${name} foreign ministry`, effectiveOn: '2026-01-05' });
    for (const n of [1, 2]) {
      await ok(t, `/tracks/${trackId}/delegates`, { delegateId: `${partyId}-d${n}`, partyId, agencyId: `${partyId}-mfa`, effectiveOn: '2026-01-05' });
    }
  }
};

/** Session `sessionId` of the track, scheduled and held on `heldOn` with us-d1 and cn-d1 present. */
export const givenHeldSession = async (t: E2eApp, trackId: string, sessionId: string, number: number, heldOn: string): Promise<void> => {
  await ok(t, `/tracks/${trackId}/sessions`, { sessionId, number, place: 'Geneva', scheduledFor: heldOn, effectiveOn: '2026-01-06' });
  await ok(t, `/sessions/${sessionId}/held`, {
    heldOn,
    place: 'Geneva',
    agenda: [{ itemId: 'item-1', title: 'Opening' }, { itemId: 'item-2', title: 'Norms' }],
    attendance: { us: ['us-d1'], cn: ['cn-d1'] },
    headsOfDelegation: { us: 'us-d1', cn: 'cn-d1' },
  });
};
