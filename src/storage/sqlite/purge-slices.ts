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

/** Keys examined per transaction by a sweep, whatever share of them qualifies. */
export const sweepWindowRows = 250;

/**
 * For purges whose condition no index can find (grants nothing refers to any more): walks the
 * table in key order, `sweepWindowRows` keys per window, deleting up to a slice per transaction
 * with the event loop free between them, so no statement scans the whole table under the write
 * lock. `windowEnd(after)` is the last key of the window after `after` (null past the end);
 * `deleteInWindow(after, last, n)` deletes up to n qualifying rows with keys in (after, last].
 * Returns the count once `limit` rows are gone or the whole table has been walked.
 */
export async function sweepInWindows(
  windowEnd: (after: string) => string | null,
  deleteInWindow: (after: string, last: string, limit: number) => number,
  limit: number,
): Promise<number> {
  let purged = 0;
  let after = '';
  while (purged < limit) {
    const last = windowEnd(after);
    if (last === null) break;
    const want = Math.min(purgeSliceRows, limit - purged);
    const deleted = deleteInWindow(after, last, want);
    purged += deleted;
    if (deleted < want) after = last;
    await nextTurn();
  }
  return purged;
}
