import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { redirectUriProblem, registerClient, defaultGrantTypes, defaultScope } from './client-metadata.js';
import { sha256Hex } from '../lib/digest.js';

describe('redirectUriProblem', () => {
  const cases: Array<{ uri: string; publicClient: boolean; ok: boolean }> = [
    { uri: 'https://app.example/cb?tenant=1', publicClient: false, ok: true },
    { uri: 'http://localhost:3000/cb', publicClient: false, ok: true },
    { uri: 'http://127.0.0.1/cb', publicClient: true, ok: true },
    { uri: 'http://[::1]:8080/cb', publicClient: true, ok: true },
    { uri: 'http://localhost.evil.example/cb', publicClient: true, ok: false },
    { uri: 'http://127.0.0.2/cb', publicClient: true, ok: false },
    { uri: 'https://user:pw@app.example/cb', publicClient: false, ok: false },
    { uri: 'https://app.example/cb#', publicClient: false, ok: false },
    { uri: 'https:app.example/cb', publicClient: false, ok: false },
    { uri: 'com.example.app:/cb', publicClient: true, ok: true },
    { uri: 'com.example.app:/cb', publicClient: false, ok: false },
    { uri: 'javascript:alert(1)', publicClient: true, ok: false },
    { uri: 'cb', publicClient: true, ok: false },
  ];
  for (const { uri, publicClient, ok } of cases) {
    it(`${ok ? 'accepts' : 'refuses'} ${uri} for a ${publicClient ? 'public' : 'confidential'} client (RFC 8252 §7–8, RFC 6749 §3.1.2)`, () => {
      assert.equal(redirectUriProblem(uri, publicClient) === null, ok, String(redirectUriProblem(uri, publicClient)));
    });
  }
});

describe('registerClient', () => {
  const base = { name: ' App ', redirectUris: ['https://a.example/cb', 'https://a.example/cb'], publicClient: false, grantTypes: defaultGrantTypes, scope: defaultScope, skipConsent: false };

  it('returns the secret once and keeps only its SHA-256 in the record', () => {
    const { client, clientSecret } = registerClient(base, 1000);
    assert.ok(clientSecret?.startsWith('gh_cs_'));
    assert.equal(client.secretDigest, sha256Hex(clientSecret ?? ''));
    assert.equal(JSON.stringify(client).includes(clientSecret ?? ''), false);
    assert.deepEqual(
      { name: client.clientName, uris: client.redirectUris, scopes: client.scopes, responseTypes: client.responseTypes, method: client.tokenEndpointAuthMethod, createdAt: client.createdAt },
      { name: 'App', uris: ['https://a.example/cb'], scopes: ['openid', 'profile', 'email', 'offline_access'], responseTypes: ['code'], method: 'client_secret_basic', createdAt: 1000 },
    );
  });

  it('gives public clients no secret and the auth method none', () => {
    const { client, clientSecret } = registerClient({ ...base, publicClient: true }, 1000);
    assert.equal(clientSecret, null);
    assert.equal(client.secretDigest, null);
    assert.equal(client.tokenEndpointAuthMethod, 'none');
  });

  it('refuses refresh_token without authorization_code and an empty scope', () => {
    assert.throws(() => registerClient({ ...base, grantTypes: ['refresh_token'] }, 0), /needs authorization_code/);
    assert.throws(() => registerClient({ ...base, scope: '  ' }, 0), /at least one scope/);
  });
});
