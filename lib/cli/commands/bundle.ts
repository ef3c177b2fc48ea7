import type { CommandModule } from '../command.ts';
import { NOW_OPTION, TRUSTED_ROOT_INSTANCE_OPTION, action } from '../command.ts';
import { UsageError } from '../../errors.ts';

export const bundleCommand: CommandModule = {
  register: (y) =>
    y.command(
      'bundle [specs..]',
      'Snapshot locked distributions, their provenance and Sigstore TUF metadata into one archive (connected side)',
      (c) =>
        c
          .positional('specs', { type: 'string', array: true, describe: 'NAME==VERSION requirements' })
          .option('requirement', { alias: 'r', type: 'string', describe: 'pip requirements file in hash-checking mode' })
          .option('lock', { type: 'string', describe: 'PEP 751 pylock.toml' })
          .option('from-dir', { type: 'string', describe: 'Local folder of distributions with .provenance files beside them' })
          .option('output', { alias: 'o', type: 'string', demandOption: true, describe: 'Output archive (.tar, .tar.gz, .tar.zst)' })
          .option('index-url', { type: 'string', default: 'https://pypi.org/simple/' })
          .option('tuf-url', { type: 'string' })
          .option('tuf-dir', { type: 'string' })
          .option('instance', TRUSTED_ROOT_INSTANCE_OPTION)
          .option('root', { type: 'string' })
          .option('now', NOW_OPTION)
          .option('jobs', { type: 'number', default: 4 }),
      action(async () => {
        throw new UsageError('USAGE', 'bundle is not implemented yet');
      }),
    ),
};
