// Pushed Authorization Requests (RFC 9126), end to end with oauth4webapi, and each rule with the
// request that must be refused.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as oauth from 'oauth4webapi';
import { startGatehouse, type TestClient, type TestServer } from '../support/gatehouse.js';
import { pkcePair, runAuthorization } from '../support/flow.js';
import { ScriptedBrowser } from '../support/browser.js';
import { SignJWT } from 'jose';
import { clientKey, jwtBearer, signAssertion, startKeyServer } from '../support/jwt-client.js';
import { parseJson, runCli, tempDatabase, type ClientJson } from './cli-harness.js';
import { Writable } from 'node:stream';
import { createLogger } from '../../src/lib/logger.js';

const onlyPushed = { response_type: undefined, redirect_uri: undefined, scope: undefined, state: undefined, nonce: undefined };

describe('pushed authorization requests (RFC 9126)', () => {
  let server: TestServer;
  let client: TestClient;
  let other: TestClient;
  let publicClient: TestClient;
  let required: TestClient;
  let user: { accountId: string; username: string; password: string };

  before(async () => {
    server = await startGatehouse({ pushedAuthorizationRequestTtl: 30 });
    client = await server.createClient();
    other = await server.createClient();
    publicClient = await server.createClient({ public: true });
    required = await server.createClient({ metadata: { requirePushedAuthorizationRequests: true } });
    user = await server.createUser();
  });
  after(() => server.close());

  const basic = (c: TestClient) => `Basic ${Buffer.from(`${c.clientId}:${c.clientSecret}`).toString('base64')}`;

  async function push(form: Record<string, string>, authorization?: string) {
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
    if (authorization) headers.authorization = authorization;
    const response = await fetch(`${server.issuer}/par`, { method: 'POST', headers, body: new URLSearchParams(form).toString() });
    return { status: response.status, headers: response.headers, body: await response.json() as Record<string, unknown> };
  }

  function requestFor(c: TestClient, extra: Record<string, string> = {}) {
    return {
      response_type: 'code', redirect_uri: c.redirectUri, scope: 'openid profile', state: 'st', nonce: 'n',
      code_challenge: pkcePair().challenge, code_challenge_method: 'S256', ...extra,
    };
  }

  async function pushedUri(c: TestClient = client): Promise<string> {
    const pushed = await push(requestFor(c), basic(c));
    assert.equal(pushed.status, 201, JSON.stringify(pushed.body));
    return pushed.body.request_uri as string;
  }

  it('RFC 9126 §2, §4: oauth4webapi pushes, then the code flow runs from the request_uri and the code redeems', async () => {
    const as = await oauth.processDiscoveryResponse(new URL(server.issuer),
      await oauth.discoveryRequest(new URL(server.issuer), { [oauth.allowInsecureRequests]: true }));
    assert.equal(as.pushed_authorization_request_endpoint, `${server.issuer}/par`);
    assert.equal(as.require_pushed_authorization_requests, false);
    const oc: oauth.Client = { client_id: client.clientId };
    const auth = oauth.ClientSecretBasic(client.clientSecret!);
    const verifier = oauth.generateRandomCodeVerifier();
    const params = new URLSearchParams({
      redirect_uri: client.redirectUri, scope: 'openid profile', response_type: 'code', state: 'par-state',
      code_challenge: await oauth.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
    });
    const response = await oauth.pushedAuthorizationRequest(as, oc, auth, params, { [oauth.allowInsecureRequests]: true });
    assert.equal(response.status, 201);
    assert.equal(response.headers.get('cache-control'), 'no-store');
    const pushed = await oauth.processPushedAuthorizationResponse(as, oc, response);
    assert.match(pushed.request_uri, /^urn:ietf:params:oauth:request_uri:[A-Za-z0-9_-]{40,}$/);
    assert.equal(pushed.expires_in, 30);

    // Only client_id and request_uri in the query: every other parameter comes from the push.
    const run = await runAuthorization(server, client, user, { ...onlyPushed, request_uri: pushed.request_uri });
    assert.ok(run.callback, `reached the client: ${run.page.status} ${run.page.body.slice(0, 300)}`);
    assert.equal(run.callback.searchParams.get('state'), 'par-state');
    const callbackParams = oauth.validateAuthResponse(as, oc, run.callback, 'par-state');
    const tokenResponse = await oauth.authorizationCodeGrantRequest(as, oc, auth, callbackParams, client.redirectUri, verifier,
      { [oauth.allowInsecureRequests]: true });
    const tokens = await oauth.processAuthorizationCodeResponse(as, oc, tokenResponse, { expectedNonce: oauth.expectNoNonce, requireIdToken: true });
    assert.ok(tokens.access_token);
  });

  it('RFC 9126 §2.1: a public client pushes with client_id alone', async () => {
    const pushed = await push({ client_id: publicClient.clientId, ...requestFor(publicClient) });
    assert.equal(pushed.status, 201, JSON.stringify(pushed.body));
  });

  it('RFC 9126 §4: other query parameters are ignored when request_uri is used', async () => {
    const uri = await pushedUri();
    const run = await runAuthorization(server, client, user,
      { ...onlyPushed, request_uri: uri, state: 'from-query', redirect_uri: 'http://evil.example/cb', scope: 'api:read' });
    assert.ok(run.callback, run.page.body.slice(0, 300));
    assert.equal(run.callback.origin + run.callback.pathname, client.redirectUri);
    assert.equal(run.callback.searchParams.get('state'), 'st');
  });

  it('RFC 9126 §2.2, §4: a request_uri is single-use; a refresh after consumption is an error page, not a 500', async () => {
    const uri = await pushedUri();
    const first = await runAuthorization(server, client, user, { ...onlyPushed, request_uri: uri });
    assert.ok(first.callback);
    const again = await new ScriptedBrowser().navigate(`${server.issuer}/authorize?client_id=${client.clientId}&request_uri=${encodeURIComponent(uri)}`);
    assert.equal(again.status, 400);
    assert.ok(again.body.includes('invalid_request_uri'), again.body.slice(0, 400));
    assert.equal(again.leftTo, undefined);
  });

  it('RFC 9126 §2.2: an expired request_uri is refused', async () => {
    const uri = await pushedUri();
    server.clock.advance(31);
    const page = await new ScriptedBrowser().navigate(`${server.issuer}/authorize?client_id=${client.clientId}&request_uri=${encodeURIComponent(uri)}`);
    assert.equal(page.status, 400);
    assert.ok(page.body.includes('invalid_request_uri'));
  });

  it("RFC 9126 §4: another client's request_uri is refused and stays usable by its own client", async () => {
    const uri = await pushedUri(client);
    const page = await new ScriptedBrowser().navigate(`${server.issuer}/authorize?client_id=${other.clientId}&request_uri=${encodeURIComponent(uri)}`);
    assert.equal(page.status, 400);
    assert.ok(page.body.includes('invalid_request_uri'));
    const run = await runAuthorization(server, client, user, { ...onlyPushed, request_uri: uri });
    assert.ok(run.callback);
  });

  it('RFC 9126 §2.1: missing client authentication is invalid_client (401)', async () => {
    const pushed = await push(requestFor(client));
    assert.equal(pushed.status, 401);
    assert.equal(pushed.body.error, 'invalid_client');
    const wrong = await push(requestFor(client), `Basic ${Buffer.from(`${client.clientId}:wrong`).toString('base64')}`);
    assert.equal(wrong.status, 401);
  });

  it('RFC 9126 §2.1: a method other than the registered one is invalid_client', async () => {
    const pushed = await push({ ...requestFor(client), client_id: client.clientId, client_secret: client.clientSecret! });
    assert.equal(pushed.status, 401);
    assert.equal(pushed.body.error, 'invalid_client');
    const publicWithoutRegistration = await push({ client_id: client.clientId, ...requestFor(client) });
    assert.equal(publicWithoutRegistration.status, 401);
  });

  it('RFC 9126 §2.1: request_uri in the pushed body is refused', async () => {
    const pushed = await push(requestFor(client, { request_uri: 'urn:ietf:params:oauth:request_uri:abcdefghijklmnopqrstuvwxyz' }), basic(client));
    assert.equal(pushed.status, 400);
    assert.equal(pushed.body.error, 'invalid_request');
  });

  it('RFC 9126 §2.3: authorization request errors come back as JSON (invalid_scope, unauthorized_client, invalid_request)', async () => {
    const scope = await push(requestFor(client, { scope: 'openid admin' }), basic(client));
    assert.equal(scope.status, 400);
    assert.equal(scope.body.error, 'invalid_scope');
    const type = await push(requestFor(client, { response_type: 'token' }), basic(client));
    assert.equal(type.status, 400);
    assert.equal(type.body.error, 'unsupported_response_type');
    const pkce = await push({ ...requestFor(publicClient), client_id: publicClient.clientId, code_challenge: '', code_challenge_method: '' });
    assert.equal(pkce.status, 400);
    assert.equal(pkce.body.error, 'invalid_request');
    const otherClientId = await push(requestFor(client, { client_id: other.clientId }), basic(client));
    assert.equal(otherClientId.status, 400);
    assert.equal(otherClientId.body.error, 'invalid_request');
    const machine = await server.createClient({ grantTypes: ['client_credentials'] });
    const unauthorized = await push(requestFor(machine), basic(machine));
    assert.equal(unauthorized.status, 400);
    assert.equal(unauthorized.body.error, 'unauthorized_client');
  });

  it('RFC 9126 §2.4: an unregistered redirect_uri is refused', async () => {
    const pushed = await push(requestFor(client, { redirect_uri: 'http://localhost:8765/other' }), basic(client));
    assert.equal(pushed.status, 400);
    assert.equal(pushed.body.error, 'invalid_request');
  });

  it('RFC 6749 §3.1: repeated parameters in the push are refused', async () => {
    const body = `${new URLSearchParams(requestFor(client)).toString()}&scope=openid`;
    const response = await fetch(`${server.issuer}/par`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(client) }, body,
    });
    assert.equal(response.status, 400);
    assert.equal((await response.json() as { error: string }).error, 'invalid_request');
  });

  it('RFC 9126 §6: a client registered with require_pushed_authorization_requests cannot use /authorize without PAR', async () => {
    const pkce = pkcePair();
    const run = await runAuthorization(server, required, user, { code_challenge: pkce.challenge, code_challenge_method: 'S256' });
    assert.ok(run.callback, run.page.body.slice(0, 300));
    assert.equal(run.callback.searchParams.get('error'), 'invalid_request');
    const uri = await pushedUri(required);
    const pushedRun = await runAuthorization(server, required, user, { ...onlyPushed, request_uri: uri });
    assert.ok(pushedRun.callback?.searchParams.get('code'));
  });
});

