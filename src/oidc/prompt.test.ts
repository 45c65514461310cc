import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { decideInteraction, decideNextStep } from './prompt.js';
import type { AuthenticationRequest, Prompt } from './authentication-request.js';
import { OAuthError } from '../oauth/errors.js';
import type { ConsentRecord } from '../storage/records.js';
import { createStorage } from '../storage/create-storage.js';
import { silentLogger } from '../lib/logger.js';

const now = 1_000_000;

function request(overrides: { prompt?: Prompt[]; maxAge?: number | null; hint?: string | null; skipConsent?: boolean } = {}): AuthenticationRequest {
  return {
    client: { clientId: 'c', clientName: 'C', secretDigest: 'x', redirectUris: [], grantTypes: [], responseTypes: ['code'], scopes: [],
      skipConsent: overrides.skipConsent ?? false, tokenEndpointAuthMethod: 'client_secret_basic', postLogoutRedirectUris: [], metadata: {}, createdAt: 0 },
    redirectUri: 'https://a/cb', responseMode: 'query', state: undefined, responseType: 'code', scopes: ['openid', 'email'],
    codeChallenge: null, codeChallengeMethod: null, params: {}, openid: true, nonce: null,
    prompt: new Set(overrides.prompt ?? []), maxAge: overrides.maxAge ?? null, acrValues: null, loginHint: null, idTokenHintSubject: overrides.hint ?? null,
    claimsRequest: null, claims: null, consentItems: ['openid', 'email'],
  };
}

function documentClientRequest(): AuthenticationRequest {
  const base = request();
  return { ...base, client: { ...base.client, secretDigest: null, tokenEndpointAuthMethod: 'none', metadata: { metadataDocument: { fetchedAt: 0, expiresAt: now + 60 } } } };
}

const session = { accountId: 'u1', authTime: now - 100 };
const consent: ConsentRecord = { accountId: 'u1', clientId: 'c', scopes: ['openid', 'email'], createdAt: 0, updatedAt: 0 };
const base = { freshLogin: null, freshConsent: false, now };

describe('interaction decision (OIDC Core §3.1.2.1, §3.1.2.3-4)', () => {
  const cases: Array<{ name: string; input: Parameters<typeof decideInteraction>[0]; expected: string }> = [
    { name: 'asks for login without a session', input: { ...base, request: request(), session: null, consent: null }, expected: 'login' },
    { name: 'asks for consent when none is remembered', input: { ...base, request: request(), session, consent: null }, expected: 'consent' },
    { name: 'issues with session and covering consent', input: { ...base, request: request(), session, consent }, expected: 'issue' },
    { name: 'asks for consent when it covers fewer scopes', input: { ...base, request: request(), session, consent: { ...consent, scopes: ['openid'] } }, expected: 'consent' },
    { name: 'skips consent for trusted clients', input: { ...base, request: request({ skipConsent: true }), session, consent: null }, expected: 'issue' },
    { name: 'forces login for prompt=login', input: { ...base, request: request({ prompt: ['login'] }), session, consent }, expected: 'login' },
    { name: 'accepts a login made in this interaction for prompt=login', input: { ...base, freshLogin: session, request: request({ prompt: ['login'] }), session, consent }, expected: 'issue' },
    { name: 'forces consent for prompt=consent', input: { ...base, request: request({ prompt: ['consent'] }), session, consent }, expected: 'consent' },
    { name: 'forces login when max_age has passed', input: { ...base, request: request({ maxAge: 50 }), session, consent }, expected: 'login' },
    { name: 'keeps the session within max_age', input: { ...base, request: request({ maxAge: 500 }), session, consent }, expected: 'issue' },
    { name: 'forces login when id_token_hint names another user', input: { ...base, request: request({ hint: 'u2' }), session, consent }, expected: 'login' },
    { name: 'asks a Client ID Metadata Document client every time, despite a remembered consent (CIMD draft §6.3)', input: { ...base, request: documentClientRequest(), session, consent }, expected: 'consent' },
    { name: 'issues to a Client ID Metadata Document client after consent in this interaction', input: { ...base, freshConsent: true, request: documentClientRequest(), session, consent }, expected: 'issue' },
  ];
  for (const c of cases) it(c.name, () => assert.equal(decideInteraction(c.input).next, c.expected));

  it('turns a needed login into login_required for prompt=none (OIDC Core §3.1.2.6)', () => {
    assert.throws(() => decideInteraction({ ...base, request: request({ prompt: ['none'] }), session: null, consent: null }),
      (e: unknown) => e instanceof OAuthError && e.code === 'login_required');
  });

  it('turns a needed consent into consent_required for prompt=none (OIDC Core §3.1.2.6)', () => {
    assert.throws(() => decideInteraction({ ...base, request: request({ prompt: ['none'] }), session, consent: null }),
      (e: unknown) => e instanceof OAuthError && e.code === 'consent_required');
  });
});

describe('the one decision path, with the remembered consent read from storage (OIDC Core §3.1.2.4)', async () => {
  const storage = await createStorage({ databaseUrl: 'sqlite::memory:', logger: silentLogger() });
  after(() => storage.close());
  await storage.consents.save(consent);
  for (const accountId of ['u1', 'u2']) {
    await storage.accounts.insert({ accountId, username: accountId, passwordHash: 'x', email: null, emailVerified: false, name: null, createdAt: 0, updatedAt: 0 });
  }
  const deps = { consents: storage.consents, accounts: storage.accounts, now };

  it('uses the consent remembered for the session\'s account (OIDC Core §3.1.2.4)', async () => {
    assert.equal((await decideNextStep(request(), { session, freshLogin: null, freshConsent: false }, deps)).next, 'issue');
  });

  it('asks the account that just logged in for consent, not the one of an earlier session (OIDC Core §3.1.2.4)', async () => {
    const other = { accountId: 'u2', authTime: now };
    const decision = await decideNextStep(request(), { session, freshLogin: other, freshConsent: false }, deps);
    assert.deepEqual(decision, { next: 'consent', authentication: other });
  });

  it('lets a consent given in this interaction satisfy prompt=consent (OIDC Core §3.1.2.1)', async () => {
    const asked = request({ prompt: ['consent'] });
    assert.equal((await decideNextStep(asked, { session, freshLogin: null, freshConsent: false }, deps)).next, 'consent');
    assert.equal((await decideNextStep(asked, { session, freshLogin: null, freshConsent: true }, deps)).next, 'issue');
  });

  it('treats a session or a sign-in of a deleted account as nobody signed in, so it never completes into a code (issue 9)', async () => {
    const gone = { accountId: 'deleted-account', authTime: now };
    assert.equal((await decideNextStep(request(), { session: gone, freshLogin: null, freshConsent: false }, deps)).next, 'login');
    assert.equal((await decideNextStep(request({ skipConsent: true }), { session: null, freshLogin: gone, freshConsent: true }, deps)).next, 'login');
    await assert.rejects(decideNextStep(request({ prompt: ['none'] }), { session: gone, freshLogin: null, freshConsent: false }, deps),
      (e: unknown) => e instanceof OAuthError && e.code === 'login_required');
  });
});
