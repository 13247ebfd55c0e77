import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { EXIT_ERROR, exitOnInterrupt, quitOnClosedOutput } from './cli-io.js';
import { checkpointCommand } from './commands/checkpoint.command.js';
import { demoCommand } from './commands/demo.command.js';
import { exportCommand } from './commands/export.command.js';
import { importCommand } from './commands/import.command.js';
import { rebuildCommand } from './commands/rebuild.command.js';
import { serveCommand } from './commands/serve.command.js';
import { trustKeyCommand } from './commands/trust-key.command.js';
import { verifyCommand } from './commands/verify.command.js';

/** Every subcommand, one file each under commands/. */
const COMMANDS: ReadonlyArray<() => Command> = [serveCommand, rebuildCommand, verifyCommand, exportCommand, importCommand, checkpointCommand, trustKeyCommand, demoCommand];

for (const stream of [process.stdout, process.stderr]) stream.on('error', quitOnClosedOutput);

// One line per error: commander's message and the hint together.
const oneLine = { outputError: (text: string, write: (text: string) => void) => write(`${text.trimEnd()} (run norms-ledger --help for usage)\n`) };

const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

const program = new Command('norms-ledger')
  .description('An event-sourced, hash-chained ledger of the records of intergovernmental expert talks')
  .version(version, '-V, --version', "print norms-ledger's version")
  .configureOutput(oneLine)
  .exitOverride();
for (const command of COMMANDS) program.addCommand(command().configureOutput(oneLine).exitOverride());
// The server shuts down gracefully on its own (Nest's shutdown hooks); the other commands stop at once.
program.hook('preAction', (_program, action) => {
  if (action.name() !== 'serve') exitOnInterrupt(action.name());
});

program.parseAsync(process.argv).catch((error: unknown) => {
  if (error instanceof CommanderError) {
    // Commander has already written its one line (or the help); only the exit code is left.
    process.exitCode = error.exitCode === 0 ? 0 : EXIT_ERROR;
  } else {
    process.stderr.write(`norms-ledger: ${(error as Error).message}\n`);
    process.exitCode = EXIT_ERROR;
  }
});
