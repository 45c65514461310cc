// Closed-loop load: N virtual users, each with its own state (cookie jar, tokens), run one
// operation after another; latency is end to end per operation. A warm-up phase is run and
// discarded. A user whose operation failed is set up afresh, untimed. A workload whose users
// hold a prepared, finite supply (live sessions to end) says how many operations each has: the
// warm-up then ends after a quarter of it at the latest, and the window closes early once every
// user has used it up.
import { createHistogram } from 'node:perf_hooks';
import { startWindow } from '../measure/process-stats.js';
import { sampleError, type LoadOptions, type Measurement } from './measurement.js';

export interface LoopWorkload<State> {
  newUser(): Promise<State>;
  operation(state: State): Promise<void>;
  /** Operations each user's state allows (prepared before the clock); unlimited when absent. */
  supplyPerUser?: number;
}

export async function runClosedLoop<State>(workload: LoopWorkload<State>, options: LoadOptions): Promise<Measurement> {
  const users = await Promise.all(Array.from({ length: options.concurrency }, () => workload.newUser()));
  const histogram = createHistogram();
  const errorSamples: string[] = [];
  let ops = 0;
  let errors = 0;
  let measuring = false;
  let stopping = false;
  const supply = workload.supplyPerUser ?? Infinity;
  let used = 0;
  let quarterUsed: () => void = () => undefined;
  const warmedUp = new Promise<void>((resolve) => { quarterUsed = resolve; });

  const loop = async (index: number) => {
    let state = users[index] as State;
    for (let n = 0; n < supply && !stopping; n++) {
      if (++used >= (supply * users.length) / 4) quarterUsed();
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
  const sleep = (ms: number, orSooner: Promise<unknown> = allDone) => {
    let timer: NodeJS.Timeout | undefined;
    return Promise.race([new Promise((r) => { timer = setTimeout(r, ms); }), orSooner]).finally(() => clearTimeout(timer));
  };
  await sleep(options.warmupMs, warmedUp);
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
