import type { CommandModule } from '../command.ts';
import { NOW_OPTION, action } from '../command.ts';
import { UsageError } from '../../errors.ts';

export const attestCommand: CommandModule = {
  register: (y) =>
    y.command('attest', 'Verify or inspect PEP 740 attestations offline', (t) =>
      t
        .command(
          'verify <file>',
          'Verify one distribution against its PEP 740 provenance or attestation',
          (c) =>
            c
              .positional('file', { type: 'string', demandOption: true, describe: 'The distribution (wheel or sdist)' })
              .option('provenance', { type: 'string', describe: 'Provenance object as served by the PyPI Integrity API' })
              .option('attestation', { type: 'string', describe: 'A bare PEP 740 attestation object' })
              .option('trusted-root', { type: 'string', describe: 'Sigstore trusted_root.json' })
              .option('trust-dir', { type: 'string', describe: 'TUF copy to take trusted_root.json from, checked on the spot' })
              .option('repository', { type: 'string', describe: 'Expected publisher repository: https://github.com/OWNER/REPO or https://gitlab.com/NAMESPACE/PROJECT' })
              .option('workflow', { type: 'string', describe: 'Expected workflow file (GitHub) or CI config path (GitLab)' })
              .option('environment', { type: 'string', describe: 'Expected deployment environment' })
              .option('identity', { type: 'string', describe: 'Expected certificate identity (e-mail, URI, Google service account)' })
              .option('issuer', { type: 'string', describe: 'Expected OIDC issuer URL' })
              .option('now', NOW_OPTION),
          action(async () => {
            throw new UsageError('USAGE', 'attest verify is not implemented yet');
          }),
        )
        .command(
          'inspect <provenance>',
          'Show publishers, certificate identities, log entries, subjects and predicates',
          (c) => c.positional('provenance', { type: 'string', demandOption: true }),
          action(async () => {
            throw new UsageError('USAGE', 'attest inspect is not implemented yet');
          }),
        )
        .demandCommand(1, 'name an attest subcommand'),
    ),
};
