import type { CommandModule } from '../command.ts';
import { NOW_OPTION, TRUSTED_ROOT_INSTANCE_OPTION, action } from '../command.ts';
import type { AttestVerifyArgs } from '../handlers/attest.ts';

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
              .option('instance', { ...TRUSTED_ROOT_INSTANCE_OPTION, describe: 'With --trust-dir: pinned Sigstore TUF root to check the copy from (default public-good)' })
              .option('repository', { type: 'string', describe: 'Expected publisher repository: https://github.com/OWNER/REPO or https://gitlab.com/NAMESPACE/PROJECT' })
              .option('workflow', { type: 'string', describe: 'Expected workflow file (GitHub) or CI config path (GitLab)' })
              .option('environment', { type: 'string', describe: 'Expected deployment environment' })
              .option('ref', { type: 'string', describe: 'Expected git ref of the publishing run, e.g. refs/tags/v1.0 (exact)' })
              .option('identity', { type: 'string', describe: 'Expected certificate identity (e-mail, URI, Google service account)' })
              .option('issuer', { type: 'string', describe: 'Expected OIDC issuer URL' })
              .option('grace', { type: 'string', describe: 'With --trust-dir: accept timestamp/snapshot/targets metadata expired by at most this long (e.g. 14d)' })
              .option('state', { type: 'string', describe: 'With --trust-dir: trust state folder (default $XDG_STATE_HOME/airlock)' })
              .option('now', NOW_OPTION),
          // yargs has parsed and checked the options declared above.
          action(async (args) => (await import('../handlers/attest.ts')).verify(args as unknown as AttestVerifyArgs)),
        )
        .command(
          'inspect <provenance>',
          'Show publishers, certificate identities, log entries, subjects and predicates (no verification)',
          (c) => c.positional('provenance', { type: 'string', demandOption: true, describe: 'A provenance object or a bare attestation' }),
          action(async (args) => (await import('../handlers/attest.ts')).inspect(args as unknown as { provenance: string })),
        )
        .demandCommand(1, 'name an attest subcommand'),
    ),
};
