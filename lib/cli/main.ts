import { rmSync } from 'node:fs';
import yargs, { type Argv } from 'yargs';
import { UsageError } from '../errors.ts';
import { removePendingTemps } from '../util/atomic.ts';
import { takeExitCode, setExitCode, type GlobalArgs } from './command.ts';
import { printError } from './output.ts';
import { attestCommand } from './commands/attest.ts';
import { bundleCommand } from './commands/bundle.ts';
import { inspectCommand } from './commands/inspect.ts';
import { exportCommand } from './commands/export.ts';
import { serveCommand } from './commands/serve.ts';
import { sigstoreCommand } from './commands/sigstore.ts';
import { trustCommand } from './commands/trust.ts';

const COMMANDS = [
  trustCommand,
  attestCommand,
  sigstoreCommand,
  bundleCommand,
  inspectCommand,
  exportCommand,
  serveCommand,
];

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

export async function main(argv: string[]): Promise<number> {
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const wantsJson = argv.includes('--json');
  const debug = argv.includes('--debug');
  let y = yargs(argv)
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
    .version()
    .wrap(Math.min(110, process.stdout.columns || 110))
    .exitProcess(false)
    .fail((msg, err) => {
      if (err) throw err;
      throw new UsageError('USAGE', msg);
    }) as unknown as Argv<GlobalArgs>;
  for (const c of COMMANDS) y = c.register(y);
  try {
    await y.parseAsync();
  } catch (e) {
    setExitCode(printError(e, { json: wantsJson, debug }));
  }
  return takeExitCode();
}