describe('pushed authorization requests required by the server (RFC 9126 §5)', () => {
  let server: TestServer;
  before(async () => { server = await startGatehouse({ requirePushedAuthorizationRequests: true }); });
  after(() => server.close());

  it('RFC 9126 §5: discovery advertises require_pushed_authorization_requests and /authorize refuses unpushed requests', async () => {
    const metadata = await (await fetch(`${server.issuer}/.well-known/oauth-authorization-server`)).json() as Record<string, unknown>;
    assert.equal(metadata.require_pushed_authorization_requests, true);
    assert.equal(metadata.pushed_authorization_request_endpoint, `${server.issuer}/par`);
    const client = await server.createClient();
    const user = await server.createUser();
    const pkce = pkcePair();
    const run = await runAuthorization(server, client, user, { code_challenge: pkce.challenge, code_challenge_method: 'S256' });
    assert.equal(run.callback?.searchParams.get('error'), 'invalid_request');
  });
});

describe('pushed authorization requests with private_key_jwt and a signed request object (RFC 9126 §3)', () => {
  let server: TestServer;
  let keys: Awaited<ReturnType<typeof startKeyServer>>;
  before(async () => { server = await startGatehouse({ allowLoopbackFetch: true }); });
  after(async () => {
    await server?.close();
    await keys?.close();
  });

  it('RFC 9126 §3: a signed request object pushed with a client assertion is accepted and drives /authorize', async () => {
    const key = await clientKey('ES256');
    keys = await startKeyServer([key.jwk]);
    const client = await server.createClient({ tokenEndpointAuthMethod: 'private_key_jwt', secretDigest: null, metadata: { jwksUri: keys.url } });
    const user = await server.createUser();
    const now = server.clock();
    const request = await new SignJWT({
      iss: client.clientId, aud: server.issuer, iat: now, exp: now + 300, client_id: client.clientId,
      response_type: 'code', redirect_uri: client.redirectUri, scope: 'openid', state: 'from-object', nonce: 'n',
      code_challenge: pkcePair().challenge, code_challenge_method: 'S256',
    }).setProtectedHeader({ alg: 'ES256', kid: key.kid, typ: 'oauth-authz-req+jwt' }).sign(key.privateKey);
    const assertion = await signAssertion(key.privateKey, { clientId: client.clientId, audience: server.issuer, now, kid: key.kid, alg: 'ES256' });
    const response = await fetch(`${server.issuer}/par`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: client.clientId, request, client_assertion_type: jwtBearer, client_assertion: assertion }).toString(),
    });
    const body = await response.json() as Record<string, unknown>;
    assert.equal(response.status, 201, JSON.stringify(body));
    const run = await runAuthorization(server, client, user, { ...onlyPushed, request_uri: body.request_uri as string });
    assert.ok(run.callback, run.page.body.slice(0, 300));
    assert.equal(run.callback.searchParams.get('state'), 'from-object');
    assert.ok(run.callback.searchParams.get('code'));

    const tampered = await fetch(`${server.issuer}/par`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        client_id: client.clientId, request: `${request.slice(0, -4)}AAAA`, client_assertion_type: jwtBearer,
        client_assertion: await signAssertion(key.privateKey, { clientId: client.clientId, audience: server.issuer, now, kid: key.kid, alg: 'ES256' }),
      }).toString(),
    });
    assert.equal(tampered.status, 400);
    assert.equal((await tampered.json() as { error: string }).error, 'invalid_request_object');
  });
});

