import { jest } from '@jest/globals';
import type request from 'supertest';
import { IssueCheckpointHandler } from '../../src/audit/application/issue-checkpoint.command.js';
import { VerifyLedgerHandler } from '../../src/audit/application/verify-ledger.query.js';
import { AUDITOR_TOKEN, type E2eApp, removeDataDir, startApp } from '../e2e/support/e2e-app.js';
import { givenTrack, ok } from '../e2e/support/fixtures.js';

/*
 * README (Audit): whole-ledger verifications run one at a time in the server. Verify requests
 * arriving during a run share the next one (so each report covers every event appended before its
 * request); a checkpoint waits its turn and verifies on a run of its own. The first verification is
 * held by the test once it has read the head, so nothing here depends on timing.
 */
describe('concurrent whole-ledger verifications (e2e)', () => {
  let t: E2eApp;
  const asAuditor = (path: string) => t.http().post(path).set('Authorization', `Bearer ${AUDITOR_TOKEN}`);
  /** Sends the request now (supertest sends on then). */
  const send = (test: request.Test): Promise<request.Response> => test.then((response) => response);

  beforeAll(async () => {
    t = await startApp();
    await givenTrack(t, 'seg');
  });
  /** Lets a held run go on: a test that failed while one was held would otherwise leave it hanging. */
  let releaseHeld: (() => void) | undefined;
  afterEach(() => {
    releaseHeld?.();
    releaseHeld = undefined;
    jest.restoreAllMocks();
  });
  afterAll(async () => {
    await t.close();
    removeDataDir(t.dataDir);
  });

  /**
   * Every verification (and every checkpoint) begins by reading the head position: counts those
   * reads, and holds the first once it has read the head until `release`, so that run is under way
   * and covers the ledger only as it stood then.
   */
  const holdFirstRun = () => {
    const headPosition = t.store.headPosition.bind(t.store);
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let reached!: () => void;
    const underWay = new Promise<void>((resolve) => (reached = resolve));
    const reads = jest.spyOn(t.store, 'headPosition').mockImplementation(async () => {
      const head = await headPosition();
      if (reads.mock.calls.length === 1) {
        reached();
        await released;
      }
      return head;
    });
    releaseHeld = release;
    return { runsStarted: () => reads.mock.calls.length, underWay, release };
  };

  /** Resolves once `count` requests have reached `handler` (and been handed to the gate, or, before it, started). */
  const arrivals = (handler: { execute(...args: never[]): Promise<unknown> }, count: number): Promise<void> => {
    const execute = handler.execute.bind(handler);
    let seen = 0;
    return new Promise((resolve) => {
      jest.spyOn(handler, 'execute').mockImplementation((...args: never[]) => {
        const answer = execute(...args);
        if (++seen === count) resolve();
        return answer;
      });
    });
  };

  it('runs one verification for every POST /audit/verify that arrives during a run, which covers an event appended before they arrived', async () => {
    const { runsStarted, underWay, release } = holdFirstRun();
    const arrived = arrivals(t.app.get(VerifyLedgerHandler), 4);
    const first = send(asAuditor('/audit/verify'));
    await underWay;
    // Appended after the first run read the head: its report does not cover it, the others' must.
    await ok(t, '/tracks/seg/parties', { partyId: 'fr', name: 'France', effectiveOn: '2026-01-05' });
    const during = [send(asAuditor('/audit/verify')), send(asAuditor('/audit/verify')), send(asAuditor('/audit/verify'))];
    await arrived;
    expect(runsStarted()).toBe(1);
    release();
    const [answered, ...shared] = await Promise.all([first, ...during]);
    expect(answered!.status).toBe(200);
    expect(answered!.body).toMatchObject({ ok: true, eventsChecked: 9, problems: [] });
    for (const response of shared) {
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ ok: true, eventsChecked: 10, problems: [] });
    }
    expect(runsStarted()).toBe(2);
  });

  it('has POST /audit/checkpoints wait for a verification under way, then verify on its own run and append its checkpoint', async () => {
    const { runsStarted, underWay, release } = holdFirstRun();
    const arrived = arrivals(t.app.get(IssueCheckpointHandler), 1);
    const verifying = send(asAuditor('/audit/verify'));
    await underWay;
    const issuing = send(asAuditor('/audit/checkpoints'));
    await arrived;
    // The checkpoint has not begun (it would read the head first): one whole-ledger read at a time.
    expect(runsStarted()).toBe(1);
    release();
    const [verified, issued] = await Promise.all([verifying, issuing]);
    expect(verified.status).toBe(200);
    expect(verified.body).toMatchObject({ ok: true });
    expect(issued.status).toBe(201);
    expect(issued.body).toMatchObject({ streamId: 'ledger-checkpoints', checkpoint: { upTo: expect.any(String) } });
    // A verify asked for now shares nothing with the runs before: it checks the new checkpoint too.
    expect((await asAuditor('/audit/verify').expect(200)).body).toMatchObject({ ok: true, checkpointsChecked: 1 });
  });
});
