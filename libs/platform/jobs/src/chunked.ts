/**
 * Housekeeping in chunks (purges, archiving): runs `chunk` until it handles fewer than `size`
 * rows, each call its own short transaction, so no purge holds a lock or a connection for a
 * whole backlog and other work gets the database between chunks. Returns the total handled.
 */
export async function inChunks(size: number, chunk: () => Promise<number>): Promise<number> {
  let total = 0;
  for (;;) {
    const handled = await chunk();
    total += handled;
    if (handled < size) return total;
  }
}