describe('require_pushed_authorization_requests client metadata (RFC 9126 §6)', () => {
  const db = tempDatabase();
  let server: TestServer;
  const cli = (...args: string[]) => runCli([...args, '--database', db.database]);
  before(async () => {
    server = await startGatehouse({ databaseUrl: db.database, redisUrl: undefined, registration: { policy: 'open' } });
  });
  after(async () => {
    await server.close();
    db.remove();
  });

  it('RFC 9126 §6: set by `gatehouse client create --require-pushed-authorization-requests` and by registration, and enforced', async () => {
    const created = parseJson<ClientJson & Record<string, unknown>>(await cli('client', 'create', '--json', '--name', 'PAR only',
      '--redirect-uri', 'https://app.example/cb', '--require-pushed-authorization-requests'));
    assert.equal(created.require_pushed_authorization_requests, true);
    const page = await new ScriptedBrowser().navigate(`${server.issuer}/authorize?${new URLSearchParams({
      client_id: created.client_id, response_type: 'code', redirect_uri: 'https://app.example/cb', scope: 'openid', ...pkceParamsFor(),
    }).toString()}`);
    assert.ok(page.leftTo, `redirected: ${page.status}`);
    assert.equal(new URL(page.leftTo).searchParams.get('error'), 'invalid_request');

    const registered = await fetch(`${server.issuer}/register`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ redirect_uris: ['https://app.example/cb'], require_pushed_authorization_requests: true }),
    });
    assert.equal(registered.status, 201);
    assert.equal((await registered.json() as Record<string, unknown>).require_pushed_authorization_requests, true);
    const refused = await fetch(`${server.issuer}/register`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ redirect_uris: ['https://app.example/cb'], require_pushed_authorization_requests: 'yes' }),
    });
    assert.equal(refused.status, 400);
    assert.equal((await refused.json() as { error: string }).error, 'invalid_client_metadata');
  });
});

