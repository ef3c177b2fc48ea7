import { createHash } from 'node:crypto';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import assert from 'node:assert/strict';
import {
  layoutRole,
  readBundle,
  readManifest,
  writeBundle,
  MANIFEST_PATH,
  type Manifest,
  type MemberInput,
} from '../../lib/bundle/index.ts';
import { stringifyJson } from '../../lib/util/json.ts';
import { runCli } from '../helpers/cli.ts';
import type { IndexServer } from '../helpers/index-server.ts';
import { packTar } from '../helpers/tar.ts';
import { FAST_ENV, writePylock } from '../bundle-cmd/helpers.ts';

// Bundles for the `airlock verify` tests: one made by the real `airlock
// bundle` from the test index server over the real fixtures, and copies of
// it with one member changed, either with the manifest rewritten to match
// (what an attacker who controls the transfer can do: the manifest is not
// signed) or without (the reader refuses those).

export const NOW = '2026-08-22T00:00:00Z';
const roots: string[] = [];

export async function tempDir(label = 'airlock-verify-test-'): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), label));
  roots.push(d);
  return d;
}

export async function removeTempDirs(): Promise<void> {
  await Promise.all(roots.splice(0).map((r) => rm(r, { recursive: true, force: true })));
}

export const sha256 = (b: Uint8Array | string): string => createHash('sha256').update(b).digest('hex');

/** `airlock bundle --lock` against the test index server; returns the archive path. */
export async function makeBundle(s: IndexServer, extra: string[] = []): Promise<string> {
  const dir = await tempDir();
  const lock = await writePylock(s, join(dir, 'pylock.toml'));
  const archive = join(dir, 'bundle.tar');
  const r = await runCli(
    ['bundle', '--lock', lock, '-o', archive, '--index-url', s.indexUrl, '--tuf-url', s.tufUrl, '--now', NOW, ...extra],
    { env: FAST_ENV },
  );
  assert.equal(r.code, 0, r.stderr);
  return archive;
}

export interface Unpacked {
  manifest: Manifest;
  dir: string;
}

export async function unpack(archive: string): Promise<Unpacked> {
  const dir = join(await tempDir(), 'x');
  const manifest = await readBundle(archive, { dest: dir });
  return { manifest, dir };
}

async function walk(root: string, dir = root): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await walk(root, p)));
    else out.push(relative(root, p).split(sep).join('/'));
  }
  return out;
}

/** A copy of an unpacked bundle to change, then pack with a manifest that matches it. */
export class Workspace {
  readonly dir: string;
  manifest: Manifest;
  constructor(dir: string, manifest: Manifest) {
    this.dir = dir;
    this.manifest = manifest;
  }

  path(member: string): string {
    return join(this.dir, ...member.split('/'));
  }
  async read(member: string): Promise<Buffer> {
    return readFile(this.path(member));
  }
  async write(member: string, bytes: Uint8Array | string): Promise<void> {
    await mkdir(dirname(this.path(member)), { recursive: true });
    await writeFile(this.path(member), bytes);
  }
  async remove(member: string): Promise<void> {
    await rm(this.path(member));
  }
  file(filename: string) {
    for (const p of this.manifest.packages) for (const f of p.files) if (f.filename === filename) return { pkg: p, f };
    throw new Error(`no ${filename} in the bundle`);
  }
}

/** Copies `src`, lets `edit` change it, and packs it with the real writer: the manifest matches every member. */
export async function repack(src: Unpacked, edit: (w: Workspace) => Promise<void>): Promise<string> {
  const root = await tempDir();
  const dir = join(root, 'ws');
  await cp(src.dir, dir, { recursive: true });
  const ws = new Workspace(dir, structuredClone(src.manifest));
  await edit(ws);
  const paths = (await walk(dir)).filter((p) => p !== MANIFEST_PATH);
  const have = new Set(paths);
  for (const p of ws.manifest.packages) {
    if (p.indexPage && !have.has(p.indexPage)) delete p.indexPage;
    for (const f of p.files) {
      if (f.provenance && !have.has(f.provenance)) delete f.provenance;
      if (f.coreMetadata && !have.has(f.coreMetadata)) delete f.coreMetadata;
      const bytes = await readFile(ws.path(f.path));
      f.sha256 = sha256(bytes);
      f.size = bytes.length;
    }
  }
  const members: MemberInput[] = paths.map((p) => ({ path: p, role: layoutRole(p)!, localPath: ws.path(p) }));
  const { members: _m, format: _f, formatVersion: _v, tool: _t, ...input } = ws.manifest;
  const out = join(root, 'tampered.tar');
  await writeBundle(out, input, members);
  return out;
}

/** Replaces member bodies without touching the manifest: the reader must refuse the archive. */
export async function repackRaw(archive: string, replace: Record<string, Buffer>): Promise<string> {
  const manifest = await readManifest(archive);
  const bodies: Array<{ name: string; body: Buffer }> = [];
  await readBundle(archive, {
    onMember: async (m, stream) => {
      const parts: Buffer[] = [];
      for await (const c of stream) parts.push(c as Buffer);
      bodies.push({ name: m.path, body: replace[m.path] ?? Buffer.concat(parts) });
    },
  });
  const out = join(await tempDir(), 'raw.tar');
  await writeFile(out, await packTar([{ name: MANIFEST_PATH, body: stringifyJson(manifest) }, ...bodies]));
  return out;
}

export async function exists(p: string): Promise<boolean> {
  return stat(p).then(
    () => true,
    () => false,
  );
}

/** Every file under `dir` with its sha256, to show a state folder was not touched. */
/**
 * The trust state's files and their sha256, without the audit log, which a
 * refused run appends to by design (test/audit covers it): "the state
 * untouched" means the TUF versions, pins and time did not move.
 */
export async function snapshot(dir: string): Promise<Record<string, string>> {
  if (!(await exists(dir))) return {};
  const out: Record<string, string> = {};
  for (const p of await walk(dir)) if (p !== 'audit.jsonl') out[p] = sha256(await readFile(join(dir, p)));
  return out;
}

export function policyToml(s: { rfc8785Sha256: string; githubRepo?: string }): string {
  return `[defaults]
require = "attested"

[projects.pypi-attestations]
publishers = [{ kind = "GitHub", repository = "${s.githubRepo ?? 'trailofbits/pypi-attestations'}", workflow = \
"release.yml" }]

[projects.gitlab-oidc-project]
publishers = [{ kind = "GitLab", repository = "facutuesca/gitlab-oidc-project", workflow_filepath = ".gitlab-ci.yml" }]

[projects.rfc8785]
require = "hash"
hashes = ["sha256:${s.rfc8785Sha256}"]
`;
}
