// Token Exchange (RFC 8693) over real HTTP: a client trades a user's access token (or its own ID
// token) for a token for another registered API, narrower and naming who acts (act, §4.1); every
// way to widen scope or audience, or to trade someone else's token, is refused.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { decodeJwt } from 'jose';
import { startGatehouse, type TestClient, type TestServer } from '../support/gatehouse.js';
import { obtainTokens, tokenRequest } from '../support/flow.js';

const grantType = 'urn:ietf:params:oauth:grant-type:token-exchange';
const accessTokenType = 'urn:ietf:params:oauth:token-type:access_token';
const idTokenType = 'urn:ietf:params:oauth:token-type:id_token';
const orders = 'https://orders.example/api';
const billing = 'https://billing.example/api';
const ledger = 'https://ledger.example/api';

describe('token exchange (RFC 8693)', () => {
  let server: TestServer;
  let app: TestClient;
  let gateway: TestClient;
  let impersonator: TestClient;
  let user: { accountId: string; username: string; password: string };
  let userTokens: Record<string, unknown>;

  before(async () => {
    server = await startGatehouse();
    for (const identifier of [orders, billing]) {
      await server.storage.resources.insert({
        identifier, name: null, scopes: ['profile', 'email'], tokenFormat: 'jwt', accessTokenTtl: 300,
        introspectionSecretDigest: null, createdAt: server.clock(), updatedAt: server.clock(),
      });
    }
    await server.storage.resources.insert({
      identifier: ledger, name: null, scopes: ['profile', 'email'], tokenFormat: 'opaque', accessTokenTtl: 300,
      introspectionSecretDigest: null, createdAt: server.clock(), updatedAt: server.clock(),
    });
    const exchange = ['authorization_code', 'refresh_token', grantType];
    app = await server.createClient({ grantTypes: exchange, metadata: { tokenExchangeAudiences: [orders, ledger] } });
    gateway = await server.createClient({ grantTypes: ['client_credentials', grantType], scopes: ['read'], metadata: { tokenExchangeAudiences: [orders, ledger] } });
    impersonator = await server.createClient({ grantTypes: ['client_credentials', grantType], metadata: { tokenExchangeAudiences: [orders], tokenExchangeImpersonation: true } });
    user = await server.createUser();
    userTokens = await obtainTokens(server, app, user, 'openid profile email offline_access');
  });
  after(() => server.close());

  const exchange = (client: TestClient, form: Record<string, string>) =>
    tokenRequest(server, { grant_type: grantType, ...form }, { clientId: client.clientId, clientSecret: client.clientSecret! });

  it('RFC 8693 §2.2.1: an access token becomes a token for the permitted resource, narrowed, with act naming the client (delegation)', async () => {
    const answer = await exchange(app, { subject_token: userTokens.access_token as string, subject_token_type: accessTokenType, resource: orders, scope: 'profile' });
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    assert.equal(answer.body.issued_token_type, accessTokenType);
    assert.equal(answer.body.token_type, 'Bearer');
    assert.equal(answer.body.refresh_token, undefined);
    assert.equal(answer.headers.get('cache-control'), 'no-store');
    const claims = decodeJwt(answer.body.access_token as string);
    assert.equal(claims.aud, orders);
    assert.equal(claims.scope, 'profile');
    assert.equal(claims.sub, user.accountId);
    assert.deepEqual(claims.act, { sub: app.clientId, client_id: app.clientId });
  });

  it('RFC 8693 §4.1: with an actor token, act names the actor; exchanging that result again nests the earlier act', async () => {
    const actor = await tokenRequest(server, { grant_type: 'client_credentials', scope: 'read' }, { clientId: gateway.clientId, clientSecret: gateway.clientSecret! });
    assert.equal(actor.status, 200, JSON.stringify(actor.body));
    const first = await exchange(gateway, {
      subject_token: userTokens.access_token as string, subject_token_type: accessTokenType, audience: orders,
      actor_token: actor.body.access_token as string, actor_token_type: accessTokenType,
    });
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.deepEqual(decodeJwt(first.body.access_token as string).act, { sub: gateway.clientId });
    const second = await exchange(gateway, { subject_token: first.body.access_token as string, subject_token_type: accessTokenType, resource: orders });
    assert.equal(second.status, 200, JSON.stringify(second.body));
    assert.deepEqual(decodeJwt(second.body.access_token as string).act, { sub: gateway.clientId, client_id: gateway.clientId, act: { sub: gateway.clientId } });
  });

  const introspect = async (client: TestClient, token: string) => {
    const basic = `Basic ${Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64')}`;
    const answer = await fetch(`${server.issuer}/introspect`, { method: 'POST', headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ token }) });
    return (await answer.json()) as Record<string, unknown>;
  };

  it('RFC 8693 §4.1, RFC 7662 §2.2: introspecting an opaque delegated token shows act, nested delegation too', async () => {
    const actor = await tokenRequest(server, { grant_type: 'client_credentials', scope: 'read' }, { clientId: gateway.clientId, clientSecret: gateway.clientSecret! });
    const first = await exchange(gateway, {
      subject_token: userTokens.access_token as string, subject_token_type: accessTokenType, resource: ledger,
      actor_token: actor.body.access_token as string, actor_token_type: accessTokenType,
    });
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.equal((first.body.access_token as string).split('.').length, 1, 'the ledger takes opaque tokens');
    const firstInfo = await introspect(gateway, first.body.access_token as string);
    assert.equal(firstInfo.active, true);
    assert.equal(firstInfo.aud, ledger);
    assert.deepEqual(firstInfo.act, { sub: gateway.clientId });
    // The opaque token's stored act is nested below the next actor, into a JWT and into an opaque token alike.
    const again = await exchange(gateway, { subject_token: first.body.access_token as string, subject_token_type: accessTokenType, resource: ledger });
    assert.equal(again.status, 200, JSON.stringify(again.body));
    assert.deepEqual((await introspect(gateway, again.body.access_token as string)).act, { sub: gateway.clientId, client_id: gateway.clientId, act: { sub: gateway.clientId } });
    const asJwt = await exchange(gateway, { subject_token: first.body.access_token as string, subject_token_type: accessTokenType, resource: orders });
    assert.deepEqual(decodeJwt(asJwt.body.access_token as string).act, { sub: gateway.clientId, client_id: gateway.clientId, act: { sub: gateway.clientId } });
    // A JWT access token's introspection says what its claim says.
    assert.deepEqual((await introspect(gateway, asJwt.body.access_token as string)).act, decodeJwt(asJwt.body.access_token as string).act);
  });

  it('RFC 7662 §2.2: a token that was not exchanged has no act in its introspection', async () => {
    const info = await introspect(app, userTokens.access_token as string);
    assert.equal(info.active, true);
    assert.equal(info.act, undefined);
  });

  it('RFC 8693 §4.1: a client whose policy allows impersonation gets a token without act', async () => {
    const answer = await exchange(impersonator, { subject_token: userTokens.access_token as string, subject_token_type: accessTokenType, resource: orders });
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    assert.equal(decodeJwt(answer.body.access_token as string).act, undefined);
  });

  it('RFC 8693 §2.1: the client\'s own ID token is a subject token too', async () => {
    const answer = await exchange(app, { subject_token: userTokens.id_token as string, subject_token_type: idTokenType, resource: orders, scope: 'openid' });
    assert.equal(answer.status, 400, 'an ID token carries only openid, which the resource does not declare');
    assert.equal(answer.body.error, 'invalid_scope');
    const other = await exchange(gateway, { subject_token: userTokens.id_token as string, subject_token_type: idTokenType, resource: orders });
    assert.equal(other.body.error, 'invalid_grant', 'an ID token issued to another client is not this one\'s to trade');
  });

  const refusals: Array<[string, () => Record<string, string>, string]> = [
    ['a wider scope than the subject token\'s (§2.1)', () => ({ subject_token: userTokens.access_token as string, subject_token_type: accessTokenType, resource: orders, scope: 'profile admin' }), 'invalid_scope'],
    ['an audience the client\'s policy does not name (§2.2.2)', () => ({ subject_token: userTokens.access_token as string, subject_token_type: accessTokenType, resource: billing }), 'invalid_target'],
    ['no audience at all', () => ({ subject_token: userTokens.access_token as string, subject_token_type: accessTokenType }), 'invalid_target'],
    ['two audiences', () => ({ subject_token: userTokens.access_token as string, subject_token_type: accessTokenType, resource: orders, audience: billing }), 'invalid_target'],
    ['a token that is not ours', () => ({ subject_token: 'not-a-token', subject_token_type: accessTokenType, resource: orders }), 'invalid_grant'],
    ['a refresh token as an access token', () => ({ subject_token: userTokens.refresh_token as string, subject_token_type: accessTokenType, resource: orders }), 'invalid_grant'],
    ['a jwt subject token when no trusted issuer is configured (RFC 8693 §3)', () => ({ subject_token: userTokens.id_token as string, subject_token_type: 'urn:ietf:params:oauth:token-type:jwt', resource: orders }), 'invalid_request'],
    ['an unknown subject_token_type', () => ({ subject_token: userTokens.access_token as string, subject_token_type: 'urn:ietf:params:oauth:token-type:saml2', resource: orders }), 'invalid_request'],
    ['a requested_token_type other than access_token', () => ({ subject_token: userTokens.access_token as string, subject_token_type: accessTokenType, resource: orders, requested_token_type: 'urn:ietf:params:oauth:token-type:refresh_token' }), 'invalid_request'],
    ['an actor_token without its type', () => ({ subject_token: userTokens.access_token as string, subject_token_type: accessTokenType, resource: orders, actor_token: 'x' }), 'invalid_request'],
  ];
  for (const [what, form, error] of refusals) {
    it(`RFC 8693 §2.2.2: ${what} is refused with ${error}`, async () => {
      const answer = await exchange(app, form());
      assert.equal(answer.status, 400, JSON.stringify(answer.body));
      assert.equal(answer.body.error, error);
    });
  }

  it('RFC 8693 §2.1: a client without the grant type is unauthorized_client', async () => {
    const plain = await server.createClient();
    const answer = await tokenRequest(server, { grant_type: grantType, subject_token: userTokens.access_token as string, subject_token_type: accessTokenType, resource: orders },
      { clientId: plain.clientId, clientSecret: plain.clientSecret! });
    assert.equal(answer.body.error, 'unauthorized_client');
  });

  it('RFC 8693 §2.1: a revoked subject token can no longer be exchanged, and what was exchanged from it dies with its grant', async () => {
    const fresh = await obtainTokens(server, app, user, 'openid profile offline_access');
    const exchanged = await exchange(app, { subject_token: fresh.access_token as string, subject_token_type: accessTokenType, resource: orders });
    assert.equal(exchanged.status, 200);
    const basic = `Basic ${Buffer.from(`${app.clientId}:${app.clientSecret}`).toString('base64')}`;
    await fetch(`${server.issuer}/revoke`, { method: 'POST', headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ token: fresh.refresh_token as string }) });
    const again = await exchange(app, { subject_token: fresh.access_token as string, subject_token_type: accessTokenType, resource: orders });
    assert.equal(again.body.error, 'invalid_grant');
    const introspected = await fetch(`${server.issuer}/introspect`, { method: 'POST', headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ token: exchanged.body.access_token as string }) });
    assert.equal(((await introspected.json()) as { active: boolean }).active, false);
  });
});
