/**
 * Housekeeping in chunks (purges, archiving): runs `chunk` until it handles fewer than `size`
 * rows, each call its own short transaction, so no purge holds a lock or a connection for a
 * whole backlog and other work gets the database between chunks. Once `stopping` is aborted (the
 * PeriodicTask's stop) no further chunk begins: the rest is the next run's. Returns the total handled.
 */
export async function inChunks(size: number, chunk: () => Promise<number>, stopping?: AbortSignal): Promise<number> {
  let total = 0;
  for (;;) {
    const handled = await chunk();
    total += handled;
    if (handled < size || stopping?.aborted) return total;
  }
}
