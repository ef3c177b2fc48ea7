import type { CommandModule } from '../command.ts';
import { NOW_OPTION, TRUSTED_ROOT_INSTANCE_OPTION, action, type Args } from '../command.ts';
import type { BundleArgs } from '../handlers/bundle.ts';

export const bundleCommand: CommandModule = {
  register: (y) =>
    y.command(
      'bundle [specs..]',
      'Snapshot locked distributions, their provenance and Sigstore TUF metadata into one archive (connected side)',
      (c) =>
        c
          .positional('specs', { type: 'string', array: true, describe: 'NAME==VERSION requirements' })
          .option('requirement', {
            alias: 'r',
            type: 'string',
            describe: 'pip requirements file in hash-checking mode',
          })
          .option('lock', { type: 'string', describe: 'PEP 751 pylock.toml' })
          .option('from-dir', {
            type: 'string',
            describe: 'Local folder of distributions with .provenance files beside them',
          })
          .option('output', {
            alias: 'o',
            type: 'string',
            demandOption: true,
            describe: 'Output archive (.tar, .tar.gz, .tar.zst)',
          })
          .option('index-url', {
            type: 'string',
            default: 'https://pypi.org/simple/',
            describe: 'Simple repository (PEP 691 JSON, PEP 503 HTML fallback)',
          })
          .option('tuf-url', {
            type: 'string',
            describe: "Sigstore TUF repository base URL (default: the instance's CDN)",
          })
          .option('tuf-dir', { type: 'string', describe: 'Local copy of the TUF repository instead of the CDN' })
          .conflicts('tuf-url', 'tuf-dir')
          .option('instance', TRUSTED_ROOT_INSTANCE_OPTION)
          .option('root', { type: 'string', describe: 'Start from this TUF root.json instead of a pinned one' })
          .conflicts('root', 'instance')
          .option('now', NOW_OPTION)
          .option('jobs', { type: 'number', default: 4, describe: 'Parallel downloads' })
          .option('timeout', {
            type: 'number',
            default: 60,
            describe: 'Seconds without an answer or data before a download fails',
          })
          .option('platform', {
            type: 'string',
            array: true,
            describe: 'NAME==VERSION only: keep wheels for this platform tag (repeatable), plus pure wheels and sdists',
          })
          .option('python-version', {
            type: 'string',
            describe: 'NAME==VERSION only: keep wheels for this Python (e.g. 3.12)',
          })
          .option('only-binary', { type: 'boolean', describe: 'NAME==VERSION only: leave sdists out' })
          .option('policy', {
            type: 'string',
            describe: 'Policy file (TOML): refuse, before writing, what airlock verify with it would refuse',
          }),
      action(async (raw) => (await import('../handlers/bundle.ts')).bundle(raw as unknown as Args<BundleArgs>)),
    ),
};
