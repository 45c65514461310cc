// Login throttling policy (RFC 6819 §4.4.3.1 online guessing, OWASP ASVS V2.2.1): every attempt
// is reserved before its password is checked, per username and per client address. A username
// gets `maxFailures` free failures, then waits `delay` seconds, doubling per failure up to
// `maxDelay`: never a hard lock, so five requests from an attacker cost the rightful user 30 s.
// An address gets `maxFailuresPerAddress` failures, then one attempt per `window`, so one source
// cannot spray many usernames. Counters are forgotten a `window` after their wait ends. The
// stores only count (ports.ts#AttemptSchedule); the thresholds and delays are decided here.
import { isIPv4, isIPv6 } from 'node:net';
import { scheduledWait, type AttemptSchedule, type LoginThrottleStore } from '../storage/ports.js';

export interface LoginThrottlePolicy {
  maxFailures: number;
  delay: number;
  maxDelay: number;
  window: number;
  maxFailuresPerAddress: number;
}

export interface LoginAttempt {
  username: string;
  /** The client's IP address as the HTTP layer sees it (behind `trustProxy`, the forwarded one). */
  address: string;
}

export type LoginThrottleDecision =
  | { allowed: true; usernameFailures: number; addressFailures: number }
  | { allowed: false; retryAfter: number; limitedBy: 'username' | 'address' };

/** The username's schedule: free failures, then a delay doubling up to the cap. */
export function usernameSchedule(policy: LoginThrottlePolicy): AttemptSchedule {
  const delays: number[] = [];
  for (let wait = policy.delay; wait < policy.maxDelay; wait *= 2) delays.push(wait);
  delays.push(policy.maxDelay);
  return { free: policy.maxFailures, delays, forgetAfter: policy.window };
}

/** The address's schedule: a budget of failures, then one attempt per window. */
export function addressSchedule(policy: LoginThrottlePolicy): AttemptSchedule {
  return { free: policy.maxFailuresPerAddress, delays: [policy.window], forgetAfter: policy.window };
}

/** Usernames are throttled case-insensitively, whether or not the account exists. */
export function usernameThrottleKey(username: string): string {
  return `user:${username.trim().toLowerCase()}`;
}

/**
 * An IPv4 address as is; an IPv6 address by its /64, the block one host or home usually holds
 * (so rotating through it buys nothing); an IPv4-mapped IPv6 address as its IPv4 address.
 */
export function addressThrottleKey(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return `addr:${mapped[1]}`;
  if (isIPv4(address) || !isIPv6(address.split('%')[0]!)) return `addr:${address}`;
  return `addr:${ipv6Prefix64(address.split('%')[0]!)}::/64`;
}

function ipv6Prefix64(address: string): string {
  const [head = '', tail] = address.split('::');
  const groups = (part: string) => (part ? part.split(':') : []).flatMap((g) => (g.includes('.') ? ['0', '0'] : [g]));
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  const all = [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right];
  return all.slice(0, 4).map((g) => parseInt(g, 16).toString(16)).join(':');
}

/**
 * Reserves one attempt for the address, then for the username; a refusal takes back what was
 * reserved. Call before the password check; then `loginSucceeded` or nothing (the failure is
 * already counted).
 */
export async function reserveLoginAttempt(
  attempt: LoginAttempt, now: number, policy: LoginThrottlePolicy, store: LoginThrottleStore,
): Promise<LoginThrottleDecision> {
  const address = await store.reserve(addressThrottleKey(attempt.address), now, addressSchedule(policy));
  if (!address.allowed) return { allowed: false, retryAfter: address.retryAfter, limitedBy: 'address' };
  const username = await store.reserve(usernameThrottleKey(attempt.username), now, usernameSchedule(policy));
  if (!username.allowed) {
    await store.release(addressThrottleKey(attempt.address));
    return { allowed: false, retryAfter: username.retryAfter, limitedBy: 'username' };
  }
  return { allowed: true, usernameFailures: username.attempts, addressFailures: address.attempts };
}

/** After a failure counted as `failures`: the seconds the username now waits (0: none). */
export function usernameDelayAfter(failures: number, policy: LoginThrottlePolicy): number {
  return scheduledWait(usernameSchedule(policy), failures);
}

/** A correct password: the username starts afresh; the address only gets its attempt back. */
export async function loginSucceeded(attempt: LoginAttempt, store: LoginThrottleStore): Promise<void> {
  await store.clear(usernameThrottleKey(attempt.username));
  await store.release(addressThrottleKey(attempt.address));
}

/** `gatehouse user unlock`: lifts every delay on the username. */
export async function unlockUsername(username: string, store: LoginThrottleStore): Promise<void> {
  await store.clear(usernameThrottleKey(username));
}
