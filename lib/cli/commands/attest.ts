import type { CommandModule } from '../command.ts';
import { NOW_OPTION, TRUST_OPTIONS, action } from '../command.ts';
import type { AttestVerifyArgs } from '../handlers/attest.ts';
import { TRUST_OPTION_NAMES, refuseRepeated } from './single-options.ts';

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
              .option('provenance', {
                type: 'string',
                describe: 'Provenance object as served by the PyPI Integrity API',
              })
              .option('attestation', { type: 'string', describe: 'A bare PEP 740 attestation object' })
              .options(TRUST_OPTIONS)
              .option('repository', {
                type: 'string',
                describe:
                  'Expected publisher repository: https://github.com/OWNER/REPO or https://gitlab.com/NAMESPACE/PROJECT',
              })
              .option('workflow', {
                type: 'string',
                describe: 'Expected workflow file (GitHub) or CI config path (GitLab)',
              })
              .option('environment', { type: 'string', describe: 'Expected deployment environment' })
              .option('ref', {
                type: 'string',
                describe: 'Expected git ref of the publishing run, e.g. refs/tags/v1.0 (exact)',
              })
              .option('identity', {
                type: 'string',
                describe: 'Expected certificate identity (e-mail, URI, Google service account)',
              })
              .option('issuer', { type: 'string', describe: 'Expected OIDC issuer URL' })
              .option('now', NOW_OPTION)
              .check(
                refuseRepeated([
                  'provenance',
                  'attestation',
                  ...TRUST_OPTION_NAMES,
                  'repository',
                  'workflow',
                  'environment',
                  'ref',
                  'identity',
                  'issuer',
                ]),
              ),
          // yargs has parsed and checked the options declared above.
          action(async (args) => (await import('../handlers/attest.ts')).verify(args as unknown as AttestVerifyArgs)),
        )
        .command(
          'inspect <provenance>',
          'Show publishers, certificate identities, log entries, subjects and predicates (no verification)',
          (c) =>
            c.positional('provenance', {
              type: 'string',
              demandOption: true,
              describe: 'A provenance object or a bare attestation',
            }),
          action(async (args) =>
            (await import('../handlers/attest.ts')).inspect(args as unknown as { provenance: string }),
          ),
        )
        .demandCommand(1, 'name an attest subcommand'),
    ),
};
