// Runs WAL checkpoints off the event loop, on a worker thread with its own connection
// (checkpoint-worker.ts). The server's connection sets `wal_autocheckpoint = 0`, so no commit
// ever pays for a checkpoint inline; if the worker cannot run, the connection falls back to
// SQLite's own automatic checkpoints, so the WAL stays bounded either way.
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import type { Database } from 'better-sqlite3';
import type { CheckpointMessage, CheckpointWorkerData } from './checkpoint-worker.js';

export interface CheckpointOptions {
  /** How often the worker checkpoints passively, in ms. */
  interval: number;
  /** WAL size, in pages, at which the worker starts it over (a short exclusive checkpoint at the end). */
  maxWalPages: number;
  /** Called once the worker has taken over checkpointing (for tests and metrics). */
  onReady?: () => void;
  /** Called after each time the worker restarted the WAL, with the pages it held (for tests and metrics). */
  onRestarted?: (walPages: number) => void;
}

export const defaultCheckpointOptions: CheckpointOptions = { interval: 1000, maxWalPages: 8192 };

export interface Checkpointer {
  /** Stops the worker and waits until its connection is closed. */
  stop(): Promise<void>;
}

/**
 * Starts the worker. Until it is ready the connection keeps checkpointing inline (a CLI command
 * that is done sooner never waits for the thread); from then on it never does.
 */
export function startCheckpointer(db: Database, path: string, options: CheckpointOptions, hooks: {
  /** The worker let go of the write lock after restarting the WAL. */
  onRestarted(walPages: number): void;
}): Checkpointer {
  const fallback = () => { if (db.open) db.pragma('wal_autocheckpoint = 10000'); };
  const data: CheckpointWorkerData = { path, interval: options.interval, maxWalPages: options.maxWalPages };
  const worker = new Worker(new URL('./checkpoint-worker.js', import.meta.url), { workerData: data });
  let exited = false;
  let ready = false;
  const exit = once(worker, 'exit').finally(() => { exited = true; fallback(); });
  worker.on('error', () => { /* the exit handler falls back to inline checkpoints */ });
  exit.catch(() => { /* the worker failed: inline checkpoints again */ });
  worker.on('message', (message: CheckpointMessage) => {
    if (message.type === 'ready') {
      if (!db.open || exited) return;
      ready = true;
      db.pragma('wal_autocheckpoint = 0');
      options.onReady?.();
    } else if (message.type === 'restarted') {
      hooks.onRestarted(message.walPages);
      options.onRestarted?.(message.walPages);
    } else {
      fallback();
      void worker.terminate();
    }
  });
  // The worker must not keep a process alive that has nothing else to do (a CLI command).
  worker.unref();
  return {
    async stop() {
      if (exited) return;
      // A worker still starting holds no transaction: no need to wait for it.
      if (ready) worker.postMessage('stop');
      else void worker.terminate();
      const timer = setTimeout(() => void worker.terminate(), 5000);
      try {
        await exit.catch(() => undefined);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
