// Request objects (RFC 9101, OIDC Core §6) against a real Gatehouse over HTTP: by value with
// openid-client's JAR, by reference from a real https server, and one test per refusal. Errors
// redirect only to a redirect_uri the query names and the client registered; otherwise a page.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as oidc from 'openid-client';
import { SignJWT, UnsecuredJWT } from 'jose';
import { startGatehouse, type TestClient, type TestServer } from '../support/gatehouse.js';
import { codeFlowLogin } from '../support/openid-flow.js';
import { clientKey, startHttpsDocuments, startKeyServer, type ClientKey } from '../support/jwt-client.js';

describe('request objects (RFC 9101, OIDC Core §6)', () => {
  let server: TestServer;
  let documents: Awaited<ReturnType<typeof startHttpsDocuments>>;
  let keys: Awaited<ReturnType<typeof startKeyServer>>;
  let rsa: ClientKey;
  let client: TestClient;
  let user: { username: string; password: string };

  before(async () => {
    documents = await startHttpsDocuments();
    server = await startGatehouse({ allowLoopbackFetch: true, outboundCaFile: documents.caFile, requestUriMaxBytes: 4096 });
    rsa = await clientKey('RS256');
    keys = await startKeyServer([rsa.jwk]);
    client = await server.createClient({ tokenEndpointAuthMethod: 'private_key_jwt', secretDigest: null, metadata: { jwksUri: keys.url } });
    user = await server.createUser();
  });
  after(async () => {
    await server?.close();
    await keys?.close();
    await documents?.close();
  });

  /** A request object with the usual code-flow parameters, `claims` added or replacing them. */
  function requestObject(claims: Record<string, unknown> = {}, key: ClientKey = rsa, kid = key.kid): Promise<string> {
    const now = server.clock();
    return new SignJWT({
      iss: client.clientId, aud: server.issuer, iat: now, exp: now + 300, client_id: client.clientId,
      response_type: 'code', redirect_uri: client.redirectUri, scope: 'openid', state: 'from-object', nonce: 'n-0S6',
      code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256', ...claims,
    }).setProtectedHeader({ alg: key.alg, kid, typ: 'oauth-authz-req+jwt' }).sign(key.privateKey);
  }

  async function authorize(query: Record<string, string>): Promise<{ status: number; location: URL | null; body: string }> {
    const response = await fetch(`${server.issuer}/authorize?${new URLSearchParams(query)}`, { redirect: 'manual' });
    const location = response.headers.get('location');
    return { status: response.status, location: location ? new URL(location, server.issuer) : null, body: await response.text() };
  }

  /** The error redirected to the client's redirect URI. */
  function redirectedError(answer: Awaited<ReturnType<typeof authorize>>, code: string, description?: RegExp): URLSearchParams {
    assert.equal(answer.status, 303, answer.body.slice(0, 300));
    assert.equal(`${answer.location!.origin}${answer.location!.pathname}`, client.redirectUri);
    const params = answer.location!.searchParams;
    assert.equal(params.get('error'), code, params.get('error_description') ?? '');
    if (description) assert.match(params.get('error_description') ?? '', description);
    return params;
  }

  it('RFC 8707 §2.1, RFC 9101 §4: resource as an array in a request object names several resources', async () => {
    for (const identifier of ['https://one.example', 'https://two.example']) {
      await server.storage.resources.insert({
        identifier, name: null, scopes: ['openid'], tokenFormat: 'opaque', accessTokenTtl: null, introspectionSecretDigest: null,
        createdAt: server.clock(), updatedAt: server.clock(),
      });
    }
    const accepted = await authorize({ client_id: client.clientId, request: await requestObject({ resource: ['https://one.example', 'https://two.example'] }) });
    assert.equal(accepted.status, 303);
    assert.notEqual(`${accepted.location!.origin}${accepted.location!.pathname}`, client.redirectUri, 'on to sign-in, no error redirect');
    const refused = await authorize({ client_id: client.clientId, request: await requestObject({ resource: ['https://one.example', 'https://unknown.example'] }) });
    redirectedError(refused, 'invalid_target');
  });

  it('a signed request object by value completes the code flow with openid-client (RFC 9101 §2.1, OIDC Core §6.1)', async () => {
    const config = await oidc.discovery(new URL(server.issuer), client.clientId, undefined,
      oidc.PrivateKeyJwt({ key: rsa.privateKey, kid: rsa.kid }), { execute: [oidc.allowInsecureRequests] });
    const { tokens } = await codeFlowLogin(config, client.redirectUri, user, undefined,
      (parameters) => oidc.buildAuthorizationUrlWithJAR(config, parameters, { key: rsa.privateKey, kid: rsa.kid }));
    assert.ok(tokens.id_token);
  });

  it('fetches a request_uri over https and uses the object it holds (RFC 9101 §2.2, OIDC Core §6.2)', async () => {
    const uri = documents.put(await requestObject());
    // response_type and redirect_uri are only in the object.
    const answer = await authorize({ client_id: client.clientId, request_uri: uri, scope: 'openid' });
    assert.equal(answer.status, 303, answer.body.slice(0, 300));
    assert.match(answer.location!.pathname, /^\/interaction\//, 'the request went on to sign-in');
  });

  it('refuses a request object with a bad signature, redirecting only to a registered redirect_uri of the query (RFC 9101 §6.2, §5)', async () => {
    const impostor = await clientKey('RS256');
    const forged = await requestObject({}, impostor, rsa.kid);
    const params = redirectedError(await authorize({ client_id: client.clientId, request: forged, redirect_uri: client.redirectUri, state: 'q' }),
      'invalid_request_object', /signature does not verify/);
    assert.equal(params.get('state'), 'q');
    assert.equal(params.get('iss'), server.issuer);
    const page = await authorize({ client_id: client.clientId, request: forged });
    assert.equal(page.status, 400, 'without a trusted redirect_uri the error is a page');
    assert.match(page.body, /invalid_request_object|signature does not verify/);
  });

  it('refuses a request object whose client_id, iss or aud do not match (RFC 9101 §5, §4)', async () => {
    const query = { client_id: client.clientId, redirect_uri: client.redirectUri };
    redirectedError(await authorize({ ...query, request: await requestObject({ client_id: 'another-client' }) }), 'invalid_request_object', /client_id/);
    redirectedError(await authorize({ ...query, request: await requestObject({ iss: 'another-client' }) }), 'invalid_request_object', /iss/);
    redirectedError(await authorize({ ...query, request: await requestObject({ aud: 'https://elsewhere.example' }) }), 'invalid_request_object', /aud/);
    redirectedError(await authorize({ ...query, request: await requestObject({ request_uri: 'https://x.example/r' }) }), 'invalid_request_object', /must not contain/);
  });

  it('refuses an unsigned request object by default and an alg other than the client registered (RFC 9101 §10.2, OIDC Registration §2)', async () => {
    const unsigned = new UnsecuredJWT({ client_id: client.clientId, response_type: 'code', redirect_uri: client.redirectUri, scope: 'openid' }).encode();
    redirectedError(await authorize({ client_id: client.clientId, redirect_uri: client.redirectUri, request: unsigned }),
      'invalid_request_object', /unsigned request objects/);
    const ec = await clientKey('ES256');
    const strict = await server.createClient({
      tokenEndpointAuthMethod: 'private_key_jwt', secretDigest: null, metadata: { jwks: { keys: [ec.jwk, rsa.jwk] }, requestObjectSigningAlg: 'ES256' },
    });
    const signedRs256 = await new SignJWT({ client_id: strict.clientId, response_type: 'code', scope: 'openid' })
      .setProtectedHeader({ alg: 'RS256', kid: rsa.kid }).sign(rsa.privateKey);
    const answer = await authorize({ client_id: strict.clientId, redirect_uri: strict.redirectUri, request: signedRs256 });
    assert.equal(answer.location?.searchParams.get('error'), 'invalid_request_object');
    assert.match(answer.location?.searchParams.get('error_description') ?? '', /alg RS256 is not allowed \(use ES256\)/);
  });

  it('refuses a request_uri on a private address, over http, or holding an oversized document (RFC 9101 §10.4.1, §5.2)', async () => {
    const query = { client_id: client.clientId, redirect_uri: client.redirectUri };
    redirectedError(await authorize({ ...query, request_uri: 'https://10.0.0.1/request' }), 'invalid_request_uri', /non-public address/);
    redirectedError(await authorize({ ...query, request_uri: 'http://localhost:1/request' }), 'invalid_request_uri', /https/);
    const big = await requestObject({ padding: 'x'.repeat(8192) });
    redirectedError(await authorize({ ...query, request_uri: documents.put(big) }), 'invalid_request_uri', /too large/);
    redirectedError(await authorize({ ...query, request_uri: documents.put('') + '-missing' }), 'invalid_request_uri', /404/);
    redirectedError(await authorize({ ...query, request: await requestObject(), request_uri: documents.put(await requestObject()) }), 'invalid_request', /not both/);
  });

  it('uses only the object for an OAuth request, and merges the query under it for an OpenID request (RFC 9101 §5, OIDC Core §6.3.3)', async () => {
    // prompt=none without a session: login_required, redirected with whichever state counts.
    const oauthOnly = await requestObject({ scope: 'api:read', state: 'from-object', prompt: 'none', nonce: undefined });
    const oauth = redirectedError(await authorize({ client_id: client.clientId, request: oauthOnly, state: 'from-query', redirect_uri: client.redirectUri }), 'login_required');
    assert.equal(oauth.get('state'), 'from-object', 'the query state is ignored');
    const openid = await requestObject({ state: undefined, prompt: 'none' });
    const merged = redirectedError(await authorize({ client_id: client.clientId, request: openid, state: 'from-query' }), 'login_required');
    assert.equal(merged.get('state'), 'from-query', 'an OpenID request keeps query parameters the object lacks');
    redirectedError(await authorize({ client_id: client.clientId, request: openid, response_type: 'id_token', redirect_uri: client.redirectUri }),
      'invalid_request_object', /response_type/);
  });

  it('advertises request object support in discovery (RFC 9101 §10.5, OIDC Discovery §3)', async () => {
    const metadata = await (await fetch(`${server.issuer}/.well-known/openid-configuration`)).json() as Record<string, unknown>;
    assert.equal(metadata.request_parameter_supported, true);
    assert.equal(metadata.request_uri_parameter_supported, true);
    assert.equal(metadata.require_request_uri_registration, false);
    assert.deepEqual(metadata.request_object_signing_alg_values_supported, ['RS256', 'PS256', 'ES256', 'EdDSA']);
  });
});

describe('unsigned request objects when the operator allows them (OIDC Core §6.1)', () => {
  let server: TestServer;
  before(async () => {
    server = await startGatehouse({ allowUnsignedRequestObjects: true });
  });
  after(() => server?.close());

  it('accepts alg none and advertises it (OIDF oidcc-unsigned-request-object-supported-correctly-or-rejected-as-unsupported)', async () => {
    const client = await server.createClient();
    const unsigned = new UnsecuredJWT({
      client_id: client.clientId, response_type: 'code', redirect_uri: client.redirectUri, scope: 'openid', nonce: 'n', state: 's',
      code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256',
    }).encode();
    const response = await fetch(`${server.issuer}/authorize?${new URLSearchParams({ client_id: client.clientId, request: unsigned, scope: 'openid', response_type: 'code' })}`,
      { redirect: 'manual' });
    assert.equal(response.status, 303);
    assert.match(response.headers.get('location') ?? '', /^\/interaction\//);
    const metadata = await (await fetch(`${server.issuer}/.well-known/openid-configuration`)).json() as Record<string, string[]>;
    assert.ok(metadata.request_object_signing_alg_values_supported!.includes('none'));
  });
});
