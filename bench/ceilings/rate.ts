// The measuring loop every single-process ceiling shares: warm up, then run `operation` one call
// after another for `durationMs` and print {"perSecond": …} as the runner expects.
export async function printRatePerSecond(operation: () => Promise<unknown>, durationMs: number, warmup = 50): Promise<void> {
  for (let i = 0; i < warmup; i++) await operation();
  let ops = 0;
  const started = performance.now();
  while (performance.now() - started < durationMs) {
    await operation();
    ops++;
  }
  console.log(JSON.stringify({ perSecond: ops / ((performance.now() - started) / 1000) }));
}
