// Token Exchange (RFC 8693) of JWTs from configured trusted issuers (§3 token type
// urn:ietf:params:oauth:token-type:jwt), over real HTTP: the issuers' JWK Sets are served by a real
// HTTP server on loopback (allowPrivateNetworkFetch lets Gatehouse reach it), the JWTs are signed
// with jose, the happy path runs through oauth4webapi. Each rule the JWT must meet has its own
// test, and each refusal is invalid_grant (§2.2.2, RFC 6749 §5.2), never a server error.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import * as oauth from 'oauth4webapi';
import { decodeJwt, exportJWK, generateKeyPair, SignJWT, type JWK, type JWTPayload, type CryptoKey } from 'jose';
import { startGatehouse, type TestClient, type TestServer } from '../support/gatehouse.js';
import { tokenRequest } from '../support/flow.js';

const grantType = 'urn:ietf:params:oauth:grant-type:token-exchange';
const jwtType = 'urn:ietf:params:oauth:token-type:jwt';
const accessTokenType = 'urn:ietf:params:oauth:token-type:access_token';
const orders = 'https://orders.example/api';
const ledger = 'https://ledger.example/api';
const billing = 'https://billing.example/api';
const idp = 'https://idp.example';
const partner = 'https://partner.example';
const partnerAudience = 'https://gatehouse.partner.example';
const insecure = { [oauth.allowInsecureRequests]: true };

interface SigningKey { key: CryptoKey; jwk: JWK; alg: string }

async function signingKey(alg: 'RS256' | 'ES256', kid: string): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { key: privateKey, jwk: { ...await exportJWK(publicKey), kid, alg, use: 'sig' }, alg };
}

