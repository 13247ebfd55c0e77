import { HealthStateLog } from '../../src/health/health-state-log.js';

describe('HealthStateLog', () => {
  it('logs each part going down once (asking why only then) and up again once; a part never down is never logged', () => {
    const lines: string[] = [];
    const log = new HealthStateLog({ error: (message: unknown) => void lines.push(`ERROR ${String(message)}`), log: (message: unknown) => void lines.push(`LOG ${String(message)}`) });
    let asked = 0;
    const why = () => `rebuild needed (${++asked})`;
    log.observe('eventStore', 'up', why);
    log.observe('readModels', 'down', why);
    log.observe('readModels', 'down', why);
    log.observe('eventStore', 'up', why);
    log.observe('readModels', 'up', why);
    log.observe('readModels', 'up', why);
    expect(lines).toEqual([
      'ERROR the read models are down (rebuild needed (1)): /health/ready answers 503 until they are up again; logged once',
      'LOG the read models are up again',
    ]);
  });
});
