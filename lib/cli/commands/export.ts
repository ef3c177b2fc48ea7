import type { CommandModule } from '../command.ts';
import { action } from '../command.ts';
import { declareOptions } from './single-options.ts';
import { VERIFY_OPTIONS } from './verify.ts';

// `airlock export BUNDLE --to DIR`: the whole verification of `airlock verify`
// (the same options, declared once in verify.ts), then the accepted files into
// a repository pip installs from.

const EXPORT_OPTIONS = {
  ...VERIFY_OPTIONS,
  to: { type: 'string', demandOption: true, describe: 'Destination folder (merged into, never damaged)' },
  format: {
    choices: ['simple', 'tree'],
    default: 'simple',
    describe: 'simple: PEP 503/691 index under simple/ with files/; tree: pool/ + SHA256SUMS + reports/',
  },
  'base-url': {
    type: 'string',
    describe: 'URL the export will be served at: provenance URLs in the pages become absolute (PEP 740)',
  },
  partial: {
    type: 'boolean',
    default: false,
    describe:
      'Export the accepted files even when others were refused (listed; exit 1; pins move for the exported projects)',
  },
} as const;

export const exportCommand: CommandModule = {
  name: 'export',
  register: (y, done) =>
    y.command(
      'export <bundle>',
      'Verify a bundle, then export what was accepted as a simple index (pip, uv) or a flat tree',
      (c) =>
        declareOptions(
          c.positional('bundle', { type: 'string', demandOption: true, describe: 'Bundle archive' }),
          EXPORT_OPTIONS,
        )
          .conflicts('root', 'instance')
          .group(['bundle', 'to', 'format', 'base-url', 'partial'], 'Input and output:')
          .group(['instance', 'root', 'now', 'grace', 'state'], 'Trust:')
          .group(['policy', 'lock', 'trusted-signer', 'accept-new', 'accept-change', 'jobs'], 'Policy:')
          .group(['json', 'report', 'vsa-out', 'vsa-key'], 'Reports:')
          .example(
            '$0 export bundle.tar --to /srv/pypi --policy policy.toml',
            'verify, then merge the accepted files into the simple index at /srv/pypi',
          )
          .example(
            '$0 export bundle.tar --to ./mirror --format tree --policy policy.toml',
            'a flat pool/ for --find-links',
          ),
      action(done, async (a) => (await import('../handlers/export.ts')).exportBundle(a)),
    ),
};
