import { type Answer, AUDITOR, CLERK, disposeLedger, NoAnswerError, positionBody, type RunningLedger, seedTrack, startedLedger } from './support/ledger-process.js';

/*
 * SIGTERM on the real server (dist/main.js) with requests in flight. Nest's own shutdown closed the
 * modules first: the soak audit saw every write in flight reset (ECONNRESET) and queries answered
 * 503 by a projection already stopped, in Fastify's bare JSON. Now the server stops accepting,
 * answers what it holds, then closes, and ends by the signal.
 */

const TRACK = 'gs';
const SESSION = 'gs-s1';
const NORMS = ['gs-n1', 'gs-n2', 'gs-n3', 'gs-n4'];

describe('SIGTERM drains the running server before it stops', () => {
  let ledger: RunningLedger | undefined;

  afterEach(() => disposeLedger(ledger));

  it('answers the requests in flight, ends by the signal, and every command it answered 201 is in the ledger after a restart', async () => {
    ledger = await startedLedger();
    const { client, server } = ledger;
    await seedTrack(client, TRACK, SESSION, NORMS);
    const writes = Array.from({ length: 32 }, (_, n) => client.post(`/norms/${NORMS[n % NORMS.length]}/positions`, positionBody(`gs-st-${n}`, n, SESSION)));
    const reads = Array.from({ length: 8 }, () => client.get(`/tracks/${TRACK}/board`, CLERK));
    const outcomes = [...writes, ...reads].map((answer) => answer.then((value): Answer | NoAnswerError => value, (error: unknown) => error as NoAnswerError));
    // The signal lands once the server is answering them: some answered, the others in its hands.
    await Promise.race(writes);
    const ended = await server.terminate();
    const answers = await Promise.all(outcomes);

    expect(answers.filter((answer) => answer instanceof NoAnswerError).map(String)).toEqual([]);
    const statuses = (answers as Answer[]).map((answer) => answer.status);
    expect(statuses.every((status) => status === 201 || status === 200 || status === 503)).toBe(true);
    for (const answer of (answers as Answer[]).filter((a) => a.status === 503)) {
      expect(answer.headers['content-type']).toBe('application/problem+json; charset=utf-8');
      expect((answer.body as { type: string }).type).toBe('https://norms-ledger.dev/problems/shutting-down');
    }
    expect(ended).toEqual({ code: null, signal: 'SIGTERM' });
    expect(server.log).not.toMatch(/ERROR/);

    await server.start();
    const recorded = new Set<string>();
    for (const normId of NORMS) {
      const norm = await client.get(`/norms/${normId}`, AUDITOR);
      for (const entry of (norm.body as { history: Array<{ data: { statementId?: string } }> }).history) if (entry.data.statementId !== undefined) recorded.add(entry.data.statementId);
    }
    const acknowledged = (answers as Answer[]).slice(0, writes.length).flatMap((answer, n) => (answer.status === 201 ? [`gs-st-${n}`] : []));
    expect(acknowledged.length).toBeGreaterThan(0);
    expect(acknowledged.filter((id) => !recorded.has(id))).toEqual([]);
    // A 503 appended nothing.
    const refused = (answers as Answer[]).slice(0, writes.length).flatMap((answer, n) => (answer.status === 503 ? [`gs-st-${n}`] : []));
    expect(refused.filter((id) => recorded.has(id))).toEqual([]);
  }, 180_000);

  it('ends its log with one line saying how long the stop took, what it answered, and that the store is closed', async () => {
    ledger = await startedLedger({ LOG_LEVEL: 'info' });
    const { client, server } = ledger;
    await client.get('/tracks', CLERK);
    expect(await server.terminate()).toEqual({ code: null, signal: 'SIGTERM' });
    const lines = server.log.trimEnd().split('\n');
    expect(server.log).toMatch(/LOG \[Shutdown\] SIGTERM: answering the requests in flight/);
    expect(lines.at(-1)).toMatch(/LOG \[Shutdown\] stopped in \d+ ms: 0 of 0 request\(s\) in flight answered, 0 cut off by the 10 s limit \(answered 503\); the read models and the event store are closed$/);
  }, 180_000);
});
