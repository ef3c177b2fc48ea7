// `bundle`: the I/O edge of lib/sources and lib/bundle on the connected side.
import type { CommandResult } from '../output.ts';
import { createProgress } from '../progress.ts';
import { UsageError } from '../../errors.ts';
import type { ManifestSources } from '../../bundle/types.ts';
import type { LockEntry, LockFile } from '../../lock/index.ts';
import type { FileFilters, PackageInput, TufInput } from '../../sources/index.ts';
import type { Instance, PinnedRoot } from '../../tuf/types.ts';
import { parseNow } from '../../util/time.ts';

/** The source options `bundle` and `lock annotate` share (lib/cli/commands/bundle.ts SOURCE_OPTIONS). */
export interface SourceArgs {
  indexUrl: string;
  tufUrl?: string | undefined;
  tufDir?: string | undefined;
  instance?: Instance | undefined;
  root?: string | undefined;
  now?: string | undefined;
  jobs: number;
  timeout: number;
}

export interface BundleArgs extends SourceArgs {
  specs?: string[] | undefined;
  requirement?: string | undefined;
  lock?: string | undefined;
  fromDir?: string | undefined;
  output: string;
  platform?: string[] | undefined;
  pythonVersion?: string | undefined;
  onlyBinary?: boolean | undefined;
  json: boolean;
  /** Refuse before writing what `verify` with this policy would refuse. */
  policy?: string | undefined;
  /** Sign the manifest with this PEM private key (Ed25519 or ECDSA P-256). */
  signKey?: string | undefined;
}

