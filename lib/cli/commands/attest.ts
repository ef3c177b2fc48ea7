import type { CommandModule } from '../command.ts';
import { NOW_OPTION, TRUST_OPTIONS, action } from '../command.ts';
import { declareOptions } from './single-options.ts';

const VERIFY_OPTIONS = {
  provenance: { type: 'string', describe: 'Provenance object as served by the PyPI Integrity API' },
  attestation: { type: 'string', describe: 'A bare PEP 740 attestation object' },
  ...TRUST_OPTIONS,
  repository: {
    type: 'string',
    describe: 'Expected publisher repository: https://github.com/OWNER/REPO or https://gitlab.com/NAMESPACE/PROJECT',
  },
  workflow: { type: 'string', describe: 'Expected workflow file (GitHub) or CI config path (GitLab)' },
  environment: { type: 'string', describe: 'Expected deployment environment' },
  ref: { type: 'string', describe: 'Expected git ref of the publishing run, e.g. refs/tags/v1.0 (exact)' },
  identity: { type: 'string', describe: 'Expected certificate identity (e-mail, URI, Google service account)' },
  issuer: { type: 'string', describe: 'Expected OIDC issuer URL' },
  now: NOW_OPTION,
} as const;

export const attestCommand: CommandModule = {
  name: 'attest',
  subcommands: ['verify', 'inspect'],
  register: (y, done) =>
    y.command('attest', 'Verify or inspect PEP 740 attestations offline', (t) =>
      t
        .command(
          'verify <file>',
          'Verify one distribution against its PEP 740 provenance or attestation',
          (c) =>
            declareOptions(
              c.positional('file', {
                type: 'string',
                demandOption: true,
                describe: 'The distribution (wheel or sdist)',
              }),
              VERIFY_OPTIONS,
            ),
          action(done, async (args) => (await import('../handlers/attest.ts')).verify(args)),
        )
        .command(
          'inspect <provenance>',
          'Show publishers, certificate identities, log entries, subjects and predicates (no verification)',
          (c) =>
            declareOptions(
              c.positional('provenance', {
                type: 'string',
                demandOption: true,
                describe: 'A provenance object or a bare attestation',
              }),
              {},
            ),
          action(done, async (args) => (await import('../handlers/attest.ts')).inspect(args)),
        )
        .demandCommand(1, 'name an attest subcommand'),
    ),
};
