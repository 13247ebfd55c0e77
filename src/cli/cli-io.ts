import cliProgress, { type TimeFormatter } from 'cli-progress';
import { InvalidArgumentError } from 'commander';
import { constants } from 'node:os';
import { type AppConfig, loadConfig } from '../config/app-config.js';

/** Where a command writes; the process's streams unless a test hands in its own. */
export interface CliIo {
  readonly out: NodeJS.WritableStream;
  /** Progress goes here, so that stdout stays clean for `--json` and pipes. */
  readonly err: NodeJS.WritableStream & { readonly isTTY?: boolean };
}

export const processIo: CliIo = { out: process.stdout, err: process.stderr };

/** Exit codes of the audit commands: 1 the ledger or bundle does not verify, 2 the command could not run. */
export const EXIT_OK = 0;
export const EXIT_PROBLEMS = 1;
export const EXIT_ERROR = 2;

/** One line on stderr, the way every failure of a command is told. */
export const fail = (io: CliIo, command: string, error: unknown): number => {
  const message = error instanceof Error ? error.message : String(error);
  io.err.write(`norms-ledger ${command}: ${message.split('\n')[0]}\n`);
  return EXIT_ERROR;
};

const INTERRUPTS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
let interruptedWith: number | undefined;
const stoppers = new Set<() => void>();

/**
 * An interrupted command (Ctrl-C, SIGTERM, SIGHUP) says so in one line and ends with exit code 128
 * + the signal's number, through process.exit, so that its `onExit` handlers remove what it left
 * half-written (without a handler Node ends at once and runs none). A command running threads that
 * must stop before their files go (a rebuild) registers with `stopOnInterrupt` instead, and returns
 * `interruptedExit()` once they have. A second interrupt ends the process at once.
 */
export const exitOnInterrupt = (command: string, io: CliIo = processIo): void => {
  for (const signal of INTERRUPTS) {
    process.once(signal, () => {
      // A progress bar hides the cursor and holds the line.
      if (io.err.isTTY === true) io.err.write('\x1b[?25h\n');
      io.err.write(`norms-ledger ${command}: interrupted (${signal})\n`);
      interruptedWith = 128 + constants.signals[signal];
      if (stoppers.size === 0) process.exit(interruptedWith);
      for (const stop of stoppers) stop();
    });
  }
};

/** Until the function returned is called, an interrupt calls `stop` instead of ending the process. */
export const stopOnInterrupt = (stop: () => void): (() => void) => {
  stoppers.add(stop);
  return () => {
    stoppers.delete(stop);
  };
};

/** The exit code of the interrupt that stopped the command, if one did. */
export const interruptedExit = (): number | undefined => interruptedWith;

/** Runs `cleanup` if the process exits before the function returned is called (which then drops it). */
export const onExit = (cleanup: () => void): (() => void) => {
  const handler = (): void => cleanup();
  process.once('exit', handler);
  return () => {
    process.off('exit', handler);
  };
};

/**
 * A reader that stops early (`verify … | head -1`) closes the pipe: a command then stops quietly,
 * not with an EPIPE stack. Not `serve`, which takes this off: a server goes on serving when its log
 * reader goes away (bootstrap.ts, keepServingWhenOutputCloses).
 */
export const quitOnClosedOutput = (error: NodeJS.ErrnoException): void => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
};

/**
 * Commander's parser for an option that takes one value (--out, --in, --bundle): given twice, it is
 * refused in one line (exit 2) rather than the last one silently kept, which writes or reads
 * another file than the user may have meant.
 */
export const once =
  (flag: string) =>
  (value: string, previous: string | undefined): string => {
    if (previous !== undefined) throw new InvalidArgumentError(`${flag} is given twice (${previous}, then ${value}): give it once`);
    return value;
  };

/** Loads the configuration for a command action, or tells why not and sets a non-zero exit. */
export const configOrExit = (command: string, io: CliIo = processIo): AppConfig | undefined => {
  try {
    return loadConfig();
  } catch (error) {
    process.exitCode = fail(io, command, error);
    return undefined;
  }
};

export interface Progress {
  readonly update: (done: number) => void;
  readonly stop: () => void;
}

const LINE_INTERVAL_MS = 2000;

/**
 * cli-progress's own time format pads its text to two characters, so an estimate it cannot make
 * (its eta is then the string 'NULL' or 'INF': no progress yet, or none measured) read "eta LLs"
 * or "eta NFs". Such an estimate is shown as "--".
 */
export const progressTime: TimeFormatter = (t, options, roundToMultipleOf) =>
  typeof t === 'number' && Number.isFinite(t) ? cliProgress.Format.TimeFormat(t, options, roundToMultipleOf) : '--';

/** A bar on a terminal; elsewhere (CI, a pipe, a log file) a plain line every two seconds at most. */
export const progressReporter = (io: CliIo, label: string, total?: number, now: () => number = () => performance.now()): Progress => {
  if (io.err.isTTY === true) {
    const known = total !== undefined && total > 0;
    const bar = new cliProgress.SingleBar(
      {
        format: known ? `${label} [{bar}] {percentage}% | {value}/{total} events | eta {eta_formatted}` : `${label} {value} events | {duration_formatted}`,
        hideCursor: true,
        formatTime: progressTime,
        stream: io.err as NodeJS.WriteStream,
      },
      cliProgress.Presets.shades_classic,
    );
    let running = false;
    return {
      update: (done) => {
        if (!running) {
          bar.start(known ? total : done, done);
          running = true;
        }
        if (known && done > total) bar.setTotal(done);
        bar.update(done);
      },
      stop: () => {
        if (running) bar.stop();
      },
    };
  }
  let last = now();
  return {
    update: (done) => {
      const at = now();
      if (at - last < LINE_INTERVAL_MS) return;
      last = at;
      io.err.write(total !== undefined && total > 0 ? `${label}: ${done}/${total} events\n` : `${label}: ${done} events\n`);
    },
    stop: () => {},
  };
};
