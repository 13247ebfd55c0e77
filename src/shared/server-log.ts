import { ConsoleLogger, type LogLevel } from '@nestjs/common';
import type { AppConfig } from '../config/app-config.js';

/** LOG_LEVEL → the Nest levels printed: that level and every more severe one (`silent`: none). */
export const nestLogLevels = (level: AppConfig['logLevel']): LogLevel[] | false => {
  const order: ReadonlyArray<[AppConfig['logLevel'], LogLevel]> = [
    ['fatal', 'fatal'],
    ['error', 'error'],
    ['warn', 'warn'],
    ['info', 'log'],
    ['debug', 'debug'],
    ['trace', 'verbose'],
  ];
  const upTo = order.findIndex(([name]) => name === level);
  return upTo < 0 ? false : order.slice(0, upTo + 1).map(([, nest]) => nest);
};

/** Nest's own start-up narration: one line per module and route (about 85), hiding the first-start tokens. */
const START_UP_CONTEXTS = new Set(['NestFactory', 'InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestApplication']);

/**
 * Nest's console logger at the configured levels, without its start-up narration below `debug`
 * (LOG_LEVEL=debug shows it), and without the stack trace Nest logs for a provider that fails at
 * start-up (an unreachable EventStoreDB): `npm start` then prints that failure as one line naming
 * the variable, as it does for every other start-up failure. Times are UTC (ISO 8601).
 */
export class LedgerLogger extends ConsoleLogger {
  constructor(
    private readonly levels: LogLevel[],
    colors = false,
  ) {
    super({ logLevels: levels, colors });
  }

  private narration(params: unknown[]): boolean {
    const context = params[params.length - 1];
    return !this.levels.includes('debug') && typeof context === 'string' && (START_UP_CONTEXTS.has(context) || context === 'ExceptionHandler');
  }

  override log(message: unknown, ...params: unknown[]): void {
    if (!this.narration(params)) super.log(message, ...params);
  }

  override error(message: unknown, ...params: unknown[]): void {
    if (!this.narration(params)) super.error(message, ...params);
  }

  /** UTC, as the ledger's own `recordedAt` (Nest writes the local time without its offset). */
  protected override getTimestamp(): string {
    return new Date().toISOString();
  }

  /** `message` as this logger would print it at `level`, whatever the levels on. */
  line(level: 'log' | 'warn', context: string, message: string): string {
    return this.formatMessage(level, message, this.formatPid(process.pid), level.toUpperCase().padStart(7, ' '), this.formatContext(context), '');
  }
}

/**
 * A line the server prints itself, at every LOG_LEVEL (where it listens, a warning about its
 * tokens, the first-start tokens, the signing key made on a first start), in the form of Nest's lines: the same prefix, UTC stamp, level
 * and context, so a log reads and parses as one.
 */
export const serverLine = (config: Pick<AppConfig, 'noColor'>, level: 'log' | 'warn', context: string, message: string): string =>
  new LedgerLogger([], logColours(config)).line(level, context, message);

/**
 * Colours only for a person at a terminal: Nest colours whenever NO_COLOR is unset, so a log
 * written to a file, a pipe or journald carried escape codes that break grep and log shippers.
 * Both streams are asked, as Nest writes errors to stderr and the rest to stdout.
 */
export const logColours = (config: Pick<AppConfig, 'noColor'>, streams: ReadonlyArray<{ readonly isTTY?: boolean }> = [process.stdout, process.stderr]): boolean =>
  !config.noColor && streams.every((stream) => stream.isTTY === true);

/** The logger Nest gets: none at LOG_LEVEL=silent. */
export const nestLogger = (level: AppConfig['logLevel'], colors = false): LedgerLogger | false => {
  const levels = nestLogLevels(level);
  return levels === false ? false : new LedgerLogger(levels, colors);
};
