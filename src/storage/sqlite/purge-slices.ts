// Expired rows are deleted a slice at a time: each slice is its own short transaction, and the
// event loop runs between slices, so a purge of thousands of rows never holds the write lock (or
// the loop) for more than one slice's worth of deletes.

/** Rows per transaction; a slice of deletes with their index updates takes well under a millisecond. */
export const purgeSliceRows = 100;

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Runs `deleteSlice(now, n)` until `limit` rows are gone or a slice comes back short; returns the count. */
export async function purgeInSlices(deleteSlice: (now: number, limit: number) => number, now: number, limit: number): Promise<number> {
  let purged = 0;
  while (purged < limit) {
    if (purged > 0) await nextTurn();
    const want = Math.min(purgeSliceRows, limit - purged);
    const deleted = deleteSlice(now, want);
    purged += deleted;
    if (deleted < want) break;
  }
  return purged;
}
