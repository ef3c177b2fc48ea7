// Runs tasks with at most `limit` in flight. On the first failure no new task
// starts, the shared signal aborts the ones in flight, and once every started
// task has settled the first error is thrown: nothing keeps writing into a
// staging folder that the caller is about to remove.

export async function runPool<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T, signal: AbortSignal) => Promise<R>,
  outer?: AbortSignal,
): Promise<R[]> {
  const ctl = new AbortController();
  const onOuter = () => ctl.abort(outer?.reason);
  outer?.addEventListener('abort', onOuter, { once: true });
  const results = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  let firstError: unknown;
  async function worker(): Promise<void> {
    while (!failed && next < items.length) {
      const i = next++;
      try {
        results[i] = await task(items[i]!, ctl.signal);
      } catch (e) {
        if (!failed) {
          failed = true;
          firstError = e;
          ctl.abort(e);
        }
      }
    }
  }
  try {
    await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  } finally {
    outer?.removeEventListener('abort', onOuter);
  }
  if (failed) throw firstError;
  return results;
}
