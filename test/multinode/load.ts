// A bounded load for fault tests: a fixed number of workers run operations until a count, a
// deadline or stop() is reached, and every outcome (HTTP status or network failure) is kept.
import type { JsonResponse } from './protocol.js';

export interface Outcome {
  /** Sequence number of the operation. */
  index: number;
  node: number;
  kind: string;
  startedAt: number;
  endedAt: number;
  /** The HTTP response, or undefined when the connection failed. */
  response?: JsonResponse;
  /** The network error's code or message when there was no HTTP response. */
  networkError?: string;
}

export interface Operation {
  node: number;
  kind: string;
  run(): Promise<JsonResponse>;
}

export interface LoadOptions {
  /** Upper bound on operations. */
  count: number;
  concurrency: number;
  /** Upper bound on wall time (ms). */
  maxDurationMs: number;
  /** Pause of each worker between operations (ms), so an outage does not become a busy loop. */
  pauseMs?: number;
  operation(index: number): Operation;
}

export interface Load {
  outcomes: Outcome[];
  /** Resolves when the load has finished. */
  done: Promise<Outcome[]>;
  /** Ends the load early; in-flight operations complete. */
  stop(): Promise<Outcome[]>;
}

function networkCode(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message;
}

export function startLoad(options: LoadOptions): Load {
  const outcomes: Outcome[] = [];
  const deadline = Date.now() + options.maxDurationMs;
  let next = 0;
  let stopped = false;

  async function worker(): Promise<void> {
    while (!stopped && next < options.count && Date.now() < deadline) {
      const index = next++;
      const operation = options.operation(index);
      const startedAt = Date.now();
      try {
        const response = await operation.run();
        outcomes.push({ index, node: operation.node, kind: operation.kind, startedAt, endedAt: Date.now(), response });
      } catch (error) {
        outcomes.push({ index, node: operation.node, kind: operation.kind, startedAt, endedAt: Date.now(), networkError: networkCode(error) });
      }
      if (options.pauseMs) await new Promise((resolve) => setTimeout(resolve, options.pauseMs));
    }
  }

  const done = Promise.all(Array.from({ length: options.concurrency }, worker)).then(() => outcomes);
  return {
    outcomes,
    done,
    stop() {
      stopped = true;
      return done;
    },
  };
}

/** Resolves once `predicate` holds, polling every 20 ms; rejects after `timeoutMs`. */
export async function until(predicate: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
