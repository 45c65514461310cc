// The seed's seven steps against a real Gatehouse over HTTP, completed by openid-client v6.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as oidc from 'openid-client';
import { createRemoteJWKSet, jwtVerify, decodeProtectedHeader } from 'jose';
import { startGatehouse, type TestClient, type TestServer } from '../support/gatehouse.js';
import { ScriptedBrowser } from '../support/browser.js';
import { codeFlowLogin } from '../support/openid-flow.js';

describe('authorization code flow with openid-client (OIDC Core §3.1)', () => {
  let server: TestServer;
  let client: TestClient;
  let user: { accountId: string; username: string; password: string };

  before(async () => {
    server = await startGatehouse();
    client = await server.createClient({ clientName: 'Seed Client-Server' });
    user = await server.createUser({ username: 'alice', name: 'Alice Example', email: 'alice@example.com' });
  });
  after(() => server.close());

  const login = (config: oidc.Configuration, browser?: ScriptedBrowser) => codeFlowLogin(config, client.redirectUri, user, browser);

  it('completes login, consent and code exchange with client_secret_basic, PKCE, state and nonce', async () => {
    const config = await oidc.discovery(new URL(server.issuer), client.clientId, undefined,
      oidc.ClientSecretBasic(client.clientSecret!), { execute: [oidc.allowInsecureRequests] });
    const { tokens, callback } = await login(config);

    assert.equal(callback.searchParams.get('iss'), server.issuer, 'RFC 9207 iss in the authorization response');
    assert.match(tokens.access_token, /^gh_at_/);
    assert.match(tokens.refresh_token ?? '', /^gh_rt_/);
    assert.equal(tokens.token_type, 'bearer');
    const claims = tokens.claims()!;
    assert.equal(claims.sub, user.accountId);
    assert.equal(claims.aud, client.clientId);
    assert.equal(claims.iss, server.issuer);
    assert.equal(typeof claims.auth_time, 'number');
    assert.equal(typeof claims.at_hash, 'string');

    // The ID token validates against the published JWKS (OIDC Core §3.1.3.7).
    const jwks = createRemoteJWKSet(new URL(`${server.issuer}/jwks`));
    const verified = await jwtVerify(tokens.id_token!, jwks, { issuer: server.issuer, audience: client.clientId });
    assert.equal(verified.payload.sub, user.accountId);
    assert.equal(decodeProtectedHeader(tokens.id_token!).alg, 'RS256');

    // Step 7: the Client-Server calls a resource (UserInfo) with the access token.
    const info = await oidc.fetchUserInfo(config, tokens.access_token, claims.sub);
    assert.equal(info.email, 'alice@example.com');
    assert.equal(info.name, 'Alice Example');
    assert.equal(info.preferred_username, 'alice');
  });

  it('works with client_secret_post and refreshes with rotation (RFC 6749 §6)', async () => {
    // The registered method is enforced (OIDC Core §9): this client registers client_secret_post.
    const postClient = await server.createClient({ clientName: 'Post client', tokenEndpointAuthMethod: 'client_secret_post' });
    const config = await oidc.discovery(new URL(server.issuer), postClient.clientId, undefined,
      oidc.ClientSecretPost(postClient.clientSecret!), { execute: [oidc.allowInsecureRequests] });
    const saved = client;
    client = postClient;
    let tokens: Awaited<ReturnType<typeof login>>['tokens'];
    try {
      ({ tokens } = await login(config));
    } finally {
      client = saved;
    }
    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
    assert.notEqual(refreshed.refresh_token, tokens.refresh_token);
    assert.notEqual(refreshed.access_token, tokens.access_token);
    assert.equal(refreshed.claims()?.sub, user.accountId);
    const again = await oidc.refreshTokenGrant(config, refreshed.refresh_token!);
    assert.ok(again.access_token);
  });

  it('skips login and consent on the second authorization with a live session (OIDC Core §3.1.2.3)', async () => {
    const config = await oidc.discovery(new URL(server.issuer), client.clientId, undefined,
      oidc.ClientSecretBasic(client.clientSecret!), { execute: [oidc.allowInsecureRequests] });
    const browser = new ScriptedBrowser();
    await login(config, browser);
    const state = oidc.randomState();
    const verifier = oidc.randomPKCECodeVerifier();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: client.redirectUri, scope: 'openid profile', state,
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
    });
    const page = await browser.navigate(url.toString());
    assert.ok(page.leftTo, 'redirected straight back');
    const tokens = await oidc.authorizationCodeGrant(config, new URL(page.leftTo), { pkceCodeVerifier: verifier, expectedState: state });
    assert.equal(tokens.claims()?.sub, user.accountId);
  });

  it('serves a public client with PKCE and no secret (RFC 7636, RFC 6749 §2.1)', async () => {
    const publicClient = await server.createClient({ public: true, clientName: 'SPA' });
    const config = await oidc.discovery(new URL(server.issuer), publicClient.clientId, undefined,
      oidc.None(), { execute: [oidc.allowInsecureRequests] });
    const saved = client;
    client = publicClient;
    try {
      const { tokens } = await login(config);
      assert.ok(tokens.access_token);
      assert.ok(tokens.id_token);
    } finally {
      client = saved;
    }
  });
});
