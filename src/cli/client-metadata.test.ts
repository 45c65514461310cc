import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  redirectUriProblem, frontchannelLogoutUriProblem, registerClient, updateClient, rotateClientSecret, defaultGrantTypes, defaultScope, clientMetadata, InvalidClientMetadataError, jwksUriProblem, jwksProblem,
} from './client-metadata.js';
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
  const base = { name: ' App ', redirectUris: ['https://a.example/cb', 'https://a.example/cb'], authMethod: 'client_secret_basic' as const, grantTypes: defaultGrantTypes, scope: defaultScope, skipConsent: false };

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
    const { client, clientSecret } = registerClient({ ...base, authMethod: 'none' }, 1000);
    assert.equal(clientSecret, null);
    assert.equal(client.secretDigest, null);
    assert.equal(client.tokenEndpointAuthMethod, 'none');
  });

  it('refuses refresh_token without authorization_code and an empty scope', () => {
    assert.throws(() => registerClient({ ...base, grantTypes: ['refresh_token'] }, 0), /needs authorization_code/);
    assert.throws(() => registerClient({ ...base, scope: '  ' }, 0), /at least one scope/);
  });

  it('registers client_secret_post and refuses an unknown auth method (RFC 7591 §2)', () => {
    const { client, clientSecret } = registerClient({ ...base, authMethod: 'client_secret_post' }, 0);
    assert.equal(client.tokenEndpointAuthMethod, 'client_secret_post');
    assert.ok(clientSecret?.startsWith('gh_cs_'));
    assert.throws(() => registerClient({ ...base, authMethod: 'tls_client_auth' as 'none' }, 0), /unsupported token endpoint auth method 'tls_client_auth'/);
  });

  it('registers a private_key_jwt client with its keys and no secret, and refuses one without keys (OIDC Core §9, RFC 7591 §2)', () => {
    const jwk = { kty: 'EC', crv: 'P-256', x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU', y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0', kid: 'k1' };
    const { client, clientSecret } = registerClient({ ...base, authMethod: 'private_key_jwt', metadata: { jwks: { keys: [jwk] } } }, 0);
    assert.equal(clientSecret, null);
    assert.equal(client.secretDigest, null);
    assert.deepEqual(client.metadata.jwks, { keys: [jwk] });
    assert.throws(() => registerClient({ ...base, authMethod: 'private_key_jwt' }, 0), /needs the client's public keys/);
    assert.throws(() => registerClient({ ...base, authMethod: 'private_key_jwt', metadata: { jwks_uri: 'https://a.example/jwks', jwks: { keys: [jwk] } } }, 0), /not both/);
    assert.throws(() => registerClient({ ...base, authMethod: 'client_secret_jwt' }, 0), /key-encryption key is needed/);
  });

  it('validates jwks_uri and JWK Sets as small functions (RFC 7517 §5, RFC 7518 §3.1)', () => {
    const cases: Array<{ name: string; problem: string | null; expected: RegExp | null }> = [
      { name: 'https', problem: jwksUriProblem('https://a.example/jwks'), expected: null },
      { name: 'loopback http', problem: jwksUriProblem('http://127.0.0.1:8080/jwks'), expected: null },
      { name: 'http', problem: jwksUriProblem('http://a.example/jwks'), expected: /must use https/ },
      { name: 'fragment', problem: jwksUriProblem('https://a.example/jwks#x'), expected: /fragment/ },
      { name: 'no keys array', problem: jwksProblem({}), expected: /"keys" array/ },
      { name: 'empty', problem: jwksProblem({ keys: [] }), expected: /at least one/ },
      { name: 'symmetric', problem: jwksProblem({ keys: [{ kty: 'oct', k: 'AAAA' }] }), expected: /kty oct/ },
      { name: 'private', problem: jwksProblem({ keys: [{ kty: 'RSA', n: 'x', e: 'AQAB', d: 'y' }] }), expected: /private key material/ },
      { name: 'encryption key', problem: jwksProblem({ keys: [{ kty: 'RSA', n: 'x', e: 'AQAB', use: 'enc' }] }), expected: /use "enc"/ },
    ];
    for (const { name, problem, expected } of cases) {
      if (expected === null) assert.equal(problem, null, name);
      else assert.match(problem ?? '', expected, name);
    }
  });
});

