import { rmSync } from 'node:fs';
import yargs, { type Argv } from 'yargs';
import { UsageError } from '../errors.ts';
import { toolVersion } from '../bundle/tool.ts';
import { removePendingTemps } from '../util/atomic.ts';
import type { CommandModule, GlobalArgs } from './command.ts';
import { refuseRepeatedFlags } from './commands/single-options.ts';
import { printError } from './output.ts';
import { attestCommand } from './commands/attest.ts';
import { bundleCommand } from './commands/bundle.ts';
import { inspectCommand } from './commands/inspect.ts';
import { pinsCommand } from './commands/pins.ts';
import { lockCommand } from './commands/lock.ts';
import { logCommand } from './commands/log.ts';
import { exportCommand } from './commands/export.ts';
import { serveCommand } from './commands/serve.ts';
import { sigstoreCommand } from './commands/sigstore.ts';
import { trustCommand } from './commands/trust.ts';
import { verifyCommand } from './commands/verify.ts';

const COMMANDS: readonly CommandModule[] = [
  verifyCommand,
  trustCommand,
  attestCommand,
  sigstoreCommand,
  bundleCommand,
  lockCommand,
  inspectCommand,
  pinsCommand,
  logCommand,
  exportCommand,
  serveCommand,
];

/** Every boolean option, global or of a command (their repeats are refused before parsing). */
const FLAGS = ['json', 'debug', 'help', 'version', 'only-binary', 'accept-new', 'partial', 'insecure-http', 'check'];

/**
 * yargs prints the top-level help, exit 0, for `airlock frobnicate --help`:
 * an unknown command (or subcommand) is refused before yargs sees it, with or
 * without --help. Global options are all flags, so the first word that is not
 * an option names the command, the next one its subcommand.
 */
function refuseUnknownCommand(argv: string[]): void {
  const words = argv.slice(0, argv.includes('--') ? argv.indexOf('--') : argv.length).filter((a) => !a.startsWith('-'));
  const [name, sub] = words;
  if (name === undefined) return;
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) throw new UsageError('USAGE', `Unknown argument: ${name}`);
  if (command.subcommands && sub !== undefined && !command.subcommands.includes(sub))
    throw new UsageError('USAGE', `Unknown argument: ${sub}`);
}

/** For a command that stops cleanly on a signal by itself (`serve`): main's handler stands down. */
export function releaseSignals(): void {
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
}

function onSignal(signal: NodeJS.Signals): void {
  removePendingTemps(rmSync);
  process.stderr.write(`airlock: INTERRUPTED: received ${signal}; partial output removed\n`);
  process.exit(signal === 'SIGINT' ? 130 : 143);
}

// `version` is what --version prints; the executable adds its build digest.
export async function main(argv: string[], version: string = toolVersion()): Promise<number> {
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const wantsJson = argv.includes('--json');
  const debug = argv.includes('--debug');
  let exitCode = 0;
  const done = (code: number) => {
    exitCode = code;
  };
  let y: Argv<GlobalArgs> = yargs(argv)
    .scriptName('airlock')
    .usage('$0 <command> [options]\n\nOffline verification for air-gapped Python package mirrors.')
    .option('json', {
      type: 'boolean',
      default: false,
      describe: 'Print one JSON object on stdout instead of text; no progress output',
    })
    .option('debug', { type: 'boolean', default: false, describe: 'Show stack traces of errors' })
    .strict()
    .demandCommand(1, 'name a command')
    .recommendCommands()
    .help()
    .alias('help', 'h')
    .version(version)
    .wrap(Math.min(110, process.stdout.columns || 110))
    .exitProcess(false)
    .fail((msg, err) => {
      if (err) throw err;
      throw new UsageError('USAGE', msg);
    });
  for (const c of COMMANDS) y = c.register(y, done);
  try {
    refuseUnknownCommand(argv);
    refuseRepeatedFlags(argv, FLAGS);
    await y.parseAsync();
  } catch (e) {
    exitCode = printError(e, { json: wantsJson, debug });
  }
  return exitCode;
}
