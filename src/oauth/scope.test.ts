import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { coversScopes, parseScope, requireAllowedScopes } from './scope.js';
import { OAuthError } from './errors.js';

describe('scope (RFC 6749 §3.3)', () => {
  const cases = [
    { name: 'splits on spaces and drops duplicates', input: 'openid  profile openid', expected: ['openid', 'profile'] },
    { name: 'treats an absent scope as empty', input: undefined, expected: [] },
    { name: 'keeps case (scopes are case-sensitive)', input: 'OpenID openid', expected: ['OpenID', 'openid'] },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(parseScope(c.input), c.expected));

  it('refuses characters outside NQCHAR', () => {
    assert.throws(() => parseScope('openid "quoted"'), (e: unknown) => e instanceof OAuthError && e.code === 'invalid_scope');
  });

  it('refuses scopes the client may not request', () => {
    assert.throws(() => requireAllowedScopes(['openid', 'admin'], ['openid']), (e: unknown) => e instanceof OAuthError && e.code === 'invalid_scope');
    assert.deepEqual(requireAllowedScopes(['openid'], ['openid', 'email']), ['openid']);
  });

  it('tells whether granted scopes cover a request', () => {
    assert.equal(coversScopes(['openid', 'email'], ['email']), true);
    assert.equal(coversScopes(['openid'], ['openid', 'email']), false);
  });
});