describe('updateClient', () => {
  const base = { name: 'App', redirectUris: ['https://a.example/cb'], authMethod: 'client_secret_basic' as const, grantTypes: defaultGrantTypes, scope: defaultScope, skipConsent: false };

  it('changes only what is given, keeps id, creation time and secret, and re-applies the registration rules', () => {
    const { client } = registerClient(base, 1000);
    const { client: updated, clientSecret } = updateClient(client, { name: 'Renamed', scope: 'openid', authMethod: 'client_secret_post' });
    assert.equal(clientSecret, null);
    assert.deepEqual(updated, { ...client, clientName: 'Renamed', scopes: ['openid'], tokenEndpointAuthMethod: 'client_secret_post' });
    assert.throws(() => updateClient(client, { redirectUris: ['http://evil.example/cb'] }), /must use https/);
    assert.throws(() => updateClient(client, { redirectUris: [] }), /need at least one --redirect-uri/);
  });

  it('gives a public client made confidential a new secret, and drops the secret of one made public', () => {
    const { client: publicClient } = registerClient({ ...base, authMethod: 'none' }, 0);
    const { client: confidential, clientSecret } = updateClient(publicClient, { authMethod: 'client_secret_basic' });
    assert.ok(clientSecret?.startsWith('gh_cs_'));
    assert.equal(confidential.secretDigest, sha256Hex(clientSecret ?? ''));
    assert.equal(updateClient(confidential, { authMethod: 'none' }).client.secretDigest, null);
  });
});

describe('rotateClientSecret', () => {
  it('returns a new secret once and keeps only its digest; public clients have none to rotate', () => {
    const { client, clientSecret: old } = registerClient({ name: 'A', redirectUris: ['https://a.example/cb'], authMethod: 'client_secret_basic', grantTypes: defaultGrantTypes, scope: defaultScope, skipConsent: false }, 0);
    const { client: rotated, clientSecret } = rotateClientSecret(client);
    assert.notEqual(clientSecret, old);
    assert.equal(rotated.secretDigest, sha256Hex(clientSecret));
    assert.deepEqual({ ...rotated, secretDigest: null }, { ...client, secretDigest: null });
    assert.throws(() => rotateClientSecret({ ...client, tokenEndpointAuthMethod: 'none', secretDigest: null }), /no secret to rotate/);
  });
});

describe('back-channel logout client metadata (Back-Channel Logout 1.0 §2.2)', () => {
  const base = { name: 'RP', redirectUris: ['https://rp.example/cb'], authMethod: 'client_secret_basic' as const,
    grantTypes: ['authorization_code'], scope: 'openid', skipConsent: false };

  it('registers a back-channel logout URI and its session requirement, shown in the wire view', () => {
    const { client } = registerClient({ ...base, backchannelLogoutUri: 'https://rp.example/logout?x=1', backchannelLogoutSessionRequired: true }, 0);
    assert.equal(client.backchannelLogoutUri, 'https://rp.example/logout?x=1');
    assert.equal(client.backchannelLogoutSessionRequired, true);
    assert.deepEqual(
      [clientMetadata(client).backchannel_logout_uri, clientMetadata(client).backchannel_logout_session_required],
      ['https://rp.example/logout?x=1', true]);
  });

  const refused: Array<{ name: string; uri: string; authMethod?: 'none' }> = [
    { name: 'a fragment', uri: 'https://rp.example/logout#x' },
    { name: 'a relative URI', uri: '/logout' },
    { name: 'another scheme', uri: 'ftp://rp.example/logout' },
    { name: 'http for a public client', uri: 'http://rp.example/logout', authMethod: 'none' },
  ];
  for (const { name, uri, authMethod } of refused) {
    it(`refuses ${name}`, () => {
      assert.throws(() => registerClient({ ...base, authMethod: authMethod ?? base.authMethod, backchannelLogoutUri: uri }, 0),
        InvalidClientMetadataError);
    });
  }

  it('accepts http for a confidential client; refuses the session requirement without a URI', () => {
    assert.equal(registerClient({ ...base, backchannelLogoutUri: 'http://rp.internal/logout' }, 0).client.backchannelLogoutUri, 'http://rp.internal/logout');
    assert.throws(() => registerClient({ ...base, backchannelLogoutSessionRequired: true }, 0), /needs a --backchannel-logout-uri/);
  });

  it('an update with an empty URI removes it and its session requirement', () => {
    const { client } = registerClient({ ...base, backchannelLogoutUri: 'https://rp.example/logout', backchannelLogoutSessionRequired: true }, 0);
    const { client: updated } = updateClient(client, { backchannelLogoutUri: '' });
    assert.deepEqual([updated.backchannelLogoutUri, updated.backchannelLogoutSessionRequired], [null, false]);
    assert.equal(clientMetadata(updated).backchannel_logout_uri, undefined);
  });
});

