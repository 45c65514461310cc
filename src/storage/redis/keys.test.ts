// Unit tests for Redis key naming, record lifetimes and error translation.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { redisKeys, ttlFor } from './keys.js';
import { translateRedisError } from './connection.js';
import { StorageUnavailableError } from '../ports.js';

const replyError = (message: string) => Object.assign(new Error(message), { name: 'ReplyError' });

describe('Redis keys and lifetimes', () => {
  it('prefixes every key so deployments and test runs can share one Redis', () => {
    const keys = redisKeys('gh:');
    assert.equal(keys.code('abc'), 'gh:code:abc');
    assert.equal(keys.revoked('grant', 'g1'), `${keys.revokedPrefix}grant:g1`);
    assert.ok(keys.expiryIndex('session').startsWith('gh:'));
  });

  it('keeps a record until expiresAt by the wall clock plus the retention, never less than the retention', () => {
    const ttl = ttlFor(600, () => 1_000);
    assert.equal(ttl(1_060), 660);
    assert.equal(ttl(900), 600);
  });
});

describe('Redis error translation', () => {
  const cases = [
    { name: 'a refused connection', error: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), unavailable: true },
    { name: 'a disabled offline queue', error: new Error("Stream isn't writeable and enableOfflineQueue options is false"), unavailable: true },
    { name: 'a command timeout', error: new Error('Command timed out'), unavailable: true },
    { name: 'a server still loading its data', error: replyError('LOADING Redis is loading the dataset in memory'), unavailable: true },
    { name: 'a script error', error: replyError('ERR Error running script'), unavailable: false },
  ];
  for (const { name, error, unavailable } of cases) {
    it(`${unavailable ? 'treats' : 'does not treat'} ${name} as unavailability`, () => {
      assert.equal(translateRedisError(error) instanceof StorageUnavailableError, unavailable);
    });
  }
});
