#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { EXIT_ERROR } from './cli-io.js';
import { checkpointCommand } from './commands/checkpoint.command.js';
import { demoCommand } from './commands/demo.command.js';
import { exportCommand } from './commands/export.command.js';
import { importCommand } from './commands/import.command.js';
import { rebuildCommand } from './commands/rebuild.command.js';
import { serveCommand } from './commands/serve.command.js';
import { verifyCommand } from './commands/verify.command.js';

/** Every subcommand, one file each under commands/. */
const COMMANDS: ReadonlyArray<() => Command> = [serveCommand, rebuildCommand, verifyCommand, exportCommand, importCommand, checkpointCommand, demoCommand];

const program = new Command('norms-ledger')
  .description('An event-sourced, hash-chained ledger of the records of intergovernmental expert talks')
  .showHelpAfterError('(run norms-ledger --help for usage)')
  .exitOverride();
for (const command of COMMANDS) program.addCommand(command().exitOverride());

program.parseAsync(process.argv).catch((error: unknown) => {
  if (error instanceof CommanderError) {
    // Commander has already written its one line (or the help); only the exit code is left.
    process.exitCode = error.exitCode === 0 ? 0 : EXIT_ERROR;
  } else {
    process.stderr.write(`norms-ledger: ${(error as Error).message}\n`);
    process.exitCode = EXIT_ERROR;
  }
});
