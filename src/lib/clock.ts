// Time as data: every rule that depends on "now" receives a Clock, so tests can move time.

/** Returns the current time in whole seconds since the epoch. */
export type Clock = () => number;

export const systemClock: Clock = () => Math.floor(Date.now() / 1000);

/** A clock tests can set and advance instead of sleeping. */
export function manualClock(start = Math.floor(Date.now() / 1000)): Clock & { advance(seconds: number): void; set(t: number): void } {
  let now = start;
  const clock = (() => now) as Clock & { advance(seconds: number): void; set(t: number): void };
  clock.advance = (seconds: number) => { now += seconds; };
  clock.set = (t: number) => { now = t; };
  return clock;
}