describe('front-channel logout client metadata (Front-Channel Logout 1.0 §2)', () => {
  const redirectUris = ['https://rp.example/cb', 'http://localhost:4000/cb', 'com.example.app:/cb', 'https://*.example/cb', 'https://a;b.example/cb'];
  const cases: Array<{ uri: string; ok: boolean; why: string }> = [
    { uri: 'https://rp.example/frontchannel', ok: true, why: 'same scheme, host and port as a redirect URI' },
    { uri: 'https://rp.example/frontchannel?tenant=1&x=a%20b', ok: true, why: 'a query is allowed' },
    { uri: 'https://RP.example:443/logout', ok: true, why: 'the same origin spelled otherwise' },
    { uri: 'http://localhost:4000/logout', ok: true, why: 'http on loopback, as a redirect URI' },
    { uri: 'https://rp.example/frontchannel#x', ok: false, why: 'a fragment' },
    { uri: 'https://rp.example/frontchannel#', ok: false, why: 'an empty fragment' },
    { uri: '/frontchannel', ok: false, why: 'a relative URI' },
    { uri: 'https:rp.example/frontchannel', ok: false, why: 'no authority' },
    { uri: 'https://other.example/frontchannel', ok: false, why: 'another host' },
    { uri: 'https://sub.rp.example/frontchannel', ok: false, why: 'a subdomain of the redirect URI host' },
    { uri: 'https://rp.example:8443/frontchannel', ok: false, why: 'another port' },
    { uri: 'http://rp.example/frontchannel', ok: false, why: 'another scheme (and http off loopback)' },
    { uri: 'http://localhost:4001/logout', ok: false, why: 'the loopback redirect URI on another port' },
    { uri: 'com.example.app:/logout', ok: false, why: 'a private-use scheme (no origin to frame)' },
    { uri: 'https://user:pw@rp.example/frontchannel', ok: false, why: 'user information' },
    { uri: 'https://rp.example/frontchannel?sid=1', ok: false, why: 'its own sid parameter (the OP adds iss and sid, §3)' },
    { uri: 'https://rp.example/frontchannel?iss=x', ok: false, why: 'its own iss parameter' },
    { uri: 'https://*.example/fc', ok: false, why: 'a host a CSP frame-src would read as a wildcard' },
    { uri: 'https://a;b.example/fc', ok: false, why: 'a host that would end the CSP directive' },
  ];
  for (const { uri, ok, why } of cases) {
    it(`${ok ? 'accepts' : 'refuses'} ${uri}: ${why} (Front-Channel Logout 1.0 §2)`, () => {
      const problem = frontchannelLogoutUriProblem(uri, redirectUris);
      assert.equal(problem === null, ok, String(problem));
    });
  }

  const base = { name: 'RP', redirectUris: ['https://rp.example/cb'], authMethod: 'client_secret_basic' as const,
    grantTypes: ['authorization_code'], scope: 'openid', skipConsent: false };

  it('registers the URI and its session requirement, shown in the wire view (§2)', () => {
    const { client } = registerClient({ ...base, frontchannelLogoutUri: 'https://rp.example/fc?x=1', frontchannelLogoutSessionRequired: true }, 0);
    assert.deepEqual([client.frontchannelLogoutUri, client.frontchannelLogoutSessionRequired], ['https://rp.example/fc?x=1', true]);
    const wire = clientMetadata(client);
    assert.deepEqual([wire.frontchannel_logout_uri, wire.frontchannel_logout_session_required], ['https://rp.example/fc?x=1', true]);
    const without = registerClient(base, 0).client;
    assert.deepEqual([without.frontchannelLogoutUri, without.frontchannelLogoutSessionRequired], [null, false]);
    assert.equal('frontchannel_logout_uri' in clientMetadata(without), false);
  });

  it('refuses a fragment, another origin than the redirect URIs, and the session requirement without a URI (§2)', () => {
    assert.throws(() => registerClient({ ...base, frontchannelLogoutUri: 'https://rp.example/fc#f' }, 0), /must not contain a fragment/);
    assert.throws(() => registerClient({ ...base, frontchannelLogoutUri: 'https://evil.example/fc' }, 0), /scheme, host and port of one of the redirect URIs/);
    assert.throws(() => registerClient({ ...base, frontchannelLogoutSessionRequired: true }, 0), /needs a --frontchannel-logout-uri/);
  });

  it('an update that moves the redirect URIs away from the URI\'s origin is refused; an empty URI removes it and its requirement', () => {
    const { client } = registerClient({ ...base, frontchannelLogoutUri: 'https://rp.example/fc', frontchannelLogoutSessionRequired: true }, 0);
    assert.throws(() => updateClient(client, { redirectUris: ['https://new.example/cb'] }), /scheme, host and port/);
    const { client: updated } = updateClient(client, { frontchannelLogoutUri: '' });
    assert.deepEqual([updated.frontchannelLogoutUri, updated.frontchannelLogoutSessionRequired], [null, false]);
    assert.equal(clientMetadata(updated).frontchannel_logout_uri, undefined);
  });
});
