import { freePort, JsonClient, LedgerProcess, newDataDir, removeDataDir } from './support/ledger-process.js';

/*
 * DESIGN §8 gives LEDGER_TOKENS "for tests and development" with no rule on a token's length, so a
 * harness may start the server with short tokens: it must start, take them, and say once, in a
 * stamped log line, that they are guessable.
 */
describe('the server started with short LEDGER_TOKENS', () => {
  let dataDir: string;
  let server: LedgerProcess;
  let client: JsonClient;

  beforeAll(async () => {
    dataDir = newDataDir();
    server = new LedgerProcess(dataDir, await freePort(), { LEDGER_TOKENS: 'clerk:clerk,viewer:viewer,auditor:auditor-token-0123456789' });
    await server.start();
    client = new JsonClient(server.port);
  }, 180_000);

  afterAll(async () => {
    client?.close();
    await server?.stop();
    removeDataDir(dataDir);
  });

  it('starts, warns once naming the roles whose tokens are short, and answers to those tokens by role', async () => {
    expect(server.log).toMatch(/^\[Nest\] \d+ {2}- \d{4}-\d{2}-\d{2}T[\d:.]+Z {4}WARN \[Tokens\] LEDGER_TOKENS has tokens shorter than 16 characters \(clerk, viewer\)/m);
    expect(server.log.match(/LEDGER_TOKENS has/g)).toHaveLength(1);

    const created = await client.request('POST', '/tracks', { body: { trackId: 'st', name: 'Short tokens', effectiveOn: '2026-01-05' }, token: 'clerk' });
    expect(created.status).toBe(201);
    const read = await client.request('GET', '/tracks', { token: 'viewer' });
    expect(read.status).toBe(200);
    expect(read.body).toEqual({ tracks: [{ trackId: 'st', name: 'Short tokens' }] });
    const refused = await client.request('POST', '/tracks', { body: { trackId: 'st2', name: 'Refused', effectiveOn: '2026-01-05' }, token: 'viewer' });
    expect(refused.status).toBe(403);
    const unknown = await client.request('GET', '/tracks', { token: 'clerk2' });
    expect(unknown.status).toBe(401);
  });
});
