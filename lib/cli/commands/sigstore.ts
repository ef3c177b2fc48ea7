import type { CommandModule } from '../command.ts';
import { NOW_OPTION, TRUST_OPTIONS, action } from '../command.ts';
import type { VerifyBundleArgs } from '../handlers/sigstore.ts';
import { TRUST_OPTION_NAMES, refuseRepeated } from './single-options.ts';

export const sigstoreCommand: CommandModule = {
  register: (y) =>
    y.command('sigstore', 'General Sigstore bundle verification (sigstore-conformance protocol)', (t) =>
      t
        .command(
          'verify-bundle <artifact>',
          'Verify a Sigstore bundle for an artifact (a path or sha256:HEX), offline',
          (c) =>
            c
              .positional('artifact', {
                type: 'string',
                demandOption: true,
                describe: 'The signed file, or its digest as sha256:HEX',
              })
              .option('bundle', {
                type: 'string',
                demandOption: true,
                describe: 'Sigstore bundle JSON (v0.1, v0.2 or v0.3)',
              })
              .option('certificate-identity', {
                type: 'string',
                describe: 'Expected certificate SAN, compared exactly (no regex, no prefix)',
              })
              .option('certificate-oidc-issuer', {
                type: 'string',
                describe: 'Expected OIDC issuer of the certificate, compared exactly',
              })
              .options(TRUST_OPTIONS)
              .option('now', {
                ...NOW_OPTION,
                describe: 'With --trust-dir: reference time for the TUF check (default: the system clock)',
              })
              .option('key', {
                type: 'string',
                describe: 'PEM public key, for a bundle signed with a key instead of a certificate',
              })
              .check(
                refuseRepeated([
                  'bundle',
                  'certificate-identity',
                  'certificate-oidc-issuer',
                  'key',
                  ...TRUST_OPTION_NAMES,
                ]),
              ),
          action(async (args) =>
            (await import('../handlers/sigstore.ts')).verifyBundleCommand(args as unknown as VerifyBundleArgs),
          ),
        )
        .demandCommand(1, 'name a sigstore subcommand'),
    ),
};
