// Freshness lifetime of a fetched response (RFC 9111 §4.2.1, §5.2.2, §5.3).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { freshnessLifetime } from './cache-lifetime.js';

describe('freshness lifetime (RFC 9111 §4.2.1)', () => {
  const now = Date.parse('2026-01-01T00:00:00Z') / 1000;
  const cases: Array<[string, Record<string, string>, number | null]> = [
    ['max-age', { 'cache-control': 'public, max-age=600' }, 600],
    ['max-age wins over Expires', { 'cache-control': 'max-age=60', expires: 'Thu, 01 Jan 2026 01:00:00 GMT' }, 60],
    ['no-store', { 'cache-control': 'no-store, max-age=600' }, 0],
    ['no-cache', { 'cache-control': 'no-cache' }, 0],
    ['Expires minus Date', { expires: 'Thu, 01 Jan 2026 01:00:00 GMT', date: 'Thu, 01 Jan 2026 00:30:00 GMT' }, 1800],
    ['Expires minus now without Date', { expires: 'Thu, 01 Jan 2026 01:00:00 GMT' }, 3600],
    ['an invalid Expires is already expired (§5.3)', { expires: '0' }, 0],
    ['an Expires in the past', { expires: 'Wed, 31 Dec 2025 00:00:00 GMT' }, 0],
    ['nothing said', {}, null],
  ];
  for (const [name, headers, expected] of cases) {
    it(name, () => assert.equal(freshnessLifetime(headers, now), expected));
  }
});
