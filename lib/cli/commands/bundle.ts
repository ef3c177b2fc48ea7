import type { Argv } from 'yargs';
import type { CommandModule } from '../command.ts';
import { NOW_OPTION, TRUSTED_ROOT_INSTANCE_OPTION, action } from '../command.ts';
import { declareOptions } from './single-options.ts';

/** Where `bundle` (and `lock annotate`) fetch from and how the TUF copy is trusted: declared once for both. */
export const SOURCE_OPTIONS = {
  'index-url': {
    type: 'string',
    default: 'https://pypi.org/simple/',
    describe: 'Simple repository (PEP 691 JSON, PEP 503 HTML fallback)',
  },
  'tuf-url': { type: 'string', describe: "Sigstore TUF repository base URL (default: the instance's CDN)" },
  'tuf-dir': { type: 'string', describe: 'Local copy of the TUF repository instead of the CDN' },
  instance: TRUSTED_ROOT_INSTANCE_OPTION,
  root: { type: 'string', describe: 'Start from this TUF root.json instead of a pinned one' },
  now: NOW_OPTION,
  jobs: { type: 'number', default: 4, describe: 'Parallel downloads' },
  timeout: { type: 'number', default: 60, describe: 'Seconds without an answer or data before a download fails' },
} as const;

/** The source options that exclude each other. */
export function sourceConflicts<T>(y: Argv<T>): Argv<T> {
  return y.conflicts('tuf-url', 'tuf-dir').conflicts('root', 'instance');
}

const BUNDLE_OPTIONS = {
  requirement: { alias: 'r', type: 'string', describe: 'pip requirements file in hash-checking mode' },
  lock: { type: 'string', describe: 'PEP 751 pylock.toml' },
  'from-dir': { type: 'string', describe: 'Local folder of distributions with .provenance files beside them' },
  output: { alias: 'o', type: 'string', demandOption: true, describe: 'Output archive (.tar, .tar.gz, .tar.zst)' },
  ...SOURCE_OPTIONS,
  platform: {
    type: 'string',
    array: true,
    describe: 'NAME==VERSION only: keep wheels for this platform tag (repeatable), plus pure wheels and sdists',
  },
  'python-version': { type: 'string', describe: 'NAME==VERSION only: keep wheels for this Python (e.g. 3.12)' },
  'only-binary': { type: 'boolean', describe: 'NAME==VERSION only: leave sdists out' },
  policy: {
    type: 'string',
    describe: 'Policy file (TOML): refuse, before writing, what airlock verify with it would refuse',
  },
  'sign-key': {
    type: 'string',
    describe: 'Sign the bundle (DSSE over its manifest) with this PEM private key, Ed25519 or ECDSA P-256',
  },
} as const;

export const bundleCommand: CommandModule = {
  name: 'bundle',
  register: (y, done) =>
    y.command(
      'bundle [specs..]',
      'Snapshot locked distributions, their provenance and Sigstore TUF metadata into one archive (connected side)',
      (c) =>
        sourceConflicts(
          declareOptions(
            c.positional('specs', { type: 'string', array: true, describe: 'NAME==VERSION requirements' }),
            BUNDLE_OPTIONS,
          ),
        ),
      action(done, async (args) => (await import('../handlers/bundle.ts')).bundle(args)),
    ),
};
