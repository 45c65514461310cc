// Waiting for SQLite's write lock without blocking the event loop. The connection's busy timeout
// is 0, so a statement that finds the lock held by another connection (the CLI, another node on
// the file, the checkpoint worker's short final checkpoint) fails at once with SQLITE_BUSY instead
// of sleeping inside SQLite while every other request waits. The port call is then retried from a
// timer with a growing delay (or as soon as the checkpointer says it let go of the lock), until
// `timeout` ms have passed; then it fails with StorageUnavailableError, which HTTP answers with
// 503 temporarily_unavailable (RFC 6749 §5.2, §4.1.2.1). Reads never wait: WAL readers do not
// take the write lock.
import { performance } from 'node:perf_hooks';
import { StorageUnavailableError } from '../ports.js';

export interface LockWait {
  /** The same store whose methods retry on SQLITE_BUSY. A busy call has changed nothing (see below). */
  wrap<T extends object>(store: T): T;
  /** Retries every waiting call now (the lock holder said it is done). */
  wake(): void;
  /** Fails every waiting call (the storage is closing). */
  close(): void;
}

/** SQLITE_BUSY and its extended codes (BUSY_SNAPSHOT, BUSY_RECOVERY, BUSY_TIMEOUT). */
export function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY');
}

const maxDelayMs = 25;

/**
 * Every port method of the SQLite adapter is one statement or one transaction, so SQLITE_BUSY
 * (raised when the statement or BEGIN IMMEDIATE starts) means nothing was written and the call can
 * simply run again.
 */
export function createLockWait({ timeout }: { timeout: number }): LockWait {
  const waiting = new Set<() => void>();
  let closed = false;

  function retry<T>(attempt: () => Promise<T>, firstError: unknown): Promise<T> {
    const deadline = performance.now() + timeout;
    return new Promise<T>((resolve, reject) => {
      let delay = 1;
      let timer: NodeJS.Timeout | undefined;
      const run = () => {
        clearTimeout(timer);
        waiting.delete(run);
        if (closed) {
          reject(new StorageUnavailableError('the SQLite database is closing', { cause: firstError }));
          return;
        }
        attempt().then(resolve, (error: unknown) => {
          if (!isBusy(error)) reject(error);
          else if (performance.now() >= deadline) {
            reject(new StorageUnavailableError(`the SQLite database stayed locked by another connection for ${timeout} ms`, { cause: error }));
          } else schedule();
        });
      };
      const schedule = () => {
        waiting.add(run);
        timer = setTimeout(run, delay);
        delay = Math.min(delay * 2, maxDelayMs);
      };
      schedule();
    });
  }

  function call<T>(method: (...args: unknown[]) => Promise<T>, self: object, args: unknown[]): Promise<T> {
    const attempt = () => {
      try {
        return method.apply(self, args);
      } catch (error) {
        return Promise.reject(error);
      }
    };
    let result: unknown;
    try {
      result = method.apply(self, args);
    } catch (error) {
      result = Promise.reject(error);
    }
    // A synchronous method (a key store's `watch`, `stopWatching`) touches no lock: as it is.
    if (!(result instanceof Promise)) return result as Promise<T>;
    return (result as Promise<T>).catch((error: unknown) => (isBusy(error) && !closed ? retry(attempt, error) : Promise.reject(error)));
  }

  return {
    wrap<T extends object>(store: T): T {
      const wrapped: Record<string, unknown> = {};
      for (const [name, value] of Object.entries(store)) {
        wrapped[name] = typeof value === 'function'
          ? (...args: unknown[]) => call(value as (...a: unknown[]) => Promise<unknown>, store, args)
          : value;
      }
      return wrapped as T;
    },
    wake() {
      for (const run of [...waiting]) run();
    },
    close() {
      closed = true;
      for (const run of [...waiting]) run();
    },
  };
}
