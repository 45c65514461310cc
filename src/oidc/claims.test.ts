import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { consentItems, releasedClaims } from './claims.js';
import type { AccountRecord } from '../storage/records.js';

const account: AccountRecord = {
  accountId: 'u1', username: 'ada', passwordHash: 'x', email: 'ada@example.com', emailVerified: true, name: 'Ada',
  profile: { givenName: 'Ada', locale: 'en-GB', phoneNumber: '+44 20 7946 0000', address: { country: 'GB' } },
  createdAt: 1, updatedAt: 2,
};

describe('claims per scope and per request (OIDC Core §5.4, §5.5)', () => {
  it('releases each scope\'s claims that have values, and sub always', () => {
    assert.deepEqual(releasedClaims(account, ['openid'], null, 'userinfo'), { sub: 'u1' });
    assert.deepEqual(releasedClaims(account, ['openid', 'phone', 'address'], null, 'userinfo'),
      { sub: 'u1', phone_number: '+44 20 7946 0000', phone_number_verified: false, address: { country: 'GB' } });
    const profile = releasedClaims(account, ['profile'], null, 'id_token');
    assert.equal(profile.given_name, 'Ada');
    assert.equal(profile.family_name, undefined, 'no value, no claim');
    assert.equal(profile.updated_at, 2);
  });

  it('adds claims asked of this target by name, matching value/values, and makes uncovered ones consent items', () => {
    const claims = { userinfo: { given_name: null, locale: { value: 'fr-FR' } }, id_token: { email: { essential: true } } };
    assert.deepEqual(releasedClaims(account, ['openid'], claims, 'userinfo'), { sub: 'u1', given_name: 'Ada' });
    assert.deepEqual(releasedClaims(account, ['openid'], claims, 'id_token'), { sub: 'u1', email: 'ada@example.com' });
    assert.deepEqual(consentItems(['openid', 'email'], claims), ['openid', 'email', 'claim:given_name', 'claim:locale']);
    assert.deepEqual(consentItems(['openid'], { userinfo: { unknown_claim: null } }), ['openid'], 'unknown claims are never released');
  });
});
