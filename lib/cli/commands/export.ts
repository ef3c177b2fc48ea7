import type { CommandModule } from '../command.ts';
import { NOW_OPTION, action } from '../command.ts';

// LEAD: the verify options below are declared here only so the command parses;
// after the merge, take them from lib/verify's command module (one declaration
// per option) and keep `--to`, `--format`, `--base-url`, `--partial` from here.
export const exportCommand: CommandModule = {
  register: (y) =>
    y.command(
      'export <bundle>',
      'Verify a bundle, then export what was accepted as a simple index (pip, uv) or a flat tree',
      (c) =>
        c
          .positional('bundle', { type: 'string', demandOption: true, describe: 'Bundle archive' })
          .option('to', {
            type: 'string',
            demandOption: true,
            describe: 'Destination folder (merged into, never damaged)',
          })
          .option('format', {
            choices: ['simple', 'tree'],
            default: 'simple',
            describe: 'simple: PEP 503/691 index under simple/ with files/; tree: pool/ + SHA256SUMS + reports/',
          })
          .option('base-url', {
            type: 'string',
            describe: 'URL the export will be served at: provenance URLs in the pages become absolute (PEP 740)',
          })
          .option('partial', {
            type: 'boolean',
            default: false,
            describe: 'Export the accepted files even when others were refused (they are listed)',
          })
          .option('policy', { type: 'string', describe: 'Publisher policy file (see airlock verify)' })
          .option('instance', { choices: ['public-good', 'staging'], describe: 'Pinned Sigstore TUF root' })
          .option('root', { type: 'string', describe: 'Start from this TUF root.json instead of a pinned one' })
          .option('now', NOW_OPTION)
          .option('grace', { type: 'string', describe: 'Accept TUF metadata expired by at most this long' })
          .option('state', { type: 'string', describe: 'Trust state folder' })
          .option('accept-new', { type: 'boolean', describe: 'Pin publishers of projects seen for the first time' })
          .option('accept-change', { type: 'string', array: true, describe: 'Accept a changed publisher for PROJECT' })
          .option('jobs', { type: 'number', describe: 'Parallel verification jobs' }),
      action(async (a) =>
        (await import('../handlers/export.ts')).exportBundle({
          bundle: String(a.bundle),
          to: String(a.to),
          format: a.format === 'tree' ? 'tree' : 'simple',
          baseUrl: a.baseUrl === undefined ? undefined : String(a.baseUrl),
          partial: Boolean(a.partial),
          json: Boolean(a.json),
          verifyArgs: a,
        }),
      ),
    ),
};
