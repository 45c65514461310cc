// The token endpoint's rules, each with the case that must be refused (RFC 6749 §4.1.3, §5.2, §6;
// RFC 7636 §4.6; RFC 9700 §4.14).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startGatehouse, type TestClient, type TestServer } from '../support/gatehouse.js';
import { obtainTokens, pkcePair, runAuthorization, tokenRequest } from '../support/flow.js';

describe('token endpoint', () => {
  let server: TestServer;
  let client: TestClient;
  let other: TestClient;
  let user: { accountId: string; username: string; password: string };

  before(async () => {
    server = await startGatehouse();
    client = await server.createClient();
    other = await server.createClient();
    user = await server.createUser();
  });
  after(() => server.close());

  const basic = (c: TestClient) => ({ clientId: c.clientId, clientSecret: c.clientSecret! });

  async function freshCode(params: Record<string, string> = {}) {
    const pkce = pkcePair();
    const run = await runAuthorization(server, client, user, { code_challenge: pkce.challenge, code_challenge_method: 'S256', ...params });
    const code = run.callback?.searchParams.get('code');
    assert.ok(code, 'authorization returned a code');
    return { code, verifier: pkce.verifier };
  }

  async function introspect(token: string) {
    const response = await fetch(`${server.issuer}/introspect`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64')}` },
      body: new URLSearchParams({ token }).toString(),
    });
    return (await response.json()) as { active: boolean; scope?: string };
  }

  it('answers with Cache-Control: no-store on success and on error (RFC 6749 §5.1)', async () => {
    const { code, verifier } = await freshCode();
    const ok = await tokenRequest(server, { grant_type: 'authorization_code', code, redirect_uri: client.redirectUri, code_verifier: verifier }, basic(client));
    assert.equal(ok.status, 200);
    assert.equal(ok.headers.get('cache-control'), 'no-store');
    const bad = await tokenRequest(server, { grant_type: 'authorization_code', code: 'nope', redirect_uri: client.redirectUri }, basic(client));
    assert.equal(bad.headers.get('cache-control'), 'no-store');
  });

  it('rejects a wrong client secret with 401 invalid_client and a Basic challenge (RFC 6749 §5.2)', async () => {
    const response = await tokenRequest(server, { grant_type: 'client_credentials' }, { clientId: client.clientId, clientSecret: 'wrong' });
    assert.equal(response.status, 401);
    assert.equal(response.body.error, 'invalid_client');
    assert.match(response.headers.get('www-authenticate') ?? '', /^Basic /);
  });

  it('rejects an unknown client and a missing client authentication (RFC 6749 §5.2)', async () => {
    const unknown = await tokenRequest(server, { grant_type: 'client_credentials' }, { clientId: 'nobody', clientSecret: 'x' });
    assert.equal(unknown.body.error, 'invalid_client');
    const none = await tokenRequest(server, { grant_type: 'client_credentials' });
    assert.equal(none.status, 401);
    assert.equal(none.body.error, 'invalid_client');
  });

  it('rejects a confidential client that presents no secret (RFC 6749 §3.2.1)', async () => {
    const { code, verifier } = await freshCode();
    const response = await tokenRequest(server, { grant_type: 'authorization_code', code, client_id: client.clientId, redirect_uri: client.redirectUri, code_verifier: verifier });
    assert.equal(response.body.error, 'invalid_client');
  });

  it('rejects a replayed code and revokes the tokens it issued (RFC 6749 §4.1.2)', async () => {
    const { code, verifier } = await freshCode();
    const form = { grant_type: 'authorization_code', code, redirect_uri: client.redirectUri, code_verifier: verifier };
    const first = await tokenRequest(server, form, basic(client));
    assert.equal(first.status, 200);
    assert.equal((await introspect(first.body.access_token as string)).active, true);
    const replay = await tokenRequest(server, form, basic(client));
    assert.equal(replay.status, 400);
    assert.equal(replay.body.error, 'invalid_grant');
    assert.equal((await introspect(first.body.access_token as string)).active, false);
    assert.equal((await introspect(first.body.refresh_token as string)).active, false);
    const refresh = await tokenRequest(server, { grant_type: 'refresh_token', refresh_token: first.body.refresh_token as string }, basic(client));
    assert.equal(refresh.body.error, 'invalid_grant');
  });

  it('rejects a wrong PKCE verifier and a missing one (RFC 7636 §4.6)', async () => {
    const { code } = await freshCode();
    const wrong = await tokenRequest(server, { grant_type: 'authorization_code', code, redirect_uri: client.redirectUri, code_verifier: pkcePair().verifier }, basic(client));
    assert.equal(wrong.body.error, 'invalid_grant');
    const second = await freshCode();
    const missing = await tokenRequest(server, { grant_type: 'authorization_code', code: second.code, redirect_uri: client.redirectUri }, basic(client));
    assert.equal(missing.body.error, 'invalid_grant');
  });

  it('spends a code presented with a wrong verifier, so a second guess fails too (RFC 6749 §4.1.2, RFC 7636 §4.6)', async () => {
    const { code, verifier } = await freshCode();
    const form = { grant_type: 'authorization_code', code, redirect_uri: client.redirectUri };
    const guess = await tokenRequest(server, { ...form, code_verifier: pkcePair().verifier }, basic(client));
    assert.equal(guess.body.error, 'invalid_grant');
    const right = await tokenRequest(server, { ...form, code_verifier: verifier }, basic(client));
    assert.equal(right.status, 400, 'the code was spent by the failed attempt');
    assert.equal(right.body.error, 'invalid_grant');
  });

  it('rejects a code_verifier for a code issued without a challenge (RFC 9700 §4.8.2)', async () => {
    // Only a confidential client registered without the PKCE requirement gets such a code.
    const noPkce = await server.createClient({ metadata: { requirePkce: false } });
    const run = await runAuthorization(server, noPkce, user, {});
    const code = run.callback!.searchParams.get('code')!;
    const response = await tokenRequest(server, { grant_type: 'authorization_code', code, redirect_uri: noPkce.redirectUri, code_verifier: pkcePair().verifier }, basic(noPkce));
    assert.equal(response.body.error, 'invalid_grant');
  });

  it('rejects a code redeemed by another client (RFC 6749 §4.1.3)', async () => {
    const { code, verifier } = await freshCode();
    const response = await tokenRequest(server, { grant_type: 'authorization_code', code, redirect_uri: client.redirectUri, code_verifier: verifier }, basic(other));
    assert.equal(response.body.error, 'invalid_grant');
  });

  it('rejects a redirect_uri different from the authorization request (RFC 6749 §4.1.3)', async () => {
    const { code, verifier } = await freshCode();
    const response = await tokenRequest(server, { grant_type: 'authorization_code', code, redirect_uri: `${client.redirectUri}/`, code_verifier: verifier }, basic(client));
    assert.equal(response.body.error, 'invalid_grant');
  });

  it('rejects an expired code after 60 seconds (RFC 6749 §4.1.2)', async () => {
    const { code, verifier } = await freshCode();
    server.clock.advance(61);
    try {
      const response = await tokenRequest(server, { grant_type: 'authorization_code', code, redirect_uri: client.redirectUri, code_verifier: verifier }, basic(client));
      assert.equal(response.body.error, 'invalid_grant');
    } finally {
      server.clock.advance(-61);
    }
  });

  it('rejects repeated parameters and non-form bodies with invalid_request (RFC 6749 §3.2)', async () => {
    const { code, verifier } = await freshCode();
    const body = `grant_type=authorization_code&code=${code}&code=${code}&redirect_uri=${encodeURIComponent(client.redirectUri)}&code_verifier=${verifier}`;
    const auth = `Basic ${Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64')}`;
    const repeated = await fetch(`${server.issuer}/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: auth }, body });
    assert.equal(repeated.status, 400);
    assert.equal(((await repeated.json()) as { error: string }).error, 'invalid_request');
    const json = await fetch(`${server.issuer}/token`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: auth }, body: '{"grant_type":"client_credentials"}' });
    assert.equal(json.status, 400);
    assert.equal(((await json.json()) as { error: string }).error, 'invalid_request');
  });

  it('rejects an unknown grant_type with unsupported_grant_type (RFC 6749 §5.2)', async () => {
    const response = await tokenRequest(server, { grant_type: 'password', username: 'a', password: 'b' }, basic(client));
    assert.equal(response.body.error, 'unsupported_grant_type');
  });

  it('rotates refresh tokens and revokes the family when an old one is reused (RFC 9700 §4.14.2)', async () => {
    const tokens = await obtainTokens(server, client, user);
    const first = await tokenRequest(server, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token as string }, basic(client));
    assert.equal(first.status, 200);
    assert.notEqual(first.body.refresh_token, tokens.refresh_token);
    const reuse = await tokenRequest(server, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token as string }, basic(client));
    assert.equal(reuse.body.error, 'invalid_grant');
    const successor = await tokenRequest(server, { grant_type: 'refresh_token', refresh_token: first.body.refresh_token as string }, basic(client));
    assert.equal(successor.body.error, 'invalid_grant', 'the rotated successor is revoked too');
    assert.equal((await introspect(first.body.access_token as string)).active, false);
  });

  it('refuses a refresh token presented by another client (RFC 6749 §6)', async () => {
    const tokens = await obtainTokens(server, client, user);
    const response = await tokenRequest(server, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token as string }, basic(other));
    assert.equal(response.body.error, 'invalid_grant');
    const owner = await tokenRequest(server, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token as string }, basic(client));
    assert.equal(owner.status, 200, 'the owner can still use it');
  });

  it('refuses a refresh with a wider scope and allows a narrower one (RFC 6749 §6)', async () => {
    const tokens = await obtainTokens(server, client, user, 'openid profile offline_access');
    const wider = await tokenRequest(server, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token as string, scope: 'openid email offline_access' }, basic(client));
    assert.equal(wider.body.error, 'invalid_scope');
    const narrower = await tokenRequest(server, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token as string, scope: 'openid offline_access' }, basic(client));
    assert.equal(narrower.status, 200);
    assert.equal(narrower.body.scope, 'openid offline_access');
  });

  it('narrows only the access and ID token on a refresh with a narrower scope; the new refresh token keeps the original grant (RFC 6749 §6)', async () => {
    const tokens = await obtainTokens(server, client, user, 'openid profile offline_access');
    // Drops offline_access and profile: the access token and ID token get exactly that subset.
    const narrowed = await tokenRequest(server, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token as string, scope: 'openid' }, basic(client));
    assert.equal(narrowed.status, 200);
    assert.equal(narrowed.body.scope, 'openid');
    const idClaims = JSON.parse(Buffer.from((narrowed.body.id_token as string).split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
    assert.equal(idClaims.name, undefined, 'the ID token carries no profile claims');
    const access = await introspect(narrowed.body.access_token as string);
    assert.equal(access.scope, 'openid');
    // "identical to that of the refresh token included by the client in the request": the new
    // refresh token keeps the original scope, offline_access included.
    assert.match(narrowed.body.refresh_token as string, /^gh_rt_/);
    const refresh = await introspect(narrowed.body.refresh_token as string);
    assert.equal(refresh.scope, 'openid profile offline_access');
    // So the next refresh can ask for the full original scope again.
    const full = await tokenRequest(server, { grant_type: 'refresh_token', refresh_token: narrowed.body.refresh_token as string }, basic(client));
    assert.equal(full.status, 200);
    assert.equal(full.body.scope, 'openid profile offline_access');
    assert.ok(full.body.refresh_token);
  });

  it('issues no refresh token without offline_access (OIDC Core §11)', async () => {
    const tokens = await obtainTokens(server, client, user, 'openid profile');
    assert.equal(tokens.refresh_token, undefined);
  });

  it('issues client_credentials tokens to confidential clients only (RFC 6749 §4.4)', async () => {
    const ok = await tokenRequest(server, { grant_type: 'client_credentials', scope: 'api:read' }, basic(client));
    assert.equal(ok.status, 200);
    assert.equal(ok.body.scope, 'api:read');
    assert.equal(ok.body.refresh_token, undefined);
    assert.equal(ok.body.id_token, undefined);
    const publicClient = await server.createClient({ public: true, grantTypes: ['authorization_code', 'client_credentials'] });
    const refused = await tokenRequest(server, { grant_type: 'client_credentials', client_id: publicClient.clientId });
    assert.equal(refused.body.error, 'unauthorized_client');
  });
});
