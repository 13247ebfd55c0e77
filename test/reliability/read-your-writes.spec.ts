import { disposeLedger, type JsonClient, positionBody, type RunningLedger, seedTrack, startedLedger } from './support/ledger-process.js';

/*
 * A client that reads right after a 201 sees its command, on the real server (dist/main.js, a
 * separate process, as outside clients use it): every query waits for the read models to reach the
 * log's head as it was when the query arrived. Before that wait, about a third of these reads showed
 * the board as it was before the command (or a 404 for a subject just created).
 */

const TRACK = 'ryw';
const SESSION = 'ryw-s1';

describe('read your writes on the running server', () => {
  let ledger: RunningLedger | undefined;
  let client: JsonClient;

  beforeAll(async () => {
    ledger = await startedLedger();
    client = ledger.client;
    await seedTrack(client, TRACK, SESSION, []);
  }, 180_000);

  afterAll(() => disposeLedger(ledger));

  it('the very next query after a 201 shows the command, on the subject, the board and an as-of board, while 16 clerks write at once', async () => {
    const CLERKS = 16;
    const ROUNDS = 12;
    const stale: string[] = [];
    const rowOf = (rows: Array<{ id: string; stances: Record<string, { statementId: string }> }>, id: string) => rows.find((row) => row.id === id);
    // Each clerk owns a norm: the latest statement on it is always the clerk's own last one.
    const clerk = async (c: number): Promise<void> => {
      const normId = `ryw-n${c}`;
      await client.ok(`/tracks/${TRACK}/norms`, { normId, title: `Norm ${c}`, summary: 'A norm under negotiation.', proposedBy: ['us'], sessionId: SESSION });
      const created = await client.get(`/norms/${normId}`);
      if (created.status !== 200) stale.push(`GET /norms/${normId} after its creation → ${created.status}`);
      for (let round = 0; round < ROUNDS; round += 1) {
        const statementId = `ryw-st-${c}-${round}`;
        const body = positionBody(statementId, round, SESSION);
        const partyId = body['partyId'] as string;
        await client.ok(`/norms/${normId}/positions`, body);
        const checks: Array<[string, (answer: { status: number; body: any }) => unknown]> = [
          [`/norms/${normId}`, (a) => a.body.stances?.[partyId]?.statementId],
          [`/tracks/${TRACK}/board`, (a) => rowOf(a.body.rows ?? [], normId)?.stances[partyId]?.statementId],
          [`/tracks/${TRACK}/board?asOf=2026-02-10`, (a) => rowOf(a.body.rows ?? [], normId)?.stances[partyId]?.statementId],
        ];
        const [path, statementOf] = checks[round % checks.length]!;
        const answer = await client.get(path);
        const seen = answer.status === 200 ? statementOf(answer) : `status ${answer.status}`;
        if (seen !== statementId) stale.push(`GET ${path} after ${statementId} → ${String(seen)}`);
      }
    };
    await Promise.all(Array.from({ length: CLERKS }, (_, c) => clerk(c)));
    expect(stale).toEqual([]);
  }, 120_000);
});
