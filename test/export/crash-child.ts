// Runs one export and, when told, kills itself with SIGKILL at a given step
// (the crash tests' way to stop it at every point of its run, deterministically).
// argv: input.json DIR FORMAT KILL_AT (0: never; prints the number of steps)
import { readFileSync } from 'node:fs';
import { exportToDir } from '../../lib/export/index.ts';
import type { ExportFormat, ExportInput } from '../../lib/export/types.ts';

const [inputPath, dir, format, killAtText] = process.argv.slice(2) as [string, string, ExportFormat, string];
const input = JSON.parse(readFileSync(inputPath, 'utf8')) as ExportInput;
const killAt = Number(killAtText);
let steps = 0;
await exportToDir(input, dir, {
  format,
  onStep: () => {
    steps++;
    if (steps === killAt) process.kill(process.pid, 'SIGKILL');
  },
});
process.stdout.write(`${steps}\n`);
