// The client_id URL rules (CIMD draft-03 §3), the domain policy (§6.8) and what a document may say (§4.1, §4.5, §6.2).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  clientFromMetadataDocument, clientIdUrlProblem, hostAccepted, isClientIdUrl, MetadataDocumentError,
} from './client-id-metadata-document.js';

const id = 'https://app.example.com/oauth/client.json';
const policy = { denyDomains: [], scopes: ['openid', 'profile', 'email', 'offline_access'] };
const times = { fetchedAt: 100, expiresAt: 400 };
const valid = { client_id: id, client_name: 'Example', redirect_uris: ['https://app.example.com/cb'] };

describe('client_id URLs (CIMD §3)', () => {
  const cases: Array<[string, string | null]> = [
    [id, null],
    ['https://app.example.com:8443/c?tenant=1', null],
    ['http://app.example.com/client.json', 'must use https'],
    ['https://app.example.com', 'must contain a path'],
    ['https://app.example.com/', 'must contain a path'],
    ['https://app.example.com/a/../client.json', 'must not contain . or .. path segments'],
    ['https://app.example.com/./client.json', 'must not contain . or .. path segments'],
    ['https://app.example.com/a/%2E%2E/client.json', 'must not contain . or .. path segments'],
    ['https://app.example.com/client.json#x', 'must not contain a fragment'],
    ['https://user@app.example.com/client.json', 'must not contain a username or password'],
    ['https://user:pw@app.example.com/client.json', 'must not contain a username or password'],
    ['https://APP.example.com/client.json', 'must be written in its normal form (https://app.example.com/client.json)'],
    ['https://app.example.com:443/client.json', 'must be written in its normal form (https://app.example.com/client.json)'],
    ['https://', 'is not a URL'],
  ];
  for (const [clientId, expected] of cases) {
    it(`${clientId}: ${expected ?? 'accepted'}`, () => assert.equal(clientIdUrlProblem(clientId), expected));
  }

  it('only https:// ids are looked for as documents; generated ids never start so (CIMD §6.9)', () => {
    assert.equal(isClientIdUrl(id), true);
    assert.equal(isClientIdUrl('k3J9xQ2mPz7a'), false);
    assert.equal(isClientIdUrl('http://app.example.com/c'), false);
  });
});

describe('client_id domain policy (CIMD §6.8)', () => {
  it('allowDomains admits the domain and its subdomains only; denyDomains refuses them', () => {
    const allow = { allowDomains: ['example.com'], denyDomains: ['bad.example.com'] };
    assert.equal(hostAccepted('example.com', allow), true);
    assert.equal(hostAccepted('App.Example.com', allow), true);
    assert.equal(hostAccepted('notexample.com', allow), false);
    assert.equal(hostAccepted('bad.example.com', allow), false);
    assert.equal(hostAccepted('x.bad.example.com', allow), false);
    assert.equal(hostAccepted('anything.org', { denyDomains: [] }), true);
  });
});

describe('metadata documents (CIMD §4.1, §4.5, §6.2)', () => {
  it('describes a public client with exactly the document\'s redirect URIs, never skipping consent', () => {
    const client = clientFromMetadataDocument(id, { ...valid, grant_types: ['authorization_code', 'refresh_token'], scope: 'openid email unknown' }, policy, times);
    assert.equal(client.clientId, id);
    assert.equal(client.clientName, 'Example');
    assert.equal(client.secretDigest, null);
    assert.equal(client.tokenEndpointAuthMethod, 'none');
    assert.equal(client.skipConsent, false);
    assert.deepEqual(client.redirectUris, ['https://app.example.com/cb']);
    assert.deepEqual(client.grantTypes, ['authorization_code', 'refresh_token']);
    assert.deepEqual(client.responseTypes, ['code']);
    assert.deepEqual(client.scopes, ['openid', 'email'], 'the document narrows the configured scopes, never widens them');
    assert.deepEqual(client.metadata.metadataDocument, times);
  });

  it('defaults: grant_types authorization_code (RFC 7591 §2), auth method none, name the host', () => {
    const client = clientFromMetadataDocument(id, { client_id: id, redirect_uris: ['http://127.0.0.1:9000/cb', 'com.example.app:/cb'] }, policy, times);
    assert.deepEqual(client.grantTypes, ['authorization_code']);
    assert.equal(client.clientName, 'app.example.com');
    assert.deepEqual(client.scopes, policy.scopes);
  });

  it('keeps application_type native, so loopback redirect URIs match on any port (RFC 8252 §7.3)', () => {
    const client = clientFromMetadataDocument(id, { ...valid, application_type: 'native', redirect_uris: ['http://127.0.0.1/cb'] }, policy, times);
    assert.equal(client.metadata.applicationType, 'native');
  });

  const refused: Array<[string, unknown, RegExp]> = [
    ['an unknown application_type', { ...valid, application_type: 'desktop' }, /application_type must be web or native/],
    ['not an object', ['x'], /must be a JSON object/],
    ['client_id differs (§4.1)', { ...valid, client_id: 'https://app.example.com/other.json' }, /client_id is not the URL/],
    ['client_id missing (§4.1)', { redirect_uris: valid.redirect_uris }, /client_id is not the URL/],
    ['client_secret (§4.1)', { ...valid, client_secret: 's' }, /must not contain client_secret/],
    ['client_secret_expires_at (§4.1)', { ...valid, client_secret_expires_at: 0 }, /must not contain client_secret/],
    ['client_secret_basic (§4.1)', { ...valid, token_endpoint_auth_method: 'client_secret_basic' }, /needs a shared secret/],
    ['client_secret_post (§4.1)', { ...valid, token_endpoint_auth_method: 'client_secret_post' }, /needs a shared secret/],
    ['client_secret_jwt (§4.1)', { ...valid, token_endpoint_auth_method: 'client_secret_jwt' }, /needs a shared secret/],
    ['an unsupported method', { ...valid, token_endpoint_auth_method: 'tls_client_auth' }, /not supported/],
    ['no redirect_uris (§4.5)', { client_id: id }, /redirect_uris must list/],
    ['empty redirect_uris (§4.5)', { ...valid, redirect_uris: [] }, /redirect_uris must list/],
    ['redirect_uris not strings', { ...valid, redirect_uris: [1] }, /array of strings/],
    ['plain http redirect off loopback', { ...valid, redirect_uris: ['http://app.example.com/cb'] }, /must use https/],
    ['redirect URI with a fragment', { ...valid, redirect_uris: ['https://app.example.com/cb#x'] }, /fragment/],
    ['client_credentials', { ...valid, grant_types: ['client_credentials'] }, /not available/],
    ['implicit response type', { ...valid, response_types: ['token'] }, /response_types may only be code/],
  ];
  for (const [name, document, expected] of refused) {
    it(`refuses ${name}`, () => {
      assert.throws(() => clientFromMetadataDocument(id, document, policy, times), (error: unknown) =>
        error instanceof MetadataDocumentError && expected.test(error.message));
    });
  }
});
