// "Request and response parameters MUST NOT be included more than once" (RFC 6749 §3.1, §3.2):
// every endpoint of the core refuses a repeated parameter with invalid_request.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startGatehouse, type TestClient, type TestServer } from '../support/gatehouse.js';
import { obtainTokens } from '../support/flow.js';

describe('repeated parameters', () => {
  let server: TestServer;
  let client: TestClient;
  let postClient: TestClient;
  let accessToken: string;

  before(async () => {
    server = await startGatehouse();
    client = await server.createClient();
    postClient = await server.createClient({ tokenEndpointAuthMethod: 'client_secret_post' });
    const user = await server.createUser();
    accessToken = (await obtainTokens(server, client, user, 'openid profile')).access_token as string;
  });
  after(() => server.close());

  const basic = (c: TestClient) => `Basic ${Buffer.from(`${c.clientId}:${c.clientSecret}`).toString('base64')}`;

  async function send(path: string, body: string, headers: Record<string, string> = {}, method = 'POST') {
    const response = await fetch(`${server.issuer}${path}`, {
      method, headers: { ...(method === 'POST' ? { 'content-type': 'application/x-www-form-urlencoded' } : {}), ...headers },
      ...(method === 'POST' ? { body } : {}),
    });
    const text = await response.text();
    return { status: response.status, challenge: response.headers.get('www-authenticate') ?? '', body: text ? JSON.parse(text) as Record<string, unknown> : {} };
  }

  it('refuses a repeated access_token in a UserInfo POST body (RFC 6749 §3.1, RFC 6750 §2.2, §3.1)', async () => {
    const once = await send('/userinfo', `access_token=${accessToken}`);
    assert.equal(once.status, 200, 'the same token sent once is accepted');
    const twice = await send('/userinfo', `access_token=${accessToken}&access_token=${accessToken}`);
    assert.equal(twice.status, 400);
    assert.equal(twice.body.error, 'invalid_request');
    assert.match(twice.challenge, /^Bearer .*error="invalid_request"/);
  });

  it('refuses any other repeated parameter at UserInfo, in a POST body or a GET query (RFC 6749 §3.1)', async () => {
    const post = await send('/userinfo', `access_token=${accessToken}&x=1&x=2`);
    assert.equal(post.status, 400);
    assert.equal(post.body.error, 'invalid_request');
    const get = await send(`/userinfo?x=1&x=2`, '', { authorization: `Bearer ${accessToken}` }, 'GET');
    assert.equal(get.status, 400);
    assert.equal(get.body.error, 'invalid_request');
    const fine = await send(`/userinfo?x=1`, '', { authorization: `Bearer ${accessToken}` }, 'GET');
    assert.equal(fine.status, 200);
  });

  it('refuses a repeated token at introspection and revocation (RFC 6749 §3.2, RFC 7662 §2.1, RFC 7009 §2.1)', async () => {
    for (const path of ['/introspect', '/revoke']) {
      const response = await send(path, `token=${accessToken}&token=gh_at_other`, { authorization: basic(client) });
      assert.equal(response.status, 400, path);
      assert.equal(response.body.error, 'invalid_request', path);
    }
    const introspection = await send('/introspect', `token=${accessToken}`, { authorization: basic(client) });
    assert.equal(introspection.body.active, true, 'the token was not revoked by the refused request');
  });

  it('refuses repeated client credentials in a token request body (RFC 6749 §3.2, §2.3.1)', async () => {
    const grant = 'grant_type=client_credentials';
    const ok = await send('/token', `${grant}&client_id=${postClient.clientId}&client_secret=${postClient.clientSecret}`);
    assert.equal(ok.status, 200);
    for (const body of [
      `${grant}&client_id=${postClient.clientId}&client_id=${postClient.clientId}&client_secret=${postClient.clientSecret}`,
      `${grant}&client_id=${postClient.clientId}&client_secret=${postClient.clientSecret}&client_secret=${postClient.clientSecret}`,
      `${grant}&${grant}&client_id=${postClient.clientId}&client_secret=${postClient.clientSecret}`,
    ]) {
      const response = await send('/token', body);
      assert.equal(response.status, 400);
      assert.equal(response.body.error, 'invalid_request');
    }
  });
});
