// The WAL checkpointer's thread (started by checkpointer.ts): its own connection copies the WAL
// back into the database file, so the copy and its fsyncs never run on the server's event loop.
// Every `interval` ms a PASSIVE checkpoint copies what it can without taking any lock a writer
// needs. Under steady writes a passive checkpoint never catches up with the last commit, so the
// WAL would only grow. Once it holds `maxWalPages` frames, more passive passes follow while each
// finds clearly fewer new frames than the one before, and then a RESTART checkpoint copies the few
// frames left and makes the next commit write from the start of the file again. Only that last
// step holds the write lock, for a copy of a few frames and its two fsyncs; the server's writes
// meanwhile wait asynchronously (lock-wait.ts) and are woken by the 'restarted' message.
// Not TRUNCATE: measured under the bench's load, shrinking the file held the write lock for
// ~45 ms against ~6–15 ms for RESTART, and every commit after it had to grow the file again.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

export interface CheckpointWorkerData {
  path: string;
  interval: number;
  maxWalPages: number;
}

export type CheckpointMessage =
  | { type: 'ready' }
  | { type: 'restarted'; walPages: number; busy: boolean }
  | { type: 'failed'; message: string };

interface CheckpointRow { busy: number; log: number; checkpointed: number }

const { path, interval, maxWalPages } = workerData as CheckpointWorkerData;
const port = parentPort!;
const post = (message: CheckpointMessage) => port.postMessage(message);

/** Catch-up passes before the RESTART, at most: each copies what the one before left behind. */
const maxCatchUpPasses = 8;

// This thread may sleep in SQLite's busy handler: it blocks nobody but itself.
const db = new Database(path, { fileMustExist: true, timeout: 1000 });
db.pragma('synchronous = NORMAL');
db.pragma('wal_autocheckpoint = 0');
const passive = db.prepare<[], CheckpointRow>('PRAGMA wal_checkpoint(PASSIVE)');
const restart = db.prepare<[], CheckpointRow>('PRAGMA wal_checkpoint(RESTART)');

/** Passive passes while they shrink: the frames committed during a pass are the next one's work. */
function catchUp(first: CheckpointRow): CheckpointRow {
  let row = first;
  let previous = Infinity;
  for (let pass = 0; pass < maxCatchUpPasses; pass++) {
    const next = passive.get()!;
    // A commit may have restarted the WAL meanwhile (everything was copied): then all its frames are new.
    const fresh = next.log >= row.log ? next.log - row.log : next.log;
    row = next;
    if (fresh >= previous * 0.8) break;
    previous = fresh;
  }
  return row;
}

function checkpoint(): void {
  let restarting = false;
  let walPages = 0;
  let busy = false;
  try {
    const row = passive.get()!;
    if (row.log < maxWalPages) return;
    walPages = catchUp(row).log;
    restarting = true;
    busy = restart.get()!.busy !== 0;
  } catch (error) {
    // SQLITE_BUSY (another checkpointer, a writer holding on past the busy timeout): next tick.
    if (!String((error as { code?: unknown }).code).startsWith('SQLITE_BUSY')) post({ type: 'failed', message: (error as Error).message });
  } finally {
    // Writers that found the lock taken retry now rather than on their next timer.
    if (restarting) post({ type: 'restarted', walPages, busy });
  }
}

const timer = setInterval(checkpoint, interval);
port.on('message', (message: unknown) => {
  if (message !== 'stop') return;
  clearInterval(timer);
  db.close();
  port.close();
});
post({ type: 'ready' });
