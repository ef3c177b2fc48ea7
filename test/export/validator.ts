import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, readFileSync, readdirSync } from 'node:fs';
import { join, posix } from 'node:path';

// A validator of simple index pages written from the specifications (PEP 503,
// 691, 700, 714, 740, 792), independent of lib/export's page builder, and a
// checker of a whole export folder (what the crash tests run after a kill).

const NORMALISED = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;
const SHA256 = /^[0-9a-f]{64}$/;
const UPLOAD_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?Z$/;

export interface Anchor {
  attrs: Map<string, string>;
  text: string;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decode(s: string): string {
  return s.replace(/&(#\d+|#x[0-9a-f]+|[a-z]+);/gi, (m, e: string) => {
    if (e[0] === '#')
      return String.fromCodePoint(e[1] === 'x' || e[1] === 'X' ? Number.parseInt(e.slice(2), 16) : Number(e.slice(1)));
    return ENTITIES[e.toLowerCase()] ?? m;
  });
}

function parseAttrs(s: string): Map<string, string> {
  const out = new Map<string, string>();
  const re = /([a-zA-Z_:][-a-zA-Z0-9_:.]*)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g;
  for (const m of s.matchAll(re)) {
    const name = (m[1] as string).toLowerCase();
    assert.ok(!out.has(name), `duplicate attribute ${name}`);
    out.set(name, decode(m[2] ?? m[3] ?? m[4] ?? ''));
  }
  return out;
}

export function parseHtml(html: string): { metas: Map<string, string>; anchors: Anchor[] } {
  assert.match(html, /^<!DOCTYPE html>/i, 'an HTML5 page');
  // Any raw < or > inside an attribute value would show up here as a broken tag.
  assert.doesNotMatch(html.replace(/<[^<>]*>/g, ''), /[<>]/, 'no stray < or > outside tags (escaping)');
  const metas = new Map<string, string>();
  for (const m of html.matchAll(/<meta\s+([^>]*)>/gi)) {
    const a = parseAttrs(m[1] as string);
    if (a.has('name')) metas.set(a.get('name') as string, a.get('content') ?? '');
  }
  const anchors: Anchor[] = [];
  for (const m of html.matchAll(/<a\s+([^>]*)>([^<]*)<\/a>/gi))
    anchors.push({ attrs: parseAttrs(m[1] as string), text: decode(m[2] as string) });
  return { metas, anchors };
}

function repoVersion(v: string | undefined): [number, number] {
  assert.match(v ?? '', /^\d+\.\d+$/, 'api version is Major.Minor');
  const [a, b] = (v as string).split('.').map(Number) as [number, number];
  assert.equal(a, 1);
  return [a, b];
}

export interface FileView {
  filename: string;
  url: string;
  sha256: string;
  requiresPython?: string;
  yanked: boolean | string;
  coreMetadata?: string;
  provenance?: string;
  size?: number;
}

/** PEP 503 (+658/714/740/792 attributes) project page; returns what it lists. */
export function validateProjectHtml(html: string, project: string): { files: FileView[]; status?: string } {
  assert.match(project, NORMALISED);
  const { metas, anchors } = parseHtml(html);
  const [, minor] = repoVersion(metas.get('pypi:repository-version'));
  const status = metas.get('pypi:project-status');
  if (status !== undefined) {
    assert.ok(minor >= 4, 'project status needs api version 1.4');
    assert.ok(['active', 'archived', 'quarantined', 'deprecated'].includes(status));
  }
  const files = anchors.map((a) => {
    const href = a.attrs.get('href') ?? '';
    const [url, frag] = href.split('#') as [string, string | undefined];
    assert.equal(decodeURIComponent(posix.basename(url)), a.text, 'anchor text is the file name of the URL');
    assert.match(frag ?? '', /^sha256=[0-9a-f]{64}$/, 'sha256 fragment');
    const f: FileView = { filename: a.text, url, sha256: (frag as string).slice(7), yanked: false };
    if (a.attrs.has('data-requires-python')) f.requiresPython = a.attrs.get('data-requires-python');
    if (a.attrs.has('data-yanked')) f.yanked = a.attrs.get('data-yanked') || true;
    const cm = a.attrs.get('data-core-metadata');
    const dim = a.attrs.get('data-dist-info-metadata');
    assert.equal(cm, dim, 'PEP 714: both metadata attributes, equal');
    if (cm !== undefined) {
      assert.match(cm, /^sha256=[0-9a-f]{64}$/);
      f.coreMetadata = cm.slice(7);
    }
    if (a.attrs.has('data-provenance')) f.provenance = a.attrs.get('data-provenance');
    return f;
  });
  if (status === 'quarantined') assert.equal(files.length, 0, 'PEP 792: a quarantined project offers no files');
  return { files, status };
}

/** PEP 691 JSON project page with PEP 700, 714, 740 and 792 keys. */
export function validateProjectJson(text: string, project: string): { files: FileView[]; status?: string } {
  const page = JSON.parse(text) as Record<string, unknown>;
  const meta = page.meta as Record<string, unknown>;
  const [, minor] = repoVersion(meta['api-version'] as string);
  assert.ok(minor >= 1, 'PEP 700 fields need api version 1.1');
  if (meta['_last-serial'] !== undefined) assert.ok(Number.isSafeInteger(meta['_last-serial']));
  assert.equal(page.name, project);
  let status: string | undefined;
  if (page['project-status'] !== undefined) {
    assert.ok(minor >= 4);
    const ps = page['project-status'] as Record<string, unknown>;
    status = ps.status as string;
    assert.ok(['active', 'archived', 'quarantined', 'deprecated'].includes(status));
    if (ps.reason !== undefined) assert.equal(typeof ps.reason, 'string');
  }
  assert.ok(Array.isArray(page.versions), 'PEP 700 versions');
  const files = (page.files as Array<Record<string, unknown>>).map((f) => {
    assert.equal(typeof f.filename, 'string');
    assert.equal(typeof f.url, 'string');
    const hashes = f.hashes as Record<string, string>;
    assert.match(hashes.sha256 ?? '', SHA256);
    assert.ok(Number.isSafeInteger(f.size) && (f.size as number) >= 0, 'PEP 700 size');
    if (f['upload-time'] !== undefined) assert.match(f['upload-time'] as string, UPLOAD_TIME);
    assert.ok(f.yanked === undefined || typeof f.yanked === 'boolean' || typeof f.yanked === 'string');
    assert.equal(f['dist-info-metadata'], undefined, 'PEP 714: no old key in JSON');
    const view: FileView = {
      filename: f.filename as string,
      url: f.url as string,
      sha256: hashes.sha256 as string,
      yanked: (f.yanked as boolean | string | undefined) ?? false,
      size: f.size as number,
    };
    if (f['requires-python'] !== undefined) view.requiresPython = f['requires-python'] as string;
    const cm = f['core-metadata'];
    if (cm !== undefined && cm !== false) {
      assert.match((cm as Record<string, string>).sha256 ?? '', SHA256);
      view.coreMetadata = (cm as Record<string, string>).sha256;
    }
    if (f.provenance !== undefined && f.provenance !== null) {
      assert.equal(typeof f.provenance, 'string');
      view.provenance = f.provenance as string;
    }
    return view;
  });
  const versions = new Set(page.versions as string[]);
  assert.equal(versions.size, (page.versions as string[]).length, 'versions unique');
  if (status === 'quarantined') assert.equal(files.length, 0);
  return { files, status };
}

export function validateRootJson(text: string): string[] {
  const page = JSON.parse(text) as { meta: Record<string, unknown>; projects: Array<{ name: string }> };
  repoVersion(page.meta['api-version'] as string);
  return page.projects.map((p) => p.name);
}

export function validateRootHtml(html: string): string[] {
  const { metas, anchors } = parseHtml(html);
  repoVersion(metas.get('pypi:repository-version'));
  return anchors.map((a) => {
    assert.equal(a.attrs.get('href'), `${a.text}/`);
    return a.text;
  });
}

function sha256Of(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** Resolves a page-relative URL to a path inside `dir` (the page lives at simple/PROJECT/). */
function localPath(dir: string, project: string, url: string): string {
  assert.ok(!/^[a-z]+:/i.test(url), `relative URL expected: ${url}`);
  const rel = posix.normalize(posix.join('simple', project, decodeURIComponent(url)));
  assert.ok(!rel.startsWith('..'), 'URL stays inside the export');
  return join(dir, rel);
}

/**
 * The crash-consistency invariant: every page lists only files that exist,
 * with the sizes and hashes it gives; the root lists only projects whose pages
 * exist. Returns the files listed, by project.
 */
export function checkSimpleExport(dir: string): Map<string, string[]> {
  const listed = new Map<string, string[]>();
  const simple = join(dir, 'simple');
  if (!existsSync(simple)) return listed;
  for (const name of readdirSync(simple)) {
    if (name.startsWith('.') || !lstatSync(join(simple, name)).isDirectory()) continue;
    const names: string[] = [];
    for (const page of ['index.html', 'index.json']) {
      const p = join(simple, name, page);
      if (!existsSync(p)) continue;
      const text = readFileSync(p, 'utf8');
      const { files } = page === 'index.html' ? validateProjectHtml(text, name) : validateProjectJson(text, name);
      for (const f of files) {
        const path = localPath(dir, name, f.url);
        assert.ok(existsSync(path), `${p} lists ${f.filename}, which is missing`);
        assert.equal(sha256Of(path), f.sha256, `${f.filename} hash`);
        if (f.size !== undefined) assert.equal(lstatSync(path).size, f.size, `${f.filename} size`);
        if (f.coreMetadata) assert.equal(sha256Of(`${path}.metadata`), f.coreMetadata, `${f.filename}.metadata hash`);
        if (f.provenance) assert.ok(existsSync(localPath(dir, name, f.provenance)), `${f.filename} provenance`);
        names.push(f.filename);
      }
    }
    listed.set(name, [...new Set(names)].sort());
  }
  for (const page of ['index.html', 'index.json']) {
    const p = join(simple, page);
    if (!existsSync(p)) continue;
    const text = readFileSync(p, 'utf8');
    const projects = page === 'index.html' ? validateRootHtml(text) : validateRootJson(text);
    for (const name of projects) {
      assert.ok(existsSync(join(simple, name, 'index.html')), `root lists ${name} before its HTML page exists`);
      assert.ok(existsSync(join(simple, name, 'index.json')), `root lists ${name} before its JSON page exists`);
    }
  }
  return listed;
}

/** Every file of a folder (hidden temporary files and the lock left out) with its bytes' hash and mtime. */
export function snapshot(dir: string, withTimes = true): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (rel: string) => {
    for (const name of readdirSync(join(dir, rel))) {
      const r = rel ? `${rel}/${name}` : name;
      const st = lstatSync(join(dir, r));
      if (st.isDirectory()) walk(r);
      else out.set(r, `${sha256Of(join(dir, r))}${withTimes ? ` ${st.mtimeMs}` : ''}`);
    }
  };
  walk('');
  return out;
}
