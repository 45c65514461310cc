import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createStorage } from '../storage/create-storage.js';
import type { Storage } from '../storage/ports.js';
import type { ClientRecord, TokenEndpointAuthMethod } from '../storage/records.js';
import { silentLogger } from '../lib/logger.js';
import { sha256Hex } from '../lib/digest.js';
import { authenticateClient, InvalidClientError, supportedClientAuthMethods } from './client-authentication.js';
import { OAuthError } from './errors.js';
import type { OAuthRequest } from './request.js';

const secret = 'gh_cs_unit-test-secret';

function clientRecord(clientId: string, method: TokenEndpointAuthMethod): ClientRecord {
  return {
    clientId, clientName: clientId, secretDigest: method === 'none' ? null : sha256Hex(secret), redirectUris: ['https://rp.example/cb'],
    grantTypes: ['authorization_code'], responseTypes: ['code'], scopes: ['openid'], skipConsent: false,
    tokenEndpointAuthMethod: method, postLogoutRedirectUris: [], metadata: {}, createdAt: 0,
  };
}

function request(params: Record<string, string>, authorization?: string, repeated: string[] = []): OAuthRequest {
  return {
    method: 'POST', url: 'https://id.example/token',
    headers: { authorization, dpop: 'proof', clientCertificate: undefined }, params, repeated,
  };
}

const basic = (id: string, value = secret) => `Basic ${Buffer.from(`${id}:${value}`).toString('base64')}`;

describe('client authentication table (RFC 6749 §2.3, OIDC Core §9)', () => {
  let storage: Storage;
  before(async () => {
    storage = await createStorage({ databaseUrl: 'sqlite::memory:', logger: silentLogger() });
    for (const method of supportedClientAuthMethods) await storage.clients.insert(clientRecord(method, method));
  });
  after(() => storage.close());

  it('hands the grant the typed request with the client and how it authenticated', async () => {
    const cases: Array<{ name: string; input: OAuthRequest; method: TokenEndpointAuthMethod }> = [
      { name: 'basic', input: request({ grant_type: 'x' }, basic('client_secret_basic')), method: 'client_secret_basic' },
      { name: 'basic with the same client_id in the body', input: request({ client_id: 'client_secret_basic' }, basic('client_secret_basic')), method: 'client_secret_basic' },
      { name: 'post', input: request({ client_id: 'client_secret_post', client_secret: secret }), method: 'client_secret_post' },
      { name: 'none', input: request({ client_id: 'none' }), method: 'none' },
    ];
    for (const { name, input, method } of cases) {
      const authenticated = await authenticateClient(input, storage, { allowPublic: true });
      assert.equal(authenticated.clientAuthMethod, method, name);
      assert.equal(authenticated.client.clientId, method, name);
      assert.equal(authenticated.url, input.url, name);
      assert.equal(authenticated.headers.dpop, 'proof', name);
      assert.equal(authenticated.params, input.params, name);
    }
  });

  it('refuses what the table does not accept, with the RFC error', async () => {
    const cases: Array<{ name: string; input: OAuthRequest; code: string; usedBasic?: boolean }> = [
      { name: 'repeated parameter', input: request({ client_id: 'none' }, undefined, ['client_id']), code: 'invalid_request' },
      { name: 'two methods', input: request({ client_secret: secret }, basic('client_secret_basic')), code: 'invalid_request' },
      { name: 'body client_id differs from Basic', input: request({ client_id: 'other' }, basic('client_secret_basic')), code: 'invalid_request' },
      { name: 'malformed Authorization', input: request({}, 'Bearer abc'), code: 'invalid_client', usedBasic: true },
      { name: 'Basic without a colon', input: request({}, `Basic ${Buffer.from('nocolon').toString('base64')}`), code: 'invalid_client', usedBasic: true },
      { name: 'nothing presented', input: request({}), code: 'invalid_client', usedBasic: false },
      { name: 'post secret without client_id', input: request({ client_secret: secret }), code: 'invalid_client', usedBasic: false },
      { name: 'wrong secret', input: request({}, basic('client_secret_basic', 'wrong')), code: 'invalid_client', usedBasic: true },
      { name: 'unknown client', input: request({}, basic('nobody')), code: 'invalid_client', usedBasic: true },
      { name: 'post by a basic client', input: request({ client_id: 'client_secret_basic', client_secret: secret }), code: 'invalid_client', usedBasic: false },
      { name: 'basic by a post client', input: request({}, basic('client_secret_post')), code: 'invalid_client', usedBasic: true },
      { name: 'none by a basic client', input: request({ client_id: 'client_secret_basic' }), code: 'invalid_client', usedBasic: false },
      { name: 'a secret from a public client', input: request({}, basic('none')), code: 'invalid_client', usedBasic: true },
    ];
    for (const { name, input, code, usedBasic } of cases) {
      await assert.rejects(authenticateClient(input, storage, { allowPublic: true }), (error: unknown) => {
        assert.ok(error instanceof OAuthError, name);
        assert.equal(error.code, code, name);
        if (usedBasic !== undefined) assert.equal((error as InvalidClientError).usedBasic, usedBasic, name);
        return true;
      }, name);
    }
  });

  it('refuses public clients where the endpoint asks for a credential (RFC 7662 §2.1)', async () => {
    await assert.rejects(authenticateClient(request({ client_id: 'none' }), storage, { allowPublic: false }), InvalidClientError);
  });
});
