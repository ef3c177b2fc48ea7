import type { Argv, ArgumentsCamelCase } from 'yargs';
import { printError, printResult, type CommandResult } from './output.ts';

// Glue between yargs and the command implementations: a command's `run`
// returns a CommandResult or throws an AirlockError; this module prints either
// and records the exit code for main().

export interface GlobalArgs {
  json: boolean;
  debug: boolean;
}

let lastExitCode = 0;
const onSuccess: Array<() => Promise<void>> = [];

/**
 * Work that must happen only if the command succeeds (exit 0), after its
 * result is known: `attest verify --trust-dir` and `sigstore verify-bundle
 * --trust-dir` move the trust state forward this way, so a refused
 * attestation or bundle never changes it. A failure here fails the command.
 */
export function afterSuccess(fn: () => Promise<void>): void {
  onSuccess.push(fn);
}

export function takeExitCode(): number {
  const c = lastExitCode;
  lastExitCode = 0;
  return c;
}

export function setExitCode(code: number): void {
  lastExitCode = code;
}

export type Args<T> = ArgumentsCamelCase<T & GlobalArgs>;

/** Wraps a command body so that its result or error is printed the one way airlock prints. */
export function action<T>(run: (args: Args<T>) => Promise<CommandResult>): (args: Args<T>) => Promise<void> {
  return async (args) => {
    const opts = { json: Boolean(args.json), debug: Boolean(args.debug) };
    try {
      const result = await run(args);
      const commits = onSuccess.splice(0);
      if (result.exitCode === 0) for (const commit of commits) await commit();
      lastExitCode = printResult(result, opts);
    } catch (e) {
      onSuccess.length = 0;
      lastExitCode = printError(e, opts);
    }
  };
}

export interface CommandModule {
  register(y: Argv<GlobalArgs>): Argv<GlobalArgs>;
}

// Options several commands share, declared once so their help text agrees.
export const NOW_OPTION = {
  type: 'string',
  describe:
    'Reference time for every expiry and validity check (ISO-8601, e.g. 2026-08-22T00:00:00Z); default: the system clock',
} as const;

export const TRUSTED_ROOT_INSTANCE_OPTION = {
  choices: ['public-good', 'staging'],
  describe: 'Pinned Sigstore TUF root to start from (default public-good; see trust-roots/README.md)',
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
