// What a provenance worker runs. From a clone: worker-main.ts, by path. The
// one-file build (scripts/build.ts) replaces this module with one that starts
// the build's own script: the npm package's airlock.cjs by its path, or inside
// the single executable the same script embedded as an asset and run with
// `eval` (a SEA has no file to point a Worker at); that script's entry
// (lib/cli/sea-entry.ts) serves the pool when it finds itself in a worker.

export type WorkerScript = { file: URL | string } | { code: string };

export function workerScript(): WorkerScript {
  return { file: new URL('./worker-main.ts', import.meta.url) };
}
