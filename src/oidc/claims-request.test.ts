import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { matchesRequestedValue, parseClaimsRequest, requestedClaimNames, serializeClaimsRequest } from './claims-request.js';
import { OAuthError } from '../oauth/errors.js';

describe('the claims request parameter (OIDC Core §5.5)', () => {
  it('keeps userinfo and id_token members, null and { essential, value, values } entries, and ignores the rest', () => {
    const parsed = parseClaimsRequest(JSON.stringify({
      userinfo: { given_name: { essential: true, extra: 1 }, email: null },
      id_token: { acr: { values: ['a', 'b'] }, sub: { value: 'u1' } },
      unknown_member: { x: null },
    }));
    assert.deepEqual(parsed, {
      userinfo: { given_name: { essential: true }, email: null },
      id_token: { acr: { values: ['a', 'b'] }, sub: { value: 'u1' } },
    });
    assert.deepEqual(requestedClaimNames(parsed), ['given_name', 'email', 'acr', 'sub']);
    assert.equal(serializeClaimsRequest(parseClaimsRequest('{}')), null);
    assert.equal(parseClaimsRequest(undefined), null);
  });

  it('refuses what is not the §5.5 shape with invalid_request', () => {
    for (const bad of ['{', '"x"', '[]', '{"userinfo":[]}', '{"id_token":{"email":1}}', '{"id_token":{"email":{"essential":1}}}', '{"userinfo":{"email":{"values":"a"}}}']) {
      assert.throws(() => parseClaimsRequest(bad), (e: unknown) => e instanceof OAuthError && e.code === 'invalid_request', bad);
    }
  });

  it('matches value and values (§5.5.1)', () => {
    assert.equal(matchesRequestedValue(null, 'x'), true);
    assert.equal(matchesRequestedValue({ essential: true }, 'x'), true);
    assert.equal(matchesRequestedValue({ value: 'x' }, 'x'), true);
    assert.equal(matchesRequestedValue({ value: 'x' }, 'y'), false);
    assert.equal(matchesRequestedValue({ values: ['x', 'y'] }, 'y'), true);
    assert.equal(matchesRequestedValue({ values: ['x'] }, 'z'), false);
  });
});
