import { pipeline } from 'node:stream/promises';

/**
 * stream.pipeline over a list built at run time (optional compression stages)
 * and over tar-stream's streamx streams, which Node's pipeline accepts but
 * whose types are not Node's.
 */
export function pipeAll(streams: unknown[]): Promise<void> {
  return (pipeline as unknown as (s: unknown[]) => Promise<void>)(streams);
}
