// The WAL checkpointer's thread (started by checkpointer.ts): its own connection copies the WAL
// back into the database file, so the copy and its fsyncs never run on the server's event loop.
// Every `interval` ms a PASSIVE checkpoint copies what it can without taking any lock a writer
// needs. Under steady writes a passive checkpoint never catches up with the last commit, so the
// WAL would only grow; once it holds `maxWalPages` frames, one more passive round copies the bulk
// and a TRUNCATE checkpoint copies the few frames left, holding the write lock for just that, and
// empties the file. The server's writes meanwhile wait asynchronously (lock-wait.ts) and are woken
// by the 'truncated' message.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

export interface CheckpointWorkerData {
  path: string;
  interval: number;
  maxWalPages: number;
}

export type CheckpointMessage =
  | { type: 'ready' }
  | { type: 'truncated'; walPages: number; busy: boolean }
  | { type: 'failed'; message: string };

interface CheckpointRow { busy: number; log: number; checkpointed: number }

const { path, interval, maxWalPages } = workerData as CheckpointWorkerData;
const port = parentPort!;
const post = (message: CheckpointMessage) => port.postMessage(message);

// This thread may sleep in SQLite's busy handler: it blocks nobody but itself.
const db = new Database(path, { fileMustExist: true, timeout: 1000 });
db.pragma('synchronous = NORMAL');
db.pragma('wal_autocheckpoint = 0');
const passive = db.prepare<[], CheckpointRow>('PRAGMA wal_checkpoint(PASSIVE)');
const truncate = db.prepare<[], CheckpointRow>('PRAGMA wal_checkpoint(TRUNCATE)');

function checkpoint(): void {
  try {
    const pages = passive.get()!.log;
    if (pages < maxWalPages) return;
    passive.get();
    const result = truncate.get()!;
    post({ type: 'truncated', walPages: pages, busy: result.busy !== 0 });
  } catch (error) {
    // SQLITE_BUSY (another checkpointer, a writer holding on past the busy timeout): next tick.
    if (!String((error as { code?: unknown }).code).startsWith('SQLITE_BUSY')) post({ type: 'failed', message: (error as Error).message });
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
