import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { achievedAcr, checkEssentialAcr, requestedAcrValues, withAcrRequest } from './acr.js';
import { OAuthError } from '../oauth/errors.js';
import type { ClientRecord } from '../storage/records.js';

const client = (defaultAcrValues?: string[]) => ({ metadata: defaultAcrValues ? { defaultAcrValues } : {} }) as unknown as ClientRecord;
const supported = ['urn:pwd'];

describe('acr (OIDC Core §2, §3.1.2.1, §5.5.1.1; OIDC Registration §2 default_acr_values)', () => {
  it('acr_values win over default_acr_values; neither is null', () => {
    assert.deepEqual(requestedAcrValues('a  b', client(['c'])), ['a', 'b']);
    assert.deepEqual(requestedAcrValues(undefined, client(['c'])), ['c']);
    assert.equal(requestedAcrValues(undefined, client()), null);
    assert.equal(requestedAcrValues('', client(['c'])), null, 'an empty acr_values asks for nothing');
  });

  it('acr_values become a voluntary acr claim request, unless the claims parameter names acr itself (§5.5.1.1)', () => {
    assert.deepEqual(withAcrRequest(null, ['a']), { id_token: { acr: { values: ['a'] } } });
    const own = { id_token: { acr: { essential: true, value: 'b' } } };
    assert.equal(withAcrRequest(own, ['a']), own);
    assert.deepEqual(withAcrRequest({ userinfo: { name: null } }, ['a']), { userinfo: { name: null }, id_token: { acr: { values: ['a'] } } });
  });

  const cases: Array<{ name: string; claims: Parameters<typeof achievedAcr>[0]; expected: string | undefined }> = [
    { name: 'not asked for: none', claims: null, expected: undefined },
    { name: 'the first supported value in order of preference', claims: { id_token: { acr: { values: ['urn:mfa', 'urn:pwd'] } } }, expected: 'urn:pwd' },
    { name: 'nothing supported asked for: none, never a class not achieved', claims: { id_token: { acr: { values: ['urn:mfa'] } } }, expected: undefined },
    { name: 'a single value', claims: { id_token: { acr: { value: 'urn:pwd' } } }, expected: 'urn:pwd' },
    { name: 'null (default manner): the first supported', claims: { id_token: { acr: null } }, expected: 'urn:pwd' },
  ];
  for (const { name, claims, expected } of cases) {
    it(`achievedAcr: ${name}`, () => assert.equal(achievedAcr(claims, supported), expected));
  }

  it('an essential acr that cannot be met is access_denied; a voluntary one is not', () => {
    assert.throws(() => checkEssentialAcr({ id_token: { acr: { essential: true, values: ['urn:mfa'] } } }, supported),
      (error: OAuthError) => error.code === 'access_denied');
    assert.doesNotThrow(() => checkEssentialAcr({ id_token: { acr: { values: ['urn:mfa'] } } }, supported));
    assert.doesNotThrow(() => checkEssentialAcr({ id_token: { acr: { essential: true, values: ['urn:pwd'] } } }, supported));
  });
});