describe('token exchange of trusted issuers\' JWTs (RFC 8693 §3)', () => {
  let jwksServer: http.Server;
  let jwksBase: string;
  /** The JWK Sets served, by path; fetches counted by path. */
  const published = new Map<string, JWK[]>();
  const fetches = new Map<string, number>();
  let server: TestServer;
  let app: TestClient;
  let idpKey: SigningKey;
  let idpEcKey: SigningKey;
  let partnerKey: SigningKey;
  let rogueKey: SigningKey;

  before(async () => {
    jwksServer = http.createServer((request, response) => {
      const path = request.url ?? '';
      fetches.set(path, (fetches.get(path) ?? 0) + 1);
      const keys = published.get(path);
      if (!keys) return response.writeHead(404).end();
      response.writeHead(200, { 'content-type': 'application/jwk-set+json' }).end(JSON.stringify({ keys }));
    });
    await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
    jwksBase = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}`;
    [idpKey, idpEcKey, partnerKey, rogueKey] = await Promise.all([
      signingKey('RS256', 'idp-1'), signingKey('ES256', 'idp-ec'), signingKey('ES256', 'partner-1'), signingKey('RS256', 'idp-1'),
    ]);
    published.set('/idp/jwks', [idpKey.jwk, idpEcKey.jwk]);
    published.set('/partner/jwks', [partnerKey.jwk]);

    server = await startGatehouse({
      allowPrivateNetworkFetch: true,
      tokenExchange: {
        trustedIssuers: [
          { issuer: idp, jwksUri: `${jwksBase}/idp/jwks` },
          { issuer: partner, jwksUri: `${jwksBase}/partner/jwks`, audience: partnerAudience, algorithms: ['ES256'], subjectClaim: 'email' },
          { issuer: 'https://down.example', jwksUri: `${jwksBase}/nowhere/jwks` },
        ],
      },
    });
    for (const [identifier, tokenFormat] of [[orders, 'jwt'], [ledger, 'opaque'], [billing, 'jwt']] as const) {
      await server.storage.resources.insert({
        identifier, name: null, scopes: ['orders:read', 'orders:write'], tokenFormat, accessTokenTtl: 300,
        introspectionSecretDigest: null, createdAt: server.clock(), updatedAt: server.clock(),
      });
    }
    app = await server.createClient({ grantTypes: [grantType], scopes: [], metadata: { tokenExchangeAudiences: [orders, ledger] } });
  });
  after(async () => {
    await server.close();
    await new Promise((resolve) => jwksServer.close(resolve));
  });

  /** A JWT of `iss` signed with `key`; `claims` override the defaults (undefined removes one). */
  function jwt(key: SigningKey, claims: Record<string, unknown> = {}, iss = idp): Promise<string> {
    const now = server.clock();
    const payload: Record<string, unknown> = { iss, sub: 'alice', aud: server.issuer, iat: now, exp: now + 120, scope: 'orders:read orders:write', ...claims };
    for (const [name, value] of Object.entries(payload)) if (value === undefined) delete payload[name];
    return new SignJWT(payload as JWTPayload).setProtectedHeader({ alg: key.alg, kid: key.jwk.kid!, typ: 'JWT' }).sign(key.key);
  }

  const exchange = (form: Record<string, string>) =>
    tokenRequest(server, { grant_type: grantType, resource: orders, ...form }, { clientId: app.clientId, clientSecret: app.clientSecret! });

  const introspect = async (token: string) => {
    const basic = `Basic ${Buffer.from(`${app.clientId}:${app.clientSecret}`).toString('base64')}`;
    const answer = await fetch(`${server.issuer}/introspect`, { method: 'POST', headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ token }) });
    return (await answer.json()) as Record<string, unknown>;
  };

  it('RFC 8693 §2.2.1, §3: oauth4webapi trades a trusted issuer\'s JWT for a narrower token whose sub is the issuer-qualified subject', async () => {
    const as = await oauth.processDiscoveryResponse(new URL(server.issuer), await oauth.discoveryRequest(new URL(server.issuer), insecure));
    const client: oauth.Client = { client_id: app.clientId };
    const response = await oauth.genericTokenEndpointRequest(as, client, oauth.ClientSecretBasic(app.clientSecret!), grantType, {
      subject_token: await jwt(idpKey), subject_token_type: jwtType, resource: orders, scope: 'orders:read',
    }, insecure);
    const tokens = await oauth.processGenericTokenEndpointResponse(as, client, response);
    assert.equal(tokens.issued_token_type, accessTokenType);
    assert.equal(tokens.refresh_token, undefined, 'no refresh token for an external subject');
    assert.equal(tokens.id_token, undefined, 'no ID token: there is no local account');
    const claims = decodeJwt(tokens.access_token);
    assert.equal(claims.iss, server.issuer);
    assert.equal(claims.sub, `${idp}#alice`);
    assert.equal(claims.aud, orders);
    assert.equal(claims.scope, 'orders:read');
    assert.deepEqual(claims.act, { sub: app.clientId, client_id: app.clientId });
  });

  it('RFC 8693 §3, RFC 7662 §2.2: an opaque token for an external subject introspects with that subject and act, and no username', async () => {
    const answer = await exchange({ subject_token: await jwt(idpEcKey), subject_token_type: jwtType, resource: ledger });
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    const info = await introspect(answer.body.access_token as string);
    assert.equal(info.active, true);
    assert.equal(info.sub, `${idp}#alice`);
    assert.equal(info.aud, ledger);
    assert.equal(info.username, undefined);
    assert.deepEqual(info.act, { sub: app.clientId, client_id: app.clientId });
  });

  it('RFC 8693 §4.1: exchanging the result again keeps the external subject and nests act', async () => {
    const first = await exchange({ subject_token: await jwt(idpKey, { act: { sub: 'https://idp.example#gateway' } }), subject_token_type: jwtType, resource: ledger });
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.deepEqual((await introspect(first.body.access_token as string)).act, { sub: app.clientId, client_id: app.clientId, act: { sub: 'https://idp.example#gateway' } });
    const second = await exchange({ subject_token: first.body.access_token as string, subject_token_type: accessTokenType });
    assert.equal(second.status, 200, JSON.stringify(second.body));
    const claims = decodeJwt(second.body.access_token as string);
    assert.equal(claims.sub, `${idp}#alice`);
    assert.deepEqual(claims.act, { sub: app.clientId, client_id: app.clientId, act: { sub: app.clientId, client_id: app.clientId, act: { sub: 'https://idp.example#gateway' } } });
  });

  it('RFC 8693 §3: an issuer\'s audience and subject claim come from its configuration', async () => {
    const answer = await exchange({ subject_token: await jwt(partnerKey, { aud: partnerAudience, email: 'bob@partner.example' }, partner), subject_token_type: jwtType });
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    assert.equal(decodeJwt(answer.body.access_token as string).sub, `${partner}#bob@partner.example`);
  });

  it('RFC 8693 §2.1: the issued scopes stay within the JWT\'s scope claim', async () => {
    const wider = await exchange({ subject_token: await jwt(idpKey, { scope: 'orders:read' }), subject_token_type: jwtType, scope: 'orders:read orders:write' });
    assert.equal(wider.body.error, 'invalid_scope');
    const none = await exchange({ subject_token: await jwt(idpKey, { scope: undefined }), subject_token_type: jwtType });
    assert.equal(none.body.error, 'invalid_scope', 'a JWT without scope grants nothing');
  });

  it('RFC 8693 §2.2.2: the client\'s audience policy applies as to Gatehouse\'s own tokens', async () => {
    const answer = await exchange({ subject_token: await jwt(idpKey), subject_token_type: jwtType, resource: billing });
    assert.equal(answer.body.error, 'invalid_target');
  });

  const refusals: Array<[string, () => Promise<string>]> = [
    ['a JWT from an issuer that is not trusted', () => jwt(rogueKey, {}, 'https://rogue.example')],
    ['a JWT whose signature does not verify with the issuer\'s keys (same kid, another key)', () => jwt(rogueKey)],
    ['a JWT signed with a key the issuer does not publish', async () => jwt({ ...rogueKey, jwk: { ...rogueKey.jwk, kid: 'unknown' } })],
    ['a JWT with an algorithm the issuer is not configured for', async () => {
      const rsa = await signingKey('RS256', 'partner-1');
      return jwt(rsa, { aud: partnerAudience, email: 'bob@partner.example' }, partner);
    }],
    ['an expired JWT', () => jwt(idpKey, { iat: server.clock() - 600, exp: server.clock() - 300 })],
    ['a JWT expired a moment ago, within the clock skew', () => jwt(idpKey, { exp: server.clock() - 5 })],
    ['a JWT without exp', () => jwt(idpKey, { exp: undefined })],
    ['a JWT for another audience', () => jwt(idpKey, { aud: 'https://elsewhere.example' })],
    ['a JWT without aud', () => jwt(idpKey, { aud: undefined })],
    ['a JWT of an issuer with its own audience, naming Gatehouse\'s issuer instead', () => jwt(partnerKey, { email: 'bob@partner.example' }, partner)],
    ['a JWT not valid before a time still to come (nbf)', () => jwt(idpKey, { nbf: server.clock() + 600 })],
    ['a JWT issued in the future (iat)', () => jwt(idpKey, { iat: server.clock() + 600 })],
    ['a JWT without sub', () => jwt(idpKey, { sub: undefined })],
    ['a JWT without the configured subject claim', () => jwt(partnerKey, { aud: partnerAudience }, partner)],
    ['a JWT whose issuer\'s JWK Set cannot be fetched', () => jwt(idpKey, {}, 'https://down.example')],
    ['something that is not a JWT', async () => 'not-a-jwt'],
    ['an unsigned JWT (alg none)', async () => {
      const now = server.clock();
      const body = Buffer.from(JSON.stringify({ iss: idp, sub: 'alice', aud: server.issuer, exp: now + 60, scope: 'orders:read' })).toString('base64url');
      return `${Buffer.from('{"alg":"none"}').toString('base64url')}.${body}.`;
    }],
  ];
  for (const [what, token] of refusals) {
    it(`RFC 8693 §2.2.2, RFC 6749 §5.2: ${what} is refused with invalid_grant`, async () => {
      const answer = await exchange({ subject_token: await token(), subject_token_type: jwtType });
      assert.equal(answer.status, 400, JSON.stringify(answer.body));
      assert.equal(answer.body.error, 'invalid_grant');
    });
  }

  it('RFC 8693 §2.1: a trusted issuer\'s JWT is accepted as actor token too, and act names its qualified subject', async () => {
    const own = await exchange({ subject_token: await jwt(idpKey), subject_token_type: jwtType, resource: ledger });
    const answer = await exchange({
      subject_token: own.body.access_token as string, subject_token_type: accessTokenType,
      actor_token: await jwt(idpKey, { sub: 'svc-gateway' }), actor_token_type: jwtType,
    });
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    assert.deepEqual(decodeJwt(answer.body.access_token as string).act, { sub: `${idp}#svc-gateway`, act: { sub: app.clientId, client_id: app.clientId } });
  });

  it('the JWK Set is cached, and a key the issuer rotated in is found by one refetch', async () => {
    const before = fetches.get('/idp/jwks') ?? 0;
    assert.ok(before >= 1);
    for (let i = 0; i < 3; i++) assert.equal((await exchange({ subject_token: await jwt(idpKey), subject_token_type: jwtType })).status, 200);
    assert.equal(fetches.get('/idp/jwks'), before, 'no new fetch while the set is fresh');
    const rotated = await signingKey('ES256', 'idp-2');
    published.set('/idp/jwks', [idpKey.jwk, idpEcKey.jwk, rotated.jwk]);
    server.clock.advance(61); // past clientJwksRefetchInterval, within clientJwksCacheTtl
    const answer = await exchange({ subject_token: await jwt(rotated), subject_token_type: jwtType });
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    assert.equal(fetches.get('/idp/jwks'), before + 1);
  });
});

