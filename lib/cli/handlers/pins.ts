// `pins list` / `pins forget`: the I/O edge of lib/pins. Loaded only when the command runs.
import { printable } from '../../bundle/paths.ts';
import { forgetPin, loadPins, pinsPath, type Pins, type ProjectPin } from '../../pins/index.ts';
import { describeEntries } from '../../policy/index.ts';
import { defaultStateDir } from '../../tuf/index.ts';
import type { CommandResult } from '../output.ts';

function stateOf(args: Record<string, unknown>): string {
  return typeof args.state === 'string' ? args.state : defaultStateDir();
}

function pinJson(name: string, pin: ProjectPin): Record<string, unknown> {
  return { project: name, ...pin };
}

/** Pin values come from certificates in bundles: escaped before they reach a terminal. */
function pinLine(name: string, pin: ProjectPin): string {
  const publishers = pin.publishers.length ? describeEntries(pin.publishers) : '(no publisher)';
  const changes = pin.history.length
    ? `; ${pin.history.length} change(s), last ${pin.history.at(-1)!.kind} at ${pin.history.at(-1)!.time}`
    : '';
  return printable(
    `${name}  ${publishers}  provenance ${pin.provenance ? 'yes' : 'no'}  first seen ${pin.firstSeen}, last seen ` +
      `${pin.lastSeen}${changes}`,
  );
}

function listText(file: string, pins: Pins): string {
  const lines = [`pins     ${printable(file)}`];
  if (pins.latestNow)
    lines.push(`latest   ${pins.latestNow.time} (${pins.latestNow.source === 'clock' ? 'system clock' : '--now'})`);
  if (pins.projects.size === 0) lines.push('no project is pinned');
  for (const name of [...pins.projects.keys()].sort()) lines.push(pinLine(name, pins.projects.get(name)!));
  return lines.join('\n');
}

export async function list(args: Record<string, unknown>): Promise<CommandResult> {
  const state = stateOf(args);
  const pins = await loadPins(state);
  const names = [...pins.projects.keys()].sort();
  return {
    exitCode: 0,
    text: listText(pinsPath(state), pins),
    json: {
      ok: true,
      command: 'pins list',
      file: pinsPath(state),
      ...(pins.latestNow ? { latestNow: pins.latestNow } : {}),
      projects: names.map((n) => pinJson(n, pins.projects.get(n)!)),
    },
  };
}

export async function forget(args: Record<string, unknown>): Promise<CommandResult> {
  const state = stateOf(args);
  const project = String(args.project);
  const removed = await forgetPin(state, project);
  return {
    exitCode: 0,
    text: `forgot the pin of ${printable(project)}: ${printable(describeEntries(removed.publishers))}`,
    json: { ok: true, command: 'pins forget', file: pinsPath(state), removed: pinJson(project, removed) },
  };
}
