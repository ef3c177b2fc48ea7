import { UsageError } from '../../errors.ts';

// yargs turns a repeated string option into an array. For the identity and
// trust options of `attest verify` and `sigstore verify-bundle` an array is
// never meant: it crashed the repository parser (INTERNAL_ERROR) and was
// compared as a whole against a certificate string. Refuse it as USAGE
// instead of picking one of the values silently.

/** A yargs `.check()` refusing every listed option given more than once. */
export function refuseRepeated(names: readonly string[]): (argv: Record<string, unknown>) => true {
  return (argv) => {
    for (const n of names) {
      if (Array.isArray(argv[n])) throw new UsageError('USAGE', `--${n} is given more than once; give it once`);
    }
    return true;
  };
}

export const TRUST_OPTION_NAMES = ['trusted-root', 'trust-dir', 'instance', 'grace', 'state', 'now'] as const;
