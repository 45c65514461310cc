// The registered token_endpoint_auth_method is the only one a client may use (RFC 6749 §2.3,
// §2.3.1, §5.2; OIDC Core §9), at the token, introspection and revocation endpoints.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startGatehouse, type TestClient, type TestServer } from '../support/gatehouse.js';

describe('client authentication methods', () => {
  let server: TestServer;
  let basicClient: TestClient;
  let postClient: TestClient;
  let publicClient: TestClient;

  before(async () => {
    server = await startGatehouse();
    basicClient = await server.createClient({ tokenEndpointAuthMethod: 'client_secret_basic' });
    postClient = await server.createClient({ tokenEndpointAuthMethod: 'client_secret_post' });
    publicClient = await server.createClient({ public: true });
  });
  after(() => server.close());

  type Presentation = 'basic' | 'post' | 'none';

  async function call(path: string, client: TestClient, how: Presentation, form: Record<string, string>) {
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
    const body = new URLSearchParams(form);
    if (how === 'basic') {
      headers.authorization = `Basic ${Buffer.from(`${encodeURIComponent(client.clientId)}:${encodeURIComponent(client.clientSecret ?? '')}`).toString('base64')}`;
    } else {
      body.set('client_id', client.clientId);
      if (how === 'post') body.set('client_secret', client.clientSecret ?? 'no-secret');
    }
    const response = await fetch(`${server.issuer}${path}`, { method: 'POST', headers, body: body.toString() });
    const text = await response.text();
    return { status: response.status, challenge: response.headers.get('www-authenticate'), cacheControl: response.headers.get('cache-control'),
      body: text ? JSON.parse(text) as Record<string, unknown> : {} };
  }

  const clientCredentials = { grant_type: 'client_credentials', scope: 'api:read' };

  it('accepts client_secret_basic from a client registered for it (RFC 6749 §2.3.1, OIDC Core §9)', async () => {
    const response = await call('/token', basicClient, 'basic', clientCredentials);
    assert.equal(response.status, 200);
    assert.equal(response.body.token_type, 'Bearer');
  });

  it('refuses client_secret_post, with the right secret, from a client registered for client_secret_basic (RFC 6749 §2.3.1, OIDC Core §9)', async () => {
    const response = await call('/token', basicClient, 'post', clientCredentials);
    assert.equal(response.status, 401);
    assert.equal(response.body.error, 'invalid_client');
    assert.equal(response.challenge, null, 'no Basic challenge when Basic was not used (RFC 6749 §5.2)');
    assert.equal(response.cacheControl, 'no-store');
  });

  it('accepts client_secret_post from a client registered for it (RFC 6749 §2.3.1, OIDC Core §9)', async () => {
    const response = await call('/token', postClient, 'post', clientCredentials);
    assert.equal(response.status, 200);
  });

  it('refuses client_secret_basic, with the right secret, from a client registered for client_secret_post, with a Basic challenge (RFC 6749 §5.2, OIDC Core §9)', async () => {
    const response = await call('/token', postClient, 'basic', clientCredentials);
    assert.equal(response.status, 401);
    assert.equal(response.body.error, 'invalid_client');
    assert.match(response.challenge ?? '', /^Basic /);
  });

  it('accepts none (client_id alone) from a public client and refuses it from a confidential one (RFC 6749 §2.1, §3.2.1, OIDC Core §9)', async () => {
    // The public client authenticates, so the bad code is what is refused: invalid_grant, not invalid_client.
    const form = { grant_type: 'authorization_code', code: 'gh_ac_unknown', redirect_uri: publicClient.redirectUri, code_verifier: 'x'.repeat(43) };
    const ok = await call('/token', publicClient, 'none', form);
    assert.equal(ok.status, 400);
    assert.equal(ok.body.error, 'invalid_grant');
    for (const confidential of [basicClient, postClient]) {
      const refused = await call('/token', confidential, 'none', form);
      assert.equal(refused.status, 401);
      assert.equal(refused.body.error, 'invalid_client');
    }
  });

  it('refuses a secret from a public client registered for none (OIDC Core §9)', async () => {
    const withSecret = { ...publicClient, clientSecret: 'gh_cs_guess' };
    for (const how of ['basic', 'post'] as const) {
      const response = await call('/token', withSecret, how, clientCredentials);
      assert.equal(response.status, 401);
      assert.equal(response.body.error, 'invalid_client');
    }
  });

  it('answers a wrong method exactly like a wrong secret and an unknown client (RFC 6749 §5.2)', async () => {
    const wrongMethod = await call('/token', basicClient, 'post', clientCredentials);
    const wrongSecret = await call('/token', { ...basicClient, clientSecret: 'gh_cs_wrong' }, 'basic', clientCredentials);
    const unknown = await call('/token', { ...basicClient, clientId: 'nobody', clientSecret: 'gh_cs_wrong' }, 'post', clientCredentials);
    assert.deepEqual(wrongMethod.body, unknown.body);
    assert.deepEqual(wrongMethod.body, wrongSecret.body);
    assert.deepEqual(wrongMethod.body, { error: 'invalid_client', error_description: 'client authentication failed' });
  });

  it('refuses two methods in one request with invalid_request (RFC 6749 §2.3)', async () => {
    const response = await fetch(`${server.issuer}/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${postClient.clientId}:${postClient.clientSecret}`).toString('base64')}`,
      },
      body: new URLSearchParams({ ...clientCredentials, client_id: postClient.clientId, client_secret: postClient.clientSecret! }).toString(),
    });
    assert.equal(response.status, 400);
    assert.equal(((await response.json()) as { error: string }).error, 'invalid_request');
  });

  it('enforces the registered method at introspection and revocation too (RFC 7662 §2.1, RFC 7009 §2.1)', async () => {
    for (const path of ['/introspect', '/revoke']) {
      assert.equal((await call(path, basicClient, 'basic', { token: 'gh_at_unknown' })).status, 200, `${path} basic`);
      assert.equal((await call(path, postClient, 'post', { token: 'gh_at_unknown' })).status, 200, `${path} post`);
      const wrongPost = await call(path, basicClient, 'post', { token: 'gh_at_unknown' });
      assert.equal(wrongPost.status, 401, `${path} post for a basic client`);
      assert.equal(wrongPost.body.error, 'invalid_client');
      const wrongBasic = await call(path, postClient, 'basic', { token: 'gh_at_unknown' });
      assert.equal(wrongBasic.status, 401, `${path} basic for a post client`);
      assert.match(wrongBasic.challenge ?? '', /^Basic /);
    }
    // Public clients may revoke by client_id (RFC 7009 §2.1) but not introspect (RFC 7662 §2.1).
    assert.equal((await call('/revoke', publicClient, 'none', { token: 'gh_at_unknown' })).status, 200);
    const introspect = await call('/introspect', publicClient, 'none', { token: 'gh_at_unknown' });
    assert.equal(introspect.status, 401);
    assert.equal(introspect.body.error, 'invalid_client');
  });

  it('advertises the methods of the table (RFC 8414 §2)', async () => {
    const metadata = await (await fetch(`${server.issuer}/.well-known/openid-configuration`)).json() as Record<string, unknown>;
    assert.deepEqual(metadata.token_endpoint_auth_methods_supported, ['client_secret_basic', 'client_secret_post', 'client_secret_jwt', 'private_key_jwt', 'none']);
    assert.deepEqual(metadata.introspection_endpoint_auth_methods_supported, ['client_secret_basic', 'client_secret_post', 'client_secret_jwt', 'private_key_jwt']);
  });
});