function pkceParamsFor(): Record<string, string> {
  return { code_challenge: pkcePair().challenge, code_challenge_method: 'S256' };
}

describe('pushed authorization requests: logs and repeated parameters at /authorize', () => {
  let server: TestServer;
  const lines: string[] = [];
  before(async () => {
    const sink = new Writable({ write(chunk, _encoding, done) { lines.push(String(chunk)); done(); } });
    server = await startGatehouse({ logLevel: 'trace' }, { logger: createLogger('trace', sink) });
  });
  after(() => server?.close());

  it('RFC 6749 §3.1, RFC 9126 §4: a repeated request_uri at /authorize is an error page; logs never carry the request_uri or the client secret', async () => {
    const client = await server.createClient();
    const user = await server.createUser();
    const response = await fetch(`${server.issuer}/par`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64')}` },
      body: new URLSearchParams({ response_type: 'code', redirect_uri: client.redirectUri, scope: 'openid', ...pkceParamsFor() }).toString(),
    });
    const { request_uri: requestUri } = await response.json() as { request_uri: string };
    const repeated = await new ScriptedBrowser().navigate(`${server.issuer}/authorize?client_id=${client.clientId}`
      + `&request_uri=${encodeURIComponent(requestUri)}&request_uri=${encodeURIComponent(requestUri)}`);
    assert.equal(repeated.status, 400);
    assert.ok(repeated.body.includes('invalid_request'));
    const run = await runAuthorization(server, client, user, { ...onlyPushed, request_uri: requestUri });
    assert.ok(run.callback?.searchParams.get('code'), 'the refused repeat did not consume the request');
    const log = lines.join('');
    assert.ok(log.length > 0);
    const reference = requestUri.split(':').pop()!;
    assert.equal(log.includes(reference), false, 'the request_uri reference is not logged');
    assert.equal(log.includes(client.clientSecret!), false, 'the client secret is not logged');
  });
});
