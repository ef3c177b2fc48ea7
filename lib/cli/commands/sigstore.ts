import type { CommandModule } from '../command.ts';
import { NOW_OPTION, TRUST_OPTIONS, action } from '../command.ts';
import { declareOptions } from './single-options.ts';

const VERIFY_BUNDLE_OPTIONS = {
  bundle: { type: 'string', demandOption: true, describe: 'Sigstore bundle JSON (v0.1, v0.2 or v0.3)' },
  'certificate-identity': {
    type: 'string',
    describe: 'Expected certificate SAN, compared exactly (no regex, no prefix)',
  },
  'certificate-oidc-issuer': { type: 'string', describe: 'Expected OIDC issuer of the certificate, compared exactly' },
  ...TRUST_OPTIONS,
  now: { ...NOW_OPTION, describe: 'With --trust-dir: reference time for the TUF check (default: the system clock)' },
  key: { type: 'string', describe: 'PEM public key, for a bundle signed with a key instead of a certificate' },
} as const;

export const sigstoreCommand: CommandModule = {
  name: 'sigstore',
  subcommands: ['verify-bundle'],
  register: (y, done) =>
    y.command('sigstore', 'General Sigstore bundle verification (sigstore-conformance protocol)', (t) =>
      t
        .command(
          'verify-bundle <artifact>',
          'Verify a Sigstore bundle for an artifact (a path or sha256:HEX), offline',
          (c) =>
            declareOptions(
              c.positional('artifact', {
                type: 'string',
                demandOption: true,
                describe: 'The signed file, or its digest as sha256:HEX',
              }),
              VERIFY_BUNDLE_OPTIONS,
            ),
          action(done, async (args) => (await import('../handlers/sigstore.ts')).verifyBundleCommand(args)),
        )
        .demandCommand(1, 'name a sigstore subcommand'),
    ),
};
