import type { CommandModule } from '../command.ts';
import { action } from '../command.ts';
import { UsageError } from '../../errors.ts';

export const sigstoreCommand: CommandModule = {
  register: (y) =>
    y.command('sigstore', 'General Sigstore bundle verification (sigstore-conformance protocol)', (t) =>
      t
        .command(
          'verify-bundle <artifact>',
          'Verify a Sigstore bundle for an artifact (a path or sha256:HEX)',
          (c) =>
            c
              .positional('artifact', { type: 'string', demandOption: true })
              .option('bundle', { type: 'string', demandOption: true })
              .option('certificate-identity', { type: 'string' })
              .option('certificate-oidc-issuer', { type: 'string' })
              .option('trusted-root', { type: 'string' })
              .option('key', { type: 'string' }),
          action(async () => {
            throw new UsageError('USAGE', 'sigstore verify-bundle is not implemented yet');
          }),
        )
        .demandCommand(1, 'name a sigstore subcommand'),
    ),
};
