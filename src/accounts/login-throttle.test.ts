import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { scheduledWait } from '../storage/ports.js';
import { addressSchedule, addressThrottleKey, usernameDelayAfter, usernameSchedule, usernameThrottleKey } from './login-throttle.js';

const policy = { maxFailures: 5, delay: 30, maxDelay: 900, window: 900, maxFailuresPerAddress: 50 };

describe('login throttle policy', () => {
  it('gives a username 5 free failures, then 30 s doubling up to 15 min, never a lock (issue 9, OWASP ASVS V2.2.1)', () => {
    assert.deepEqual(usernameSchedule(policy), { free: 5, delays: [30, 60, 120, 240, 480, 900], forgetAfter: 900 });
    const waits = Array.from({ length: 14 }, (_, failures) => usernameDelayAfter(failures, policy));
    assert.deepEqual(waits, [0, 0, 0, 0, 0, 30, 60, 120, 240, 480, 900, 900, 900, 900]);
  });

  it('caps at once when the first delay is not below the cap', () => {
    assert.deepEqual(usernameSchedule({ ...policy, delay: 1000 }).delays, [900]);
  });

  it('gives an address a budget of failures, then one attempt per window', () => {
    const schedule = addressSchedule(policy);
    assert.equal(scheduledWait(schedule, 49), 0);
    assert.equal(scheduledWait(schedule, 50), 900);
    assert.equal(scheduledWait(schedule, 500), 900);
  });

  it('throttles usernames case-insensitively', () => {
    assert.equal(usernameThrottleKey(' Alice '), usernameThrottleKey('alice'));
  });

  const addresses: Array<{ name: string; input: string; expected: string }> = [
    { name: 'IPv4 as is', input: '203.0.113.9', expected: 'addr:203.0.113.9' },
    { name: 'IPv4-mapped IPv6 as IPv4', input: '::ffff:203.0.113.9', expected: 'addr:203.0.113.9' },
    { name: 'IPv6 by its /64', input: '2001:db8:1:2:aaaa:bbbb:cccc:dddd', expected: 'addr:2001:db8:1:2::/64' },
    { name: 'compressed IPv6 by its /64', input: '2001:DB8:0001::10', expected: 'addr:2001:db8:1:0::/64' },
    { name: 'loopback IPv6', input: '::1', expected: 'addr:0:0:0:0::/64' },
    { name: 'IPv6 with a zone', input: 'fe80::1%eth0', expected: 'addr:fe80:0:0:0::/64' },
  ];
  for (const { name, input, expected } of addresses) {
    it(`keys ${name} (one host holds a /64)`, () => assert.equal(addressThrottleKey(input), expected));
  }
});