/** createdAt: --now, else SOURCE_DATE_EPOCH (reproducible builds), else the clock; to the second. */
function createdAt(now: string | undefined, clock: Date): string {
  const sde = process.env.SOURCE_DATE_EPOCH;
  let d = clock;
  if (now === undefined && sde !== undefined) {
    if (!/^\d+$/.test(sde)) throw new UsageError('USAGE', `SOURCE_DATE_EPOCH must be whole seconds, got '${sde}'`);
    d = new Date(Number(sde) * 1000);
  }
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

// The connected-side modules load only when this command runs.
const lockModule = () => import('../../lock/index.ts');
const sourcesModule = () => import('../../sources/index.ts');

async function packageInput(
  a: BundleArgs,
): Promise<{ input: PackageInput; sources: ManifestSources; lock?: LockFile }> {
  const { parseSpecs, readLock, readLockFile } = await lockModule();
  const { parseBaseUrl } = await sourcesModule();
  const modes = [a.requirement, a.lock, a.fromDir, a.specs?.length ? 'specs' : undefined].filter(
    (m) => m !== undefined,
  );
  if (modes.length !== 1)
    throw new UsageError(
      'USAGE',
      'give exactly one of -r FILE, --lock FILE, --from-dir DIR or NAME==VERSION arguments',
    );
  const filters: FileFilters = {};
  if (a.platform?.length) filters.platforms = a.platform;
  if (a.pythonVersion !== undefined) {
    if (!/^\d+\.\d+$/.test(a.pythonVersion))
      throw new UsageError('USAGE', `--python-version must be MAJOR.MINOR (e.g. 3.12), got '${a.pythonVersion}'`);
    filters.pythonVersion = a.pythonVersion;
  }
  if (a.onlyBinary) filters.onlyBinary = true;
  if (!a.specs?.length && Object.keys(filters).length) {
    throw new UsageError(
      'USAGE',
      '--platform, --python-version and --only-binary filter NAME==VERSION arguments; a lock or folder already ' +
        'names its files',
    );
  }
  if (a.fromDir !== undefined) return { input: { kind: 'dir', dir: a.fromDir }, sources: { fromDir: a.fromDir } };
  const indexUrl = parseBaseUrl(a.indexUrl, '--index-url');
  const sources: ManifestSources = { indexUrl: indexUrl.href };
  let entries: LockEntry[];
  let lock: LockFile | undefined;
  if (a.specs?.length) {
    entries = parseSpecs(a.specs);
  } else if (a.lock !== undefined) {
    // Read once: the bytes parsed are the bytes the bundle carries, for the air-gapped side to decide with.
    lock = await readLockFile(a.lock);
    entries = lock.entries;
    sources.lock = a.lock;
  } else {
    entries = await readLock('requirements', a.requirement!);
    sources.lock = a.requirement!;
  }
  return { input: { kind: 'index', entries, indexUrl, filters }, sources, ...(lock ? { lock } : {}) };
}

export function checkSourceArgs(a: SourceArgs): void {
  if (!Number.isInteger(a.jobs) || a.jobs < 1 || a.jobs > 64)
    throw new UsageError('USAGE', `--jobs must be an integer from 1 to 64, got ${a.jobs}`);
  if (!Number.isFinite(a.timeout) || a.timeout <= 0)
    throw new UsageError('USAGE', `--timeout must be a positive number of seconds, got ${a.timeout}`);
}

/** The pinned root and the TUF copy (--tuf-dir, else --tuf-url or the instance's CDN) the options name. */
export async function tufSource(a: SourceArgs): Promise<{ pinned: PinnedRoot; tuf: TufInput }> {
  const { TUF_URLS, parseBaseUrl } = await sourcesModule();
  const { loadPinnedRoot } = await import('../../tuf/index.ts');
  const pinned = await loadPinnedRoot(
    a.root !== undefined ? { rootFile: a.root } : { instance: a.instance ?? 'public-good' },
  );
  if (a.tufDir !== undefined) return { pinned, tuf: { kind: 'dir', dir: a.tufDir } };
  const url = parseBaseUrl(a.tufUrl ?? TUF_URLS[a.instance ?? 'public-good'], '--tuf-url');
  return { pinned, tuf: { kind: 'url', url } };
}

export async function bundle(a: BundleArgs): Promise<CommandResult> {
  checkSourceArgs(a);
  const clock = parseNow(a.now);
  const { bundleReport, createBundle, httpOptions, reportText } = await sourcesModule();
  const { input, sources, lock } = await packageInput(a);
  const { pinned, tuf } = await tufSource(a);
  if (tuf.kind === 'dir') sources.tufDir = tuf.dir;
  else sources.tufUrl = tuf.url.href;
  // Checked before any download: a bad policy file never costs a long run.
  const policy = a.policy === undefined ? undefined : await (await import('./bundle-policy.ts')).loadPolicy(a.policy);
  const signKey = a.signKey === undefined ? undefined : await (await import('./signers.ts')).loadSignKey(a.signKey);
  const progress = createProgress('downloading', { json: a.json });
  const writing = createProgress('writing', { json: a.json });
  let done = 0;
  let total = 0;
  let target: { dir: string; path: string } | undefined;
  try {
    target = policy ? await (await import('./bundle-policy.ts')).stagedOutput(a.output) : undefined;
    const out = await createBundle({
      output: target?.path ?? a.output,
      packages: input,
      tuf,
      pinned,
      now: clock,
      createdAt: createdAt(a.now, clock),
      sources,
      jobs: a.jobs,
      http: httpOptions(a.timeout),
      progress: {
        addTotal: (n) => {
          total += n;
        },
        addDone: (n) => {
          done += n;
          progress.update(done, total);
        },
      },
      onWriteProgress: (d, t) => writing.update(d, t),
      ...(signKey ? { signKey } : {}),
      ...(lock ? { lockBytes: lock.bytes } : {}),
    });
    if (policy && target) {
      const { checkStaged } = await import('./bundle-policy.ts');
      const refused = await checkStaged(target, a.output, {
        policy,
        now: clock,
        nowSource: a.now === undefined ? 'clock' : '--now',
        ...(lock ? { lock } : {}),
        ...(a.root !== undefined ? { rootFile: a.root } : { instance: a.instance ?? 'public-good' }),
      });
      if (refused) return refused;
    }
    const r = bundleReport(a.output, out.manifest, out.sha256, out.size);
    return { exitCode: 0, text: reportText(r), json: r };
  } catch (e) {
    if (target) await (await import('../../util/atomic.ts')).discardTemp(target.dir);
    throw e;
  } finally {
    progress.done();
    writing.done();
  }
}
