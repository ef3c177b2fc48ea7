import { printable } from '../util/text.ts';

// Progress on a terminal only: quiet with --json or when stdout is not a TTY,
// so scripts and CI logs see nothing but the report.

export interface Progress {
  update(done: number, total: number, detail?: string): void;
  done(): void;
}

const QUIET: Progress = { update() {}, done() {} };

export function createProgress(label: string, opts: { json: boolean }): Progress {
  if (opts.json || !process.stdout.isTTY || !process.stderr.isTTY) return QUIET;
  let last = 0;
  const started = Date.now();
  return {
    update(done, total, detail = '') {
      const t = Date.now();
      if (t - last < 100 && done < total) return;
      last = t;
      const secs = Math.max((t - started) / 1000, 0.001);
      const pct = total > 0 ? Math.floor((done / total) * 100) : 0;
      const mib = (n: number) => (n / 1048576).toFixed(1);
      const extra = detail ? ` ${printable(detail)}` : '';
      process.stderr.write(
        `\r\x1b[K${printable(label)}: ${pct}% ${mib(done)}/${mib(total)} MiB${extra} (${mib(done / secs)} MiB/s)`,
      );
    },
    done() {
      process.stderr.write('\r\x1b[K');
    },
  };
}
