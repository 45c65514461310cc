// Closed-loop load: N virtual users, each with its own state (cookie jar, tokens), run one
// operation after another; latency is end to end per operation. A warm-up phase is run and
// discarded. A user whose operation failed is set up afresh, untimed. A workload whose users
// hold a prepared, finite supply (live sessions to end) says when a user has used it up; the
// window then closes early once every user has.
import { createHistogram } from 'node:perf_hooks';
import { startWindow } from '../measure/process-stats.js';
import { sampleError, type LoadOptions, type Measurement } from './measurement.js';

export interface LoopWorkload<State> {
  newUser(): Promise<State>;
  operation(state: State): Promise<void>;
  /** True when this user has nothing left to operate on (prepared before the clock); it stops. */
  exhausted?(state: State): boolean;
}

export async function runClosedLoop<State>(workload: LoopWorkload<State>, options: LoadOptions): Promise<Measurement> {
  const users = await Promise.all(Array.from({ length: options.concurrency }, () => workload.newUser()));
  const histogram = createHistogram();
  const errorSamples: string[] = [];
  let ops = 0;
  let errors = 0;
  let measuring = false;
  let stopping = false;
  const exhausted = workload.exhausted ?? (() => false);

  const loop = async (index: number) => {
    let state = users[index] as State;
    while (!stopping && !exhausted(state)) {
      const started = process.hrtime.bigint();
      try {
        await workload.operation(state);
        if (measuring) {
          ops++;
          histogram.record(process.hrtime.bigint() - started);
        }
      } catch (error) {
        if (measuring) {
          errors++;
          sampleError(errorSamples, error);
        }
        try {
          state = await workload.newUser();
        } catch (setupError) {
          if (measuring) sampleError(errorSamples, setupError);
          await new Promise((r) => setTimeout(r, 50));
        }
      }
    }
  };

  const running = users.map((_, i) => loop(i));
  const allDone = Promise.all(running);
  const sleep = (ms: number) => {
    let timer: NodeJS.Timeout | undefined;
    return Promise.race([new Promise((r) => { timer = setTimeout(r, ms); }), allDone]).finally(() => clearTimeout(timer));
  };
  await sleep(options.warmupMs);
  const endWindow = startWindow(options.serverPid);
  measuring = true;
  await sleep(options.durationMs);
  measuring = false;
  const usage = endWindow();
  stopping = true;
  await allDone;

  return {
    ops,
    errors,
    opsPerSec: ops / usage.seconds,
    p50Ms: ops ? histogram.percentile(50) / 1e6 : NaN,
    p99Ms: ops ? histogram.percentile(99) / 1e6 : NaN,
    errorSamples,
    usage,
    client: 'closed-loop',
  };
}
