import { type Answer, disposeLedger, type JsonClient, type LedgerProcess, positionBody, seedTrack, startedLedger } from './support/ledger-process.js';

/*
 * Issue 9 item 3: 50 writers on one norm, all holding the same revision, all sending If-Match at
 * once through HTTP to a real server process. Optimistic concurrency must let exactly one through
 * per revision and answer the rest 412, leaving a gap-free stream with each statement once.
 */

const WRITERS = 50;
const ROUNDS = 4;
const TRACK = 'conc';
const SESSION = 'conc-s1';

interface StreamAnswer {
  readonly revision: number;
  readonly events: Array<{ revision: number; type: string; data: { statementId?: string } }>;
  readonly chain: { ok: boolean; problems: unknown[] };
}

describe('concurrency: 50 writers on one norm', () => {
  let dataDir: string;
  let server: LedgerProcess;
  let client: JsonClient;

  beforeAll(async () => {
    ({ dataDir, server, client } = await startedLedger());
    await seedTrack(client, TRACK, SESSION, ['race', 'free-for-all']);
  }, 120_000);

  afterAll(() => disposeLedger(server === undefined ? undefined : { dataDir, server, client }));

  const stream = async (normId: string): Promise<StreamAnswer> => {
    const answer = await client.get(`/audit/streams/norm-${normId}`);
    expect(answer.status).toBe(200);
    return answer.body as StreamAnswer;
  };

  it(`with If-Match on the same revision: exactly one wins each of ${ROUNDS} rounds, the other ${WRITERS - 1} get 412`, async () => {
    let revision = (await stream('race')).revision;
    const winners: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const ids = Array.from({ length: WRITERS }, (_, w) => `st-r${round}-w${w}`);
      const answers: Answer[] = await Promise.all(
        ids.map((statementId, w) => client.post('/norms/race/positions', positionBody(statementId, w, SESSION), { 'if-match': `W/"${revision}"` })),
      );
      const won = answers.flatMap((answer, w) => (answer.status === 201 ? [{ answer, statementId: ids[w]! }] : []));
      const others = answers.filter((answer) => answer.status !== 201);
      expect(won).toHaveLength(1);
      expect(others.map((answer) => answer.status)).toEqual(Array(WRITERS - 1).fill(412));
      expect(others.every((answer) => String(answer.headers['content-type']).startsWith('application/problem+json'))).toBe(true);
      const { answer, statementId } = won[0]!;
      expect(answer.body.revision).toBe(revision + 1);
      expect(answer.headers['etag']).toBe(`W/"${revision + 1}"`);
      winners.push(statementId);
      revision = answer.body.revision as number;
    }

    const { events, chain } = await stream('race');
    expect(chain).toEqual({ ok: true, problems: [] });
    expect(events.map((event) => event.revision)).toEqual(events.map((_, index) => index));
    const statements = events.filter((event) => event.type === 'PositionStated').map((event) => event.data.statementId);
    expect(statements).toEqual(winners);
  }, 60_000);

  it(`without If-Match: all ${WRITERS} are recorded, in one gap-free chain`, async () => {
    const ids = Array.from({ length: WRITERS }, (_, w) => `st-free-${w}`);
    const answers = await Promise.all(ids.map((statementId, w) => client.post('/norms/free-for-all/positions', positionBody(statementId, w))));
    expect(answers.map((answer) => answer.status)).toEqual(Array(WRITERS).fill(201));
    expect(new Set(answers.map((answer) => answer.body.revision)).size).toBe(WRITERS);

    const { events, chain } = await stream('free-for-all');
    expect(chain).toEqual({ ok: true, problems: [] });
    expect(events.map((event) => event.revision)).toEqual(events.map((_, index) => index));
    const statements = events.filter((event) => event.type === 'PositionStated').map((event) => event.data.statementId);
    expect([...statements].sort()).toEqual([...ids].sort());
  }, 60_000);
});
