import { Logger } from '@nestjs/common';

/** What /health and /health/ready report on, and how a log line speaks of it. */
const PARTS = {
  eventStore: { name: 'the event store is', answering: '/health and /health/ready answer', until: 'it is' },
  readModels: { name: 'the read models are', answering: '/health/ready answers', until: 'they are' },
} as const;
export type HealthPart = keyof typeof PARTS;

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
    const { name, answering, until } = PARTS[part];
    if (status === 'down') {
      if (this.down.has(part)) return;
      this.down.add(part);
      this.logger.error(`${name} down (${why()}): ${answering} 503 until ${until} up again; logged once`);
    } else if (this.down.delete(part)) {
      this.logger.log(`${name} up again`);
    }
  }
}
