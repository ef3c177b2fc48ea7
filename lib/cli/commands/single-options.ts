import type { Argv, InferredOptionTypes, Options } from 'yargs';
import { UsageError } from '../../errors.ts';

// yargs turns a repeated option into an array. Unless an option is declared
// `array: true`, an array is never meant: it crashed parsers (`--now` twice:
// INTERNAL_ERROR) or was compared as a whole against a certificate string.
// Every command declares its options through `declareOptions`, which refuses
// a repeated one as USAGE instead of picking one of the values silently, so
// the handler's argument type (inferred from the same declaration) holds.

function refuseRepeated(names: readonly string[]): (argv: Record<string, unknown>) => true {
  return (argv) => {
    for (const n of names) {
      if (Array.isArray(argv[n])) throw new UsageError('USAGE', `--${n} is given more than once; give it once`);
    }
    return true;
  };
}

/** Declares `options` on `y`; each one not declared `array: true` is refused when given twice. */
export function declareOptions<T, O extends Record<string, Options>>(
  y: Argv<T>,
  options: O,
): Argv<Omit<T, keyof O> & InferredOptionTypes<O>> {
  const single = Object.entries(options)
    .filter(([, o]) => !o.array)
    .map(([name]) => name);
  return y.options(options).check(refuseRepeated(single), false);
}

/**
 * yargs keeps one value of a flag given twice (`--json --json`), so the
 * check above cannot see it: flags are counted on the command line itself.
 * `flags` are the boolean options of every command (--json, --debug global).
 */
export function refuseRepeatedFlags(argv: readonly string[], flags: readonly string[]): void {
  const end = argv.indexOf('--');
  const counts = new Map<string, number>();
  for (const word of end === -1 ? argv : argv.slice(0, end)) {
    const m = /^--(?:no-)?([^=]+)/.exec(word);
    if (!m || !flags.includes(m[1]!)) continue;
    const n = (counts.get(m[1]!) ?? 0) + 1;
    if (n > 1) throw new UsageError('USAGE', `--${m[1]} is given more than once; give it once`);
    counts.set(m[1]!, n);
  }
}
