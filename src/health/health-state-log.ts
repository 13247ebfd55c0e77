import { Logger } from '@nestjs/common';

/** What /health and /health/ready report on, and how a log line names it. */
const NAMES = { eventStore: 'the event store', readModels: 'the read models' } as const;
export type HealthPart = keyof typeof NAMES;

/**
 * Logs what the probes find only when it changes: an error once when a part goes down (naming it
 * and why), a line once when it is up again. Terminus logged an ERROR on every failed probe, so a
 * probe every 5 s wrote thousands of lines a day about one full disk.
 */
export class HealthStateLog {
  private readonly down = new Set<HealthPart>();

  constructor(private readonly logger: Pick<Logger, 'error' | 'log'> = new Logger('Health')) {}

  /** `why` is asked only when the part has just gone down. */
  observe(part: HealthPart, status: 'up' | 'down', why: () => string): void {
    if (status === 'down') {
      if (this.down.has(part)) return;
      this.down.add(part);
      this.logger.error(`${NAMES[part]} ${part === 'readModels' ? 'are' : 'is'} down (${why()}): ${part === 'readModels' ? '/health/ready answers' : '/health and /health/ready answer'} 503 until ${part === 'readModels' ? 'they are' : 'it is'} up again; logged once`);
    } else if (this.down.delete(part)) {
      this.logger.log(`${NAMES[part]} ${part === 'readModels' ? 'are' : 'is'} up again`);
    }
  }
}