describe('token exchange of trusted issuers\' JWTs: the outbound-fetch guards', () => {
  let listener: net.Server;
  let server: TestServer;

  after(async () => {
    await server?.close();
    await new Promise((resolve) => listener?.close(resolve));
  });

  it('a JWK Set on a private address is never fetched unless configured: the JWT is refused with invalid_grant', async () => {
    // Counts connections: any attempt to fetch from it, TLS or not, would show.
    let connections = 0;
    listener = net.createServer((socket) => {
      connections++;
      socket.destroy();
    });
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    const jwksUri = `https://127.0.0.1:${(listener.address() as AddressInfo).port}/jwks`;
    server = await startGatehouse({ tokenExchange: { trustedIssuers: [{ issuer: idp, jwksUri }] } });
    await server.storage.resources.insert({
      identifier: orders, name: null, scopes: ['orders:read'], tokenFormat: 'jwt', accessTokenTtl: 300,
      introspectionSecretDigest: null, createdAt: server.clock(), updatedAt: server.clock(),
    });
    const app = await server.createClient({ grantTypes: [grantType], metadata: { tokenExchangeAudiences: [orders] } });
    const key = await signingKey('RS256', 'k');
    const now = server.clock();
    const token = await new SignJWT({ iss: idp, sub: 'alice', aud: server.issuer, iat: now, exp: now + 60, scope: 'orders:read' })
      .setProtectedHeader({ alg: 'RS256', kid: 'k' }).sign(key.key);
    const answer = await tokenRequest(server, { grant_type: grantType, subject_token: token, subject_token_type: jwtType, resource: orders },
      { clientId: app.clientId, clientSecret: app.clientSecret! });
    assert.equal(answer.status, 400, JSON.stringify(answer.body));
    assert.equal(answer.body.error, 'invalid_grant');
    assert.equal(connections, 0, 'the loopback address was never connected to');
  });
});
