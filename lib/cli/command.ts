import type { Argv, ArgumentsCamelCase } from 'yargs';
import { printError, printResult, type CommandResult } from './output.ts';

// Glue between yargs and the command implementations: a command's `run`
// returns a CommandResult or throws an AirlockError; `action` prints either,
// runs the result's commit when it succeeded, and reports the exit code to
// main() through `done` (no module state: main owns the code).

export interface GlobalArgs {
  json: boolean;
  debug: boolean;
}

/** Receives the exit code of the command that ran. */
export type Done = (exitCode: number) => void;

/** Wraps a command body so that its result or error is printed the one way airlock prints. */
export function action<A extends Partial<GlobalArgs>>(
  done: Done,
  run: (args: A) => Promise<CommandResult>,
): (args: A) => Promise<void> {
  return async (args) => {
    const opts = { json: Boolean(args.json), debug: Boolean(args.debug) };
    try {
      const result = await run(args);
      // A commit (the trust state moving forward) happens only when the whole
      // command succeeded; if it fails, the command fails with its error.
      if (result.exitCode === 0) await result.commit?.();
      done(printResult(result, opts));
    } catch (e) {
      done(printError(e, opts));
    }
  };
}

export interface CommandModule {
  /** The command and its subcommands, so that an unknown one is refused before yargs prints help. */
  readonly name: string;
  readonly subcommands?: readonly string[];
  register(y: Argv<GlobalArgs>, done: Done): Argv<GlobalArgs>;
}

export type Args<T> = ArgumentsCamelCase<T & GlobalArgs>;

// Options several commands share, declared once so their help text agrees.
export const NOW_OPTION = {
  type: 'string',
  describe:
    'Reference time for every expiry and validity check (ISO-8601, e.g. 2026-08-22T00:00:00Z); default: the system ' +
    'clock',
} as const;

export const TRUSTED_ROOT_INSTANCE_OPTION = {
  choices: ['public-good', 'staging'],
  describe: 'Pinned Sigstore TUF root to start from (default public-good; see trust-roots/README.md)',
} as const;

/** How a TUF copy is trusted: `trust verify`, `verify` and `export` declare these once, alike. */
export const TUF_CHECK_OPTIONS = {
  root: {
    type: 'string',
    describe: 'Start from this TUF root.json instead of a pinned one (private Sigstore deployments)',
  },
  instance: TRUSTED_ROOT_INSTANCE_OPTION,
  now: NOW_OPTION,
  grace: {
    type: 'string',
    describe: 'Accept timestamp/snapshot/targets metadata expired by at most this long (e.g. 14d); never the root',
  },
  state: {
    type: 'string',
    describe: 'Trust state folder: TUF versions, publisher pins, latest time (default $XDG_STATE_HOME/airlock)',
  },
} as const;

/** Where a Sigstore trusted root comes from (lib/cli/handlers/trust-material.ts); shared by attest and sigstore. */
export const TRUST_OPTIONS = {
  'trusted-root': {
    type: 'string',
    describe: 'Sigstore trusted_root.json to verify against (you vouch for it: it has no expiry)',
  },
  'trust-dir': {
    type: 'string',
    describe: 'TUF copy to take trusted_root.json from, checked on the spot from a pinned root',
  },
  instance: {
    choices: ['public-good', 'staging'],
    describe: 'With --trust-dir: pinned Sigstore TUF root to check the copy from (default public-good)',
  },
  grace: {
    type: 'string',
    describe: 'With --trust-dir: accept timestamp/snapshot/targets metadata expired by at most this long (e.g. 14d)',
  },
  state: { type: 'string', describe: 'With --trust-dir: trust state folder (default $XDG_STATE_HOME/airlock)' },
} as const;
