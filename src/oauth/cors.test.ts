import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { clientOrigins, createOriginIndex, mayReadResponse, webOrigin } from './cors.js';
import type { ClientRecord } from '../storage/records.js';

function client(redirectUris: string[], allowedOrigins?: string[]): ClientRecord {
  return {
    clientId: 'c', clientName: 'C', secretDigest: null, redirectUris, grantTypes: [], responseTypes: [], scopes: [],
    skipConsent: false, tokenEndpointAuthMethod: 'none', postLogoutRedirectUris: [],
    metadata: allowedOrigins ? { allowedOrigins } : {}, createdAt: 0,
  };
}

describe('CORS policy (Fetch §3.2)', () => {
  it('takes a client\'s origins from its http(s) redirect URIs and its allowedOrigins, never from a private-use scheme', () => {
    const origins = clientOrigins(client(['https://app.example/cb?x=1', 'http://127.0.0.1:8080/cb', 'com.example.app:/cb'], ['https://extra.example']));
    assert.deepEqual([...origins], ['https://app.example', 'http://127.0.0.1:8080', 'https://extra.example']);
    assert.equal(webOrigin('com.example.app:/cb'), null);
    assert.equal(webOrigin('not a uri'), null);
  });

  it('lets a response be read only by the identified client\'s origins, never by "null"', () => {
    const c = client(['https://app.example/cb']);
    assert.equal(mayReadResponse('https://app.example', c), true);
    assert.equal(mayReadResponse('https://app.example:8443', c), false);
    assert.equal(mayReadResponse('https://app.example', null), false);
    assert.equal(mayReadResponse('null', client(['https://app.example/cb'], ['null'])), false);
  });

  it('answers preflights from one set, re-reading the clients at most once per interval on a miss', async () => {
    let clients = [client(['https://a.example/cb'])];
    let reads = 0;
    let now = 0;
    const index = createOriginIndex({ list: async () => { reads++; return clients; } }, { now: () => now, maxAge: 30_000, missRefreshInterval: 1_000 });
    assert.equal(await index.isClientOrigin('https://a.example'), true);
    assert.equal(reads, 1);
    clients = [...clients, client(['https://b.example/cb'])];
    assert.equal(await index.isClientOrigin('https://b.example'), false, 'a miss within the interval reads nothing');
    assert.equal(await index.isClientOrigin('https://evil.example'), false);
    assert.equal(reads, 1);
    now = 1_001;
    assert.equal(await index.isClientOrigin('https://b.example'), true, 'a miss after the interval re-reads');
    assert.equal(reads, 2);
    assert.equal(await index.isClientOrigin('null'), false);
  });

  it('refreshes a known origin in the background once it is older than maxAge, so a removed client\'s origin leaves', async () => {
    let clients = [client(['https://a.example/cb'])];
    let now = 0;
    const index = createOriginIndex({ list: async () => clients }, { now: () => now, maxAge: 30_000 });
    assert.equal(await index.isClientOrigin('https://a.example'), true);
    clients = [];
    now = 30_001;
    assert.equal(await index.isClientOrigin('https://a.example'), true, 'answered from the set while it refreshes');
    await new Promise((resolve) => setImmediate(resolve));
    now = 30_002;
    assert.equal(await index.isClientOrigin('https://a.example'), false);
  });
});
