import { type AirlockError, EXIT_INPUT, InternalError, isAirlockError, errorMessage } from '../errors.ts';
import { printable, printableLines } from '../util/text.ts';

// The only place that turns results and errors into what the user sees: one
// line on stderr (or one JSON object on stdout with --json), and an exit code.

export interface CommandResult {
  /** 0 verified/ok, 1 verification failed. */
  exitCode: 0 | 1;
  /** Human-readable report, printed on stdout without --json. */
  text: string;
  /** Machine-readable report, printed on stdout with --json. */
  json: unknown;
  /**
   * Moves persistent state forward (the trust state); run by the CLI only
   * when the whole command succeeded, before the result is printed.
   */
  commit?: () => Promise<void>;
}

export interface OutputOptions {
  json: boolean;
  debug: boolean;
}

export function printResult(result: CommandResult, opts: OutputOptions): number {
  if (opts.json) process.stdout.write(`${JSON.stringify(result.json, null, 2)}\n`);
  // Formatters escape each input string (a newline in one would forge a line);
  // the whole text is escaped again here, so one a formatter missed still cannot
  // drive the terminal. Escaping is idempotent, so the two never double up.
  else if (result.text) {
    const text = printableLines(result.text);
    process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  }
  return result.exitCode;
}

export function toAirlockError(e: unknown): AirlockError {
  if (isAirlockError(e)) return e;
  return new InternalError(`unexpected error: ${errorMessage(e)} (run with --debug for details)`, { cause: e });
}

export function printError(e: unknown, opts: OutputOptions): number {
  const err = toAirlockError(e);
  if (opts.json) {
    process.stdout.write(`${JSON.stringify({ ok: false, error: err.toJSON() }, null, 2)}\n`);
  }
  // Messages embed input strings (names, URLs, fields): escaped, a control
  // character cannot drive the terminal and a newline cannot break the one-line
  // promise that scripts rely on.
  process.stderr.write(`airlock: ${printable(err.toLine())}\n`);
  if (opts.debug) {
    let c: unknown = err;
    while (c instanceof Error) {
      process.stderr.write(`${c.stack ?? c.message}\n`);
      c = c.cause;
      if (c !== undefined) process.stderr.write('caused by: ');
    }
  }
  return err.exitCode ?? EXIT_INPUT;
}
