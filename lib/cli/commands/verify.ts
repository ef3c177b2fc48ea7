import type { CommandModule } from '../command.ts';
import { TUF_CHECK_OPTIONS, action } from '../command.ts';
import { declareOptions } from './single-options.ts';

// `airlock verify BUNDLE`: the air-gapped side's one command. The handler is
// loaded only when the command runs.

export const VERIFY_OPTIONS = {
  ...TUF_CHECK_OPTIONS,
  policy: { type: 'string', describe: 'Policy file (TOML); default: every file needs provenance' },
  lock: {
    type: 'string',
    describe: 'The reviewed pylock.toml: it decides with the policy (PEP 751 attestation-identities, hashes, files)',
  },
  'accept-new': {
    type: 'boolean',
    default: false,
    describe: 'Accept and pin the publisher of projects that neither the policy nor a pin names',
  },
  'accept-change': {
    type: 'string',
    array: true,
    describe: "Accept a pinned project's new publisher or lost provenance (repeatable)",
  },
  jobs: { type: 'number', describe: 'Files checked at once (default: the number of cores)' },
  report: { type: 'string', describe: 'Also write the JSON report to this file' },
  'vsa-out': {
    type: 'string',
    describe: 'Write a SLSA Verification Summary Attestation per accepted file into this folder',
  },
  'vsa-key': { type: 'string', describe: 'Sign each VSA (DSSE) with this PEM private key' },
  'trusted-signer': {
    type: 'string',
    array: true,
    describe: "Require the bundle signed by this PEM public key (repeatable; with the policy's signers)",
  },
} as const;

export const verifyCommand: CommandModule = {
  name: 'verify',
  register: (y, done) =>
    y.command(
      'verify <bundle>',
      'Verify every file of a bundle: archive, TUF copy, PEP 740 provenance, policy and publisher pins',
      (c) =>
        declareOptions(
          c.positional('bundle', {
            type: 'string',
            demandOption: true,
            describe: 'The bundle archive (airlock bundle)',
          }),
          {
            ...VERIFY_OPTIONS,
            extract: {
              type: 'string',
              describe: 'Write the accepted files (bundle layout) into this new folder, all or nothing',
            },
          },
        )
          .conflicts('root', 'instance')
          .group(['bundle'], 'Input:')
          .group(['instance', 'root', 'now', 'grace', 'state'], 'Trust:')
          .group(['policy', 'lock', 'trusted-signer', 'accept-new', 'accept-change', 'jobs'], 'Policy:')
          .group(['json', 'report', 'vsa-out', 'vsa-key', 'extract'], 'Output:')
          .example(
            '$0 verify bundle.tar --policy policy.toml',
            'check every file against the policy, at the system clock, with the default state',
          )
          .example(
            '$0 verify bundle.tar --policy policy.toml --now 2026-08-22T00:00:00Z --extract ./incoming --json',
            'at a given time; write the accepted files into ./incoming and print the JSON report',
          ),
      action(done, async (args) => (await import('../handlers/verify.ts')).verify(args)),
    ),
};
