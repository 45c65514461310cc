// The OpenID Foundation's "Dynamic OP" certification plan, oidcc-dynamic-certification-test-plan
// (OIDCCDynamicTestPlan; variants: server_metadata=discovery, client_registration=dynamic_client,
// client_auth_type=private_key_jwt, response_mode=default, response_type=code), one test per
// module, each doing over HTTP what the module does and checking what its conditions check.
// Every module registers its own client at the registration endpoint, as the suite does
// (OIDCCCreateDynamicClientRegistrationRequest: an RS256 key pair, jwks by value,
// private_key_jwt, the suite's redirect URI, contacts), and deletes it afterwards (cleanup,
// UnregisterDynamicallyRegisteredClient). What the suite hosts itself (a client jwks_uri, the
// sector_identifier_uri document, request_uri objects) is served here by a loopback https server
// whose throwaway certificate Gatehouse trusts through outboundCaFile.
// Storage follows GATEHOUSE_TEST_DATABASE_URL (SQLite by default, PostgreSQL when set).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpsServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import { decodeProtectedHeader, exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JSONWebKeySet, type JWK, type JWTPayload } from 'jose';
import { ScriptedBrowser } from '../support/browser.js';
import { startGatehouse, type TestClient, type TestServer } from '../support/gatehouse.js';
import { selfSignedCertificate } from '../support/tls.js';
import { rotateSigningKeys } from '../../src/keys/signing-keys.js';
import {
  assertAuthorizationErrorPage, assertSignedByServer, assertTokenEndpointInvalidGrant, assertValidUrl, authorizationRedirect,
  callUserInfoEndpoint, configureServer, createAuthorizationRequest, leftHalfHash, nonRequestedIdTokenClaims,
  performRedirect, performStandardIdTokenChecks, processCallback, randomValue, requestObjectRedirect, shannonEntropy,
  suiteBaseUrl, suiteRedirectUri, unsignedRequestObject, unsignedRequestObjectsUnsupported, validateJwks,
  validateUserInfoResponse, type ServerConfiguration, type TokenEndpointResponse,
} from './suite.js';

const jwtBearer = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** What the suite serves at its own base URL, here on a loopback https server. */
class SuiteHost {
  private readonly documents = new Map<string, { type: string; body: string }>();
  private server!: Server;
  private dir!: string;
  origin = '';
  caFile = '';

  async start(): Promise<void> {
    const certificate = selfSignedCertificate();
    this.dir = mkdtempSync(join(tmpdir(), 'gatehouse-suite-host-'));
    this.caFile = join(this.dir, 'ca.pem');
    writeFileSync(this.caFile, certificate.cert);
    this.server = createHttpsServer({ cert: certificate.cert, key: certificate.key }, (request, response) => {
      const document = this.documents.get(new URL(request.url!, 'https://x').pathname);
      if (!document) return response.writeHead(404).end();
      response.writeHead(200, { 'content-type': document.type }).end(document.body);
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.origin = `https://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Serves `body` at `path` (under /test/a/gatehouse, as the suite's base_url); returns its URL. */
  serve(path: string, type: string, body: string): string {
    const full = `/test/a/gatehouse/${path}`;
    this.documents.set(full, { type, body });
    return `${this.origin}${full}`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
    rmSync(this.dir, { recursive: true, force: true });
  }
}

interface ClientKey { privateKey: CryptoKey; publicJwk: JWK; kid: string | undefined }

/** GenerateRS256ClientJWKs (no kid) or GenerateRS256ClientJWKsWithKeyID: use sig, alg RS256. */
async function generateRs256ClientKey(withKid = false): Promise<ClientKey> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const kid = withKid ? randomUUID() : undefined;
  return { privateKey, kid, publicJwk: { ...(await exportJWK(publicKey)), use: 'sig', alg: 'RS256', ...(kid ? { kid } : {}) } };
}

interface DynamicClient extends TestClient {
  key: ClientKey;
  request: Record<string, unknown>;
  registration: Record<string, unknown>;
}

/**
 * OIDCCCreateDynamicClientRegistrationRequest for response_type=code: client_name
 * ("OIDF Conformance Test <id>"), grant_types [authorization_code], the public jwks
 * (AddPublicJwksToDynamicRegistrationRequest) or, replaced, jwks_uri, token_endpoint_auth_method
 * private_key_jwt, response_types [code], redirect_uris [<base>/callback], contacts.
 */
async function createDynamicClientRegistrationRequest(
  options: { key?: ClientKey; jwksUri?: string; redirectUris?: string[]; extra?: Record<string, unknown> } = {},
): Promise<{ key: ClientKey; request: Record<string, unknown> }> {
  const key = options.key ?? await generateRs256ClientKey(options.jwksUri !== undefined);
  const request: Record<string, unknown> = {
    client_name: `OIDF Conformance Test ${randomValue(10)}`,
    grant_types: ['authorization_code'],
    ...(options.jwksUri ? { jwks_uri: options.jwksUri } : { jwks: { keys: [key.publicJwk] } }),
    token_endpoint_auth_method: 'private_key_jwt',
    response_types: ['code'],
    redirect_uris: options.redirectUris ?? [suiteRedirectUri],
    contacts: ['certification@oidf.org'],
    ...options.extra,
  };
  return { key, request };
}

/** CallDynamicRegistrationEndpoint: POST the request as JSON (RFC 7591 §3.1). */
async function callDynamicRegistrationEndpoint(config: ServerConfiguration, request: Record<string, unknown>) {
  const response = await fetch(assertValidUrl(config.metadata, 'registration_endpoint'), {
    method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify(request),
  });
  return { status: response.status, headers: response.headers, body: await response.json() as Record<string, unknown> };
}

/**
 * CallDynamicRegistrationEndpointAndVerifySuccessfulResponse: EnsureContentTypeJson,
 * EnsureHttpStatusCodeIs201, CheckNoErrorFromDynamicRegistrationEndpoint,
 * ExtractDynamicRegistrationResponse, VerifyClientManagementCredentials (both or neither of
 * registration_client_uri and registration_access_token, the URI a URL; its https scheme is
 * https-only), VerifyDynamicRegistrationResponseClientCredentials (a client_secret comes with
 * client_secret_expires_at) — OIDC Registration §3.2, RFC 7591 §3.2.1, RFC 7592 §3.
 */
async function registerDynamicClient(
  server: TestServer, config: ServerConfiguration, created: { key: ClientKey; request: Record<string, unknown> },
): Promise<DynamicClient> {
  const response = await callDynamicRegistrationEndpoint(config, created.request);
  assert.match(response.headers.get('content-type') ?? '', /^application\/json/, 'EnsureContentTypeJson');
  assert.equal(response.status, 201, `EnsureHttpStatusCodeIs201: ${JSON.stringify(response.body)}`);
  assert.equal(response.body.error, undefined, 'CheckNoErrorFromDynamicRegistrationEndpoint');
  const body = response.body;
  assert.equal(typeof body.client_id, 'string', 'ExtractDynamicRegistrationResponse: client_id');
  assert.equal(typeof body.registration_client_uri === 'string', typeof body.registration_access_token === 'string',
    'VerifyClientManagementCredentials: both registration_client_uri and registration_access_token, or neither');
  if (body.registration_client_uri !== undefined) {
    assert.doesNotThrow(() => new URL(body.registration_client_uri as string), 'VerifyClientManagementCredentials: a URL');
    assert.notEqual(body.registration_access_token, '', 'VerifyClientManagementCredentials: a non-empty token');
  }
  if (body.client_secret !== undefined) assert.equal(typeof body.client_secret_expires_at, 'number', 'VerifyDynamicRegistrationResponseClientCredentials');
  const record = await server.storage.clients.find(body.client_id as string);
  assert.ok(record);
  const redirectUris = created.request.redirect_uris as string[];
  return { clientId: record.clientId, clientSecret: undefined, redirectUri: redirectUris[0]!, record, key: created.key, request: created.request, registration: body };
}

/** The cleanup of AbstractOIDCCServerTest, UnregisterDynamicallyRegisteredClient: DELETE answers 204 (RFC 7592 §2.3). */
async function unregister(client: DynamicClient): Promise<void> {
  const response = await fetch(client.registration.registration_client_uri as string, {
    method: 'DELETE', headers: { accept: 'application/json', authorization: `Bearer ${client.registration.registration_access_token as string}` },
  });
  await response.text();
  assert.equal(response.status, 204, 'UnregisterDynamicallyRegisteredClient: 204 No Content');
}

/**
 * CreateJWTClientAuthenticationAssertionAndAddToTokenEndpointRequest:
 * CreateClientAuthenticationAssertionClaims (iss = sub = client_id, aud = token_endpoint — or the
 * issuer after UpdateClientAuthenticationAssertionClaimsWithISSAud — a 20-character jti, nbf = iat
 * = now, exp = now + 60), SignClientAuthenticationAssertion (RS256, the key's kid when it has
 * one), AddClientAssertionToTokenEndpointRequest (RFC 7523 §2.2, OIDC Core §9).
 */
async function callTokenEndpointWithAssertion(
  server: TestServer, config: ServerConfiguration, client: DynamicClient, form: Record<string, string>,
  options: { audience?: string; key?: ClientKey } = {},
): Promise<TokenEndpointResponse> {
  const key = options.key ?? client.key;
  const now = server.clock();
  const assertion = await new SignJWT({
    iss: client.clientId, sub: client.clientId, aud: options.audience ?? config.metadata.token_endpoint as string,
    jti: randomValue(20), nbf: now, iat: now, exp: now + 60,
  }).setProtectedHeader({ alg: 'RS256', ...(key.kid ? { kid: key.kid } : {}) }).sign(key.privateKey);
  const response = await fetch(config.metadata.token_endpoint as string, {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams({ ...form, client_assertion_type: jwtBearer, client_assertion: assertion }).toString(),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) as Record<string, unknown> : {} };
}

/** requestAuthorizationCode with private_key_jwt: CheckTokenEndpointHttpStatus200, CheckForAccessTokenValue, ValidateExpiresIn, ExtractIdTokenFromTokenResponse. */
async function requestAuthorizationCode(
  server: TestServer, config: ServerConfiguration, client: DynamicClient, code: string, redirectUri = client.redirectUri, audience?: string,
): Promise<TokenEndpointResponse & { accessToken: string; idToken: string }> {
  const response = await callTokenEndpointWithAssertion(server, config, client,
    { grant_type: 'authorization_code', code, redirect_uri: redirectUri }, audience ? { audience } : {});
  assert.equal(response.status, 200, `CheckTokenEndpointHttpStatus200: ${JSON.stringify(response.body)}`);
  assert.equal(typeof response.body.access_token, 'string', 'CheckForAccessTokenValue');
  if (response.body.expires_in !== undefined) assert.ok(Number.isInteger(response.body.expires_in) && (response.body.expires_in as number) > 0, 'ValidateExpiresIn');
  assert.equal(typeof response.body.id_token, 'string', 'ExtractIdTokenFromTokenResponse (OIDC Core §3.1.3.3)');
  return { ...response, accessToken: response.body.access_token as string, idToken: response.body.id_token as string };
}

interface DynamicFlow {
  request: Record<string, string>;
  code: string;
  token: TokenEndpointResponse & { accessToken: string; idToken: string };
  idTokenClaims: JWTPayload;
}

/**
 * AbstractOIDCCServerTest.performAuthorizationFlow for response_type=code with the dynamic
 * client: performRedirect (sign in, consent), processCallback, the token request with
 * private_key_jwt, PerformStandardIdTokenChecks, then CallProtectedResource on UserInfo (200).
 */
async function performAuthorizationFlow(
  server: TestServer, config: ServerConfiguration, client: DynamicClient, user: { username: string; password: string },
  request: Record<string, string> = createAuthorizationRequest(client), redirect?: string,
): Promise<DynamicFlow> {
  const outcome = redirect
    ? await performRedirectTo(redirect, user)
    : await performRedirect(config, request, user);
  const code = processCallback(outcome, client, request, server.issuer);
  const token = await requestAuthorizationCode(server, config, client, code);
  const idTokenClaims = await performStandardIdTokenChecks(token.idToken, config, client, request.nonce);
  const resource = await callUserInfoEndpoint(config, token.accessToken);
  assert.equal(resource.status, 200, 'CallProtectedResource / EnsureHttpStatusCodeIs200');
  return { request, code, token, idTokenClaims };
}

/** performRedirect to a URL built elsewhere (a request object by reference). */
async function performRedirectTo(url: string, user: { username: string; password: string }) {
  const browser = new ScriptedBrowser();
  let page = await browser.navigate(url);
  let loginPages = 0;
  let consentPages = 0;
  for (let step = 0; step < 4 && !page.leftTo; step++) {
    if (page.body.includes('name="password"')) {
      loginPages++;
      page = await browser.submitForm(page, { username: user.username, password: user.password });
    } else if (page.body.includes('name="decision"')) {
      consentPages++;
      page = await browser.submitForm(page, { decision: 'approve' });
    } else break;
  }
  return { browser, page, loginPages, consentPages, ...(page.leftTo ? { callback: new URL(page.leftTo) } : {}) };
}

/** The server configuration a Dynamic OP run needs; docs/conformance.md, "Dynamic OP". */
function dynamicPlanConfig(host: SuiteHost) {
  return {
    registration: { policy: 'open' as const, maxPerAddress: 1000, requirePkce: false },
    implicitFlow: true, allowLoopbackFetch: true, outboundCaFile: host.caFile,
  };
}

describe('oidcc-dynamic-certification-test-plan (OpenID Connect Dynamic Client Registration 1.0, Dynamic OP)', () => {
  const host = new SuiteHost();
  let server: TestServer;
  let config: ServerConfiguration;
  let user: { accountId: string; username: string; password: string };

  before(async () => {
    await host.start();
    server = await startGatehouse(dynamicPlanConfig(host));
    user = await server.createUser({ name: 'Buffy Summers', email: 'buffy@example.com' });
    config = await configureServer(server);
    // ConfigureClientForPrivateKeyJwt: EnsureServerConfigurationSupportsPrivateKeyJwt.
    assert.ok((config.metadata.token_endpoint_auth_methods_supported as string[]).includes('private_key_jwt'));
  });
  after(async () => {
    await server.close();
    await host.close();
  });

  describe('the plan\'s clients (AbstractOIDCCServerTest with dynamic_client)', () => {
    it('registration.requirePkce: false lets a self-registered private_key_jwt client omit PKCE, as every module of the plan does; public clients still need it (RFC 9700 §2.1.1, RFC 7636 §4.4.1)', async () => {
      const client = await registerDynamicClient(server, config, await createDynamicClientRegistrationRequest());
      const request = createAuthorizationRequest(client);
      processCallback(await performRedirect(config, request, user), client, request, server.issuer);
      const registered = await server.storage.clients.find(client.clientId);
      assert.equal(registered?.metadata.requirePkce, false);
      const publicClient = await callDynamicRegistrationEndpoint(config, { redirect_uris: [suiteRedirectUri], token_endpoint_auth_method: 'none' });
      assert.equal(publicClient.status, 201);
      assert.equal((await server.storage.clients.find(publicClient.body.client_id as string))?.metadata.requirePkce, undefined, 'a public client keeps PKCE required');
      await unregister(client);
    });

    it('by default (registration.requirePkce true) a self-registered confidential client without PKCE is refused, so the plan cannot run against a default configuration (RFC 9700 §2.1.1)', async () => {
      const strict = await startGatehouse({ registration: { policy: 'open', maxPerAddress: 1000 } });
      try {
        const strictConfig = await configureServer(strict);
        const client = await registerDynamicClient(strict, strictConfig, await createDynamicClientRegistrationRequest());
        const page = await new ScriptedBrowser().navigate(authorizationRedirect(strictConfig, createAuthorizationRequest(client)));
        assert.ok(page.leftTo);
        const callback = new URL(page.leftTo);
        assert.equal(callback.searchParams.get('error'), 'invalid_request');
        assert.match(callback.searchParams.get('error_description') ?? '', /code_challenge/);
      } finally {
        await strict.close();
      }
    });
  });

  describe('oidcc-idtoken-rs256', () => {
    it('a client registered with id_token_signed_response_alg RS256 gets RS256 ID tokens with a kid (OIDCCIdTokenRS256, AddIdTokenSigningAlgRS256ToDynamicRegistrationRequest, EnsureIdTokenContainsKid, CheckIdTokenSignatureAlgorithm; OIDC Core §10.1, §3.1.3.7, OIDC Registration §2)', async () => {
      const client = await registerDynamicClient(server, config, await createDynamicClientRegistrationRequest({ extra: { id_token_signed_response_alg: 'RS256' } }));
      const flow = await performAuthorizationFlow(server, config, client, user);
      const header = decodeProtectedHeader(flow.token.idToken);
      assert.equal(typeof header.kid, 'string', 'EnsureIdTokenContainsKid (OIDC Core §10.1)');
      assert.equal(header.alg, client.request.id_token_signed_response_alg, 'CheckIdTokenSignatureAlgorithm: the registered alg');
      await unregister(client);
    });
  });

  describe('oidcc-idtoken-unsigned', () => {
    it('is skipped: id_token_signing_alg_values_supported does not list none, which servers need not support (OIDCCIdTokenUnsigned, OIDCCCheckIdTokenSigningAlgValuesSupportedAlgNone; OIDC Core §3.1.3.7)', async () => {
      const algs = config.metadata.id_token_signing_alg_values_supported as string[];
      assert.ok(algs.includes('RS256'));
      assert.equal(algs.includes('none'), false, 'the module skips itself (fireTestSkipped)');
      // And a registration asking for it is refused rather than silently given signed tokens.
      const { request } = await createDynamicClientRegistrationRequest({ extra: { id_token_signed_response_alg: 'none' } });
      const response = await callDynamicRegistrationEndpoint(config, request);
      assert.equal(response.status, 400);
      assert.equal(response.body.error, 'invalid_client_metadata');
    });
  });

  describe('oidcc-userinfo-rs256', () => {
    it('userinfo_signed_response_alg RS256: UserInfo answers an RS256 JWT from the server\'s keys with iss, aud and sub, and no nonce (OIDCCUserInfoRS256, CheckDiscEndpointUserinfoSigningAlgValuesSupportedContainsRS256, EnsureContentTypeApplicationJwt, ValidateUserInfoResponseSignature, ValidateUserInfoSigningAlgIsRS256, ValidateSignedUserInfoResponseStandardJWTClaims, EnsureUserInfoDoesNotContainNonce; OIDC Core §5.3.2, OIDC Registration §2)', async () => {
      assert.ok((config.metadata.userinfo_signing_alg_values_supported as string[]).includes('RS256'), 'CheckDiscEndpointUserinfoSigningAlgValuesSupportedContainsRS256 (OIDC Discovery §3)');
      const client = await registerDynamicClient(server, config, await createDynamicClientRegistrationRequest({ extra: { userinfo_signed_response_alg: 'RS256' } }));
      const flow = await performAuthorizationFlow(server, config, client, user);
      const response = await callUserInfoEndpoint(config, flow.token.accessToken);
      assert.equal(response.status, 200, 'EnsureHttpStatusCodeIs200');
      assert.match(response.headers.get('content-type') ?? '', /^application\/jwt/, 'EnsureContentTypeApplicationJwt');
      const claims = await assertSignedByServer(response.body, config.jwks); // ValidateUserInfoResponseSignature
      assert.equal(decodeProtectedHeader(response.body).alg, 'RS256', 'ValidateUserInfoSigningAlgIsRS256');
      assert.equal(claims.iss, server.issuer, 'ValidateSignedUserInfoResponseStandardJWTClaims: iss');
      assert.ok((Array.isArray(claims.aud) ? claims.aud : [claims.aud]).includes(client.clientId), 'ValidateSignedUserInfoResponseStandardJWTClaims: aud');
      assert.equal(claims.nonce, undefined, 'EnsureUserInfoDoesNotContainNonce');
      assert.equal(claims.sub, flow.idTokenClaims.sub, 'VerifyUserInfoAndIdTokenInTokenEndpointSameSub');
      await unregister(client);
    });
  });

  describe('oidcc-ensure-redirect-uri-in-authorization-request', () => {
    it('a client with two redirect URIs sending none gets an error page, never a redirect (OIDCCEnsureRedirectUriInAuthorizationRequest, AddMultipleRedirectUriToDynamicRegistrationRequest, RemoveRedirectUriFromAuthorizationEndpointRequest, ExpectRedirectUriMissingErrorPage; OIDC Core §3.1.2.1)', async () => {
      const client = await registerDynamicClient(server, config, await createDynamicClientRegistrationRequest({ redirectUris: [suiteRedirectUri, 'https://example.org/redirect'] }));
      const { redirect_uri: _removed, ...request } = createAuthorizationRequest(client);
      const page = await new ScriptedBrowser().navigate(authorizationRedirect(config, request));
      assertAuthorizationErrorPage(page, /redirect_uri is missing/); // AuthorizationEndpointRedirectedBackUnexpectedly otherwise
      await unregister(client);
    });
  });

  describe('oidcc-redirect-uri-query-OK', () => {
    it('a redirect URI registered with a query (?bar=foo) and sent exactly so completes, the query kept (OIDCCRedirectUriQueryOK, AddQueryToRedirectUri, CheckMatchingCallbackParameters; OIDC Core §3.1.2.1, RFC 6749 §3.1.2)', async () => {
      const redirectUri = `${suiteRedirectUri}?bar=foo`;
      const client = await registerDynamicClient(server, config, await createDynamicClientRegistrationRequest({ redirectUris: [redirectUri] }));
      const request = createAuthorizationRequest(client);
      const outcome = await performRedirect(config, request, user);
      assert.ok(outcome.callback, `the OP called the redirect_uri (got ${outcome.page.status})`);
      assert.equal(`${outcome.callback.origin}${outcome.callback.pathname}`, suiteRedirectUri);
      assert.equal(outcome.callback.searchParams.get('bar'), 'foo', 'CheckMatchingCallbackParameters: the registered query is kept (RFC 6749 §3.1.2)');
      assert.equal(outcome.callback.searchParams.get('state'), request.state, 'CheckStateInAuthorizationResponse');
      const code = outcome.callback.searchParams.get('code');
      assert.ok(code, 'ExtractAuthorizationCodeFromAuthorizationResponse');
      const token = await requestAuthorizationCode(server, config, client, code, redirectUri);
      await performStandardIdTokenChecks(token.idToken, config, client, request.nonce);
      await unregister(client);
    });
  });

  describe('oidcc-redirect-uri-query-mismatch', () => {
    it('registered with ?bar=foo, sent with ?foo=bar: an error page, the registered URI is never called (OIDCCRedirectUriQueryMismatch, ReplaceRedirectUriQueryInAuthorizationRequest, ExpectRedirectUriErrorPage; OIDC Core §3.1.2.1)', async () => {
      const client = await registerDynamicClient(server, config, await createDynamicClientRegistrationRequest({ redirectUris: [`${suiteRedirectUri}?bar=foo`] }));
      const request = { ...createAuthorizationRequest(client), redirect_uri: `${suiteRedirectUri}?foo=bar` };
      assertAuthorizationErrorPage(await new ScriptedBrowser().navigate(authorizationRedirect(config, request)), /redirect_uri is not registered for this client/);
      await unregister(client);
    });
  });

  describe('oidcc-redirect-uri-query-added', () => {
    it('registered without a query, sent with ?foo=bar: an error page, the registered URI is never called (OIDCCRedirectUriQueryAdded, AddQueryToRedirectUriInAuthorizationRequest, ExpectRedirectUriErrorPage; OIDC Core §3.1.2.1)', async () => {
      const client = await registerDynamicClient(server, config, await createDynamicClientRegistrationRequest());
      const request = { ...createAuthorizationRequest(client), redirect_uri: `${suiteRedirectUri}?foo=bar` };
      assertAuthorizationErrorPage(await new ScriptedBrowser().navigate(authorizationRedirect(config, request)), /redirect_uri is not registered for this client/);
      await unregister(client);
    });
  });

  describe('oidcc-redirect-uri-regfrag', () => {
    it('registering a redirect URI with a fragment (#foobar) is refused: 400, JSON, invalid_redirect_uri (OIDCCRedirectUriRegFrag, AddFragmentToRedirectUri, EnsureHttpStatusCodeIs400, CheckErrorFromDynamicRegistrationEndpointIsInvalidRedirectUriOrInvalidClientMetadata; OIDC Registration §3.3, RFC 6749 §3.1.2)', async () => {
      const { request } = await createDynamicClientRegistrationRequest({ redirectUris: [`${suiteRedirectUri}#foobar`] });
      const response = await callDynamicRegistrationEndpoint(config, request);
      assert.match(response.headers.get('content-type') ?? '', /^application\/json/, 'EnsureContentTypeJson');
      assert.equal(response.status, 400, 'EnsureHttpStatusCodeIs400');
      // The module accepts invalid_redirect_uri or invalid_client_metadata; Gatehouse answers the precise one.
      assert.equal(response.body.error, 'invalid_redirect_uri');
      assert.match(response.body.error_description as string, /fragment/);
    });
  });

  describe('oidcc-discovery-endpoint-verification', () => {
    it('with dynamic_client: code, id_token and id_token token, the grant types authorization_code and implicit, and a registration_endpoint are listed, besides the Config OP checks (OIDCCDiscoveryEndpointVerification, OIDCCCheckDiscEndpointResponseTypesSupportedDynamic, OIDCCCheckDiscEndpointGrantTypesSupportedDynamic, CheckDiscEndpointRegistrationEndpoint; OIDC Discovery 1.0 §3, OIDC Core §15.2)', async () => {
      const metadata = config.metadata;
      const responseTypes = (metadata.response_types_supported as string[]).map((type) => type.split(' ').sort().join(' '));
      for (const required of ['code', 'id_token', 'id_token token']) {
        assert.ok(responseTypes.includes(required.split(' ').sort().join(' ')), `OIDCCCheckDiscEndpointResponseTypesSupportedDynamic: ${required}`);
      }
      for (const grant of ['authorization_code', 'implicit']) {
        assert.ok((metadata.grant_types_supported as string[]).includes(grant), `OIDCCCheckDiscEndpointGrantTypesSupportedDynamic: ${grant}`);
      }
      assertValidUrl(metadata, 'registration_endpoint'); // CheckDiscEndpointRegistrationEndpoint (its https part is https-only)
      assert.ok((metadata.subject_types_supported as string[]).length > 0, 'OIDCCCheckDiscEndpointSubjectTypesSupported');
      assert.ok((metadata.id_token_signing_alg_values_supported as string[]).includes('RS256'), 'OIDCCCheckDiscEndpointIdTokenSigningAlgValuesSupported');
      assert.ok((metadata.scopes_supported as string[]).includes('openid'), 'CheckDiscEndpointScopesSupportedContainsOpenId');
      for (const name of ['authorization_endpoint', 'token_endpoint', 'userinfo_endpoint', 'jwks_uri']) assertValidUrl(metadata, name);
      validateJwks(config.jwks);
      // The remaining checks are the Config OP module's, run in config-op-plan.test.ts.
    });
  });

  describe('oidcc-server', () => {
    it('the happy flow with a dynamically registered private_key_jwt client, then its registration deleted (OIDCCServerTest, CallDynamicRegistrationEndpointAndVerifySuccessfulResponse, UnregisterDynamicallyRegisteredClient; OIDC Registration §3, OIDC Core §3.1, §9; RFC 7592 §2.3)', async () => {
      const client = await registerDynamicClient(server, config, await createDynamicClientRegistrationRequest());
      assert.equal(client.registration.client_secret, undefined, 'private_key_jwt: no secret is issued');
      assert.equal(client.registration.token_endpoint_auth_method, 'private_key_jwt');
      const flow = await performAuthorizationFlow(server, config, client, user);
      const claims = flow.idTokenClaims;
      assert.equal(typeof flow.token.body.expires_in, 'number', 'ExtractExpiresInFromTokenEndpointResponse (a warning when absent)');
      if (claims.at_hash !== undefined) assert.equal(claims.at_hash, leftHalfHash(flow.token.accessToken), 'ValidateAtHash');
      if (claims.c_hash !== undefined) assert.equal(claims.c_hash, leftHalfHash(flow.code), 'ValidateCHash');
      assert.equal(claims.name, undefined, 'EnsureIdTokenDoesNotContainName (a warning)');
      assert.deepEqual(nonRequestedIdTokenClaims(claims, flow.request.scope!), [], 'EnsureIdTokenDoesNotContainNonRequestedClaims (a warning)');
      await unregister(client);
      // A deleted client is unknown: 401 invalid_client, so the RP registers again (issue 12).
      const after = await callTokenEndpointWithAssertion(server, config, client, { grant_type: 'authorization_code', code: flow.code, redirect_uri: client.redirectUri });
      assert.equal(after.status, 401);
      assert.equal(after.body.error, 'invalid_client');
    });
  });

  for (const [module, field, value, condition, page] of [
    ['oidcc-registration-logo-uri', 'logo_uri', `${suiteBaseUrl.replace(/\/test\/.*$/, '')}/images/openid.png`, 'CreateLogoUri, AddLogoUriToDynamicRegistrationRequest, ExpectLoginPageWithLogo', (uri: string) => new RegExp(`<img class="client-logo" src="${uri.replace(/[.?]/g, '\\$&')}"`)],
    ['oidcc-registration-policy-uri', 'policy_uri', `${suiteBaseUrl.replace(/\/test\/.*$/, '')}/login.html`, 'CreatePolicyUri, AddPolicyUriToDynamicRegistrationRequest, ExpectLoginPageWithPolicyLink', (uri: string) => new RegExp(`href="${uri.replace(/[.?]/g, '\\$&')}"`)],
    ['oidcc-registration-tos-uri', 'tos_uri', 'https://openid.net', 'CreateTosUri, AddTosUriToDynamicRegistrationRequest, ExpectLoginPageWithTosLink', (uri: string) => new RegExp(`href="${uri.replace(/[.?]/g, '\\$&')}/?"`)],
  ] as const) {
    describe(module, () => {
      it(`registering ${field} shows it on a fresh login page (the screenshot) (${condition}; OIDC Registration §2)`, async () => {
        const client = await registerDynamicClient(server, config, await createDynamicClientRegistrationRequest({ extra: { [field]: value } }));
        const login = await new ScriptedBrowser().navigate(authorizationRedirect(config, createAuthorizationRequest(client)));
        assert.equal(login.status, 200);
        assert.ok(login.body.includes('name="password"'), 'the login page');
        assert.match(login.body, page(value));
        await unregister(client);
      });
    });
  }

  describe('oidcc-registration-jwks-uri', () => {
    it('a client registered with a jwks_uri (a key with a kid, hosted by the suite) completes the flow, its assertion verified with the fetched key (OIDCCRegistrationJwksUri, CreateJwksUri, GenerateRS256ClientJWKsWithKeyID, AddJwksUriToDynamicRegistrationRequest; RFC 7591 §2, OIDC Registration §2, RFC 7523 §2.2)', async () => {
      const key = await generateRs256ClientKey(true);
      const jwksUri = host.serve(`client1_jwks/${randomValue(10)}`, 'application/json', JSON.stringify({ keys: [key.publicJwk] }));
      const client = await registerDynamicClient(server, config, await createDynamicClientRegistrationRequest({ key, jwksUri }));
      assert.equal(client.registration.jwks_uri, jwksUri);
      await performAuthorizationFlow(server, config, client, user);
      await unregister(client);
    });
  });

  describe('oidcc-registration-sector-uri', () => {
    it('subject_type pairwise with a sector_identifier_uri listing the redirect URI registers (OIDCCRegistrationSectorUri, CreateSectorRedirectUris, AddSubjectTypePairwiseToDynamicRegistrationRequest, AddSectorIdentifierUriToDynamicRegistrationRequest; OIDC Registration §5, OIDC Core §8.1)', async () => {
      assert.ok((config.metadata.subject_types_supported as string[]).includes('pairwise'), 'the module runs (it skips without pairwise)');
      const sector = host.serve(`redirect_uris.json/${randomValue(10)}`, 'application/json', JSON.stringify([suiteRedirectUri]));
      const client = await registerDynamicClient(server, config, await createDynamicClientRegistrationRequest({ extra: { subject_type: 'pairwise', sector_identifier_uri: sector } }));
      assert.equal(client.registration.subject_type, 'pairwise');
      await unregister(client);
    });
  });

  describe('oidcc-registration-sector-bad', () => {
    it('a sector_identifier_uri document that does not list the redirect URI is refused: 400, JSON, invalid_client_metadata (OIDCCRegistrationSectorBad, CreateInvalidSectorRedirectUris, EnsureHttpStatusCodeIs400, CheckErrorFromDynamicRegistrationEndpointIsInvalidClientMetadata; OIDC Registration §5, §3.3)', async () => {
      const sector = host.serve(`redirect_uris.json/${randomValue(10)}`, 'application/json', JSON.stringify(['https://example.com/op']));
      const { request } = await createDynamicClientRegistrationRequest({ extra: { subject_type: 'pairwise', sector_identifier_uri: sector } });
      const response = await callDynamicRegistrationEndpoint(config, request);
      assert.match(response.headers.get('content-type') ?? '', /^application\/json/, 'EnsureContentTypeJson');
      assert.equal(response.status, 400, 'EnsureHttpStatusCodeIs400');
      assert.equal(response.body.error, 'invalid_client_metadata', 'CheckErrorFromDynamicRegistrationEndpointIsInvalidClientMetadata');
    });
  });

  describe('oidcc-server-rotate-keys', () => {
    it('after the operator rotates the signing keys, jwks_uri has a new key and still the old ones, every key with a distinct kid (OIDCCServerRotateKeys, FetchServerKeys, ValidateJwksSequence, CheckForKeyIdInServerJWKs, CheckDistinctKeyIdValueInServerJWKs, VerifyNewJwksHasNewSigningKey, VerifyNewJwksStillHasOldSigningKey; OIDC Core §10.1.1, RFC 7517 §4.5)', async () => {
      const fetchJwks = async () => {
        const response = await fetch(assertValidUrl(config.metadata, 'jwks_uri'));
        assert.equal(response.status, 200, 'FetchServerKeys');
        const jwks = await response.json() as JSONWebKeySet;
        validateJwks(jwks);
        const kids = jwks.keys.map((key) => key.kid);
        assert.ok(kids.every((kid) => typeof kid === 'string'), 'CheckForKeyIdInServerJWKs');
        assert.equal(new Set(kids).size, kids.length, 'CheckDistinctKeyIdValueInServerJWKs');
        return kids as string[];
      };
      const original = await fetchJwks();
      // TellUserToRotateOpKeys: what `gatehouse keys rotate` does.
      await rotateSigningKeys(server.storage.signingKeys, server.clock, server.sealer, { publishDelay: 60, retirementGrace: 3600 });
      const deadline = Date.now() + 10_000;
      let rotated = await fetchJwks();
      while (rotated.every((kid) => original.includes(kid)) && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100)); // the key set's change notice (SQLite data_version, PostgreSQL NOTIFY)
        rotated = await fetchJwks();
      }
      assert.ok(rotated.some((kid) => !original.includes(kid)), 'VerifyNewJwksHasNewSigningKey');
      assert.ok(original.every((kid) => rotated.includes(kid)), 'VerifyNewJwksStillHasOldSigningKey (a warning)');
      config = await configureServer(server); // later modules verify with the new set
    });
  });

  describe('oidcc-refresh-token-rp-key-rotation', () => {
    it('after the RP puts a new key with a new kid in its jwks_uri, a refresh authenticated with it works 60 s later (OIDCCRefreshTokenRPKeyRotation, AddRefreshTokenGrantTypeToDynamicRegistrationRequest, GenerateRS256ClientJWKsWithKeyID, WaitForJWKSRefreshDelay, RefreshTokenRequestSteps; OIDC Core §11, §12, RFC 7523 §2.2)', async () => {
      const key = await generateRs256ClientKey(true);
      const jwksPath = `client1_jwks/${randomValue(10)}`;
      const jwksUri = host.serve(jwksPath, 'application/json', JSON.stringify({ keys: [key.publicJwk] }));
      const created = await createDynamicClientRegistrationRequest({ key, jwksUri, extra: { grant_types: ['authorization_code', 'refresh_token'] } });
      const client = await registerDynamicClient(server, config, created);
      // SetScopeInClientConfigurationToOpenIdOfflineAccess, AddPromptConsentToAuthorizationEndpointRequestIfScopeContainsOfflineAccess (OIDC Core §11).
      const request = { ...createAuthorizationRequest(client, { scope: 'openid offline_access' }), prompt: 'consent' };
      const flow = await performAuthorizationFlow(server, config, client, user, request);
      const refreshToken = flow.token.body.refresh_token as string;
      assert.equal(typeof refreshToken, 'string', 'ExtractRefreshTokenFromTokenResponse');
      assert.match(refreshToken, /^[\x20-\x7E]+$/, 'EnsureRefreshTokenContainsAllowedCharactersOnly (RFC 6749 Appendix A.17)');

      const next = await generateRs256ClientKey(true);
      host.serve(jwksPath, 'application/json', JSON.stringify({ keys: [next.publicJwk] })); // "Cycling keys in RP jwks_uri"
      server.clock.advance(60); // WaitForJWKSRefreshDelay (60 s by default)
      const response = await callTokenEndpointWithAssertion(server, config, client, { grant_type: 'refresh_token', refresh_token: refreshToken }, { key: next });
      assert.equal(response.status, 200, `CheckTokenEndpointHttpStatus200: ${JSON.stringify(response.body)}`);
      assert.equal(typeof response.body.access_token, 'string');
      if (typeof response.body.id_token === 'string') {
        const second = await performStandardIdTokenChecks(response.body.id_token, config, client, undefined);
        assert.equal(second.sub, flow.idTokenClaims.sub, 'CompareIdTokenClaims: sub');
        assert.equal(second.auth_time, flow.idTokenClaims.auth_time, 'CompareIdTokenClaims: auth_time');
      }
      assert.equal((await callUserInfoEndpoint(config, response.body.access_token as string)).status, 200, 'requestProtectedResource');
      // The old key no longer authenticates the client: the set it fetched has only the new one.
      const stale = await callTokenEndpointWithAssertion(server, config, client, { grant_type: 'refresh_token', refresh_token: response.body.refresh_token as string });
      assert.equal(stale.status, 401);
      await unregister(client);
    });
  });

  describe('oidcc-request-uri-unsigned', () => {
    it('is skipped by default: request_object_signing_alg_values_supported does not list none (unsigned request objects are off, allowUnsignedRequestObjects) (OIDCCRequestUriUnsigned, skipTestIfNoneUnsupported, CheckDiscEndpointRequestUriParameterSupported; OIDC Core §6.2, §15.2)', () => {
      assert.equal(config.metadata.request_uri_parameter_supported, true, 'CheckDiscEndpointRequestUriParameterSupported (OIDC Discovery §3)');
      assert.ok(unsignedRequestObjectsUnsupported(config), 'the module skips itself');
    });
  });

  describe('oidcc-request-uri-signed-rs256', () => {
    it('an RS256 request object by reference, registered in request_uris with a fragment, completes the flow (OIDCCRequestUriSignedRS256, CheckDiscEndpointRequestObjectSigningAlgValuesSupportedContainsRS256, AddRequestObjectSigningAlgRS256ToDynamicRegistrationRequest, CreateRandomRequestUriWithFragment, AddAudToRequestObject, AddIssToRequestObject, SignRequestObject, BuildRequestObjectByReferenceRedirectToAuthorizationEndpoint; OIDC Core §6.1, §6.2, OIDC Registration §2 request_uris)', async () => {
      assert.equal(config.metadata.request_uri_parameter_supported, true, 'CheckDiscEndpointRequestUriParameterSupported');
      assert.ok((config.metadata.request_object_signing_alg_values_supported as string[]).includes('RS256'), 'CheckDiscEndpointRequestObjectSigningAlgValuesSupportedContainsRS256');
      const path = `requesturi/${randomValue(64)}`;
      const requestUri = `${host.serve(path, 'application/jwt', '')}#${randomBytes(32).toString('base64url')}`;
      const client = await registerDynamicClient(server, config, await createDynamicClientRegistrationRequest({
        extra: { request_object_signing_alg: 'RS256', request_uris: [requestUri] },
      }));
      const request = createAuthorizationRequest(client);
      const object = await new SignJWT({ ...request, aud: server.issuer, iss: client.clientId })
        .setProtectedHeader({ alg: 'RS256' }).sign(client.key.privateKey);
      host.serve(path, 'application/jwt', object);
      await performAuthorizationFlow(server, config, client, user, request, requestObjectRedirect(config, request, request, { request_uri: requestUri }));
      await unregister(client);
    });
  });

  describe('oidcc-ensure-request-object-with-redirect-uri', () => {
    it('is skipped by default: the module sends an unsigned request object, and none is not offered (OIDCCEnsureRequestObjectWithRedirectUri, skipTestIfNoneUnsupported; OIDC Core §6.1)', () => {
      assert.ok(unsignedRequestObjectsUnsupported(config));
    });
  });

  describe('oidcc-refresh-token', () => {
    it('offline_access with a refresh_token client: the refresh (private_key_jwt) works, keeps iss/sub/aud/auth_time, and a second client\'s refresh token is refused (OIDCCRefreshToken, AddRefreshTokenGrantTypeToDynamicRegistrationRequest, RefreshTokenRequestSteps, RefreshTokenRequestExpectingErrorSteps; OIDC Core §11, §12.2; RFC 6749 §6)', async () => {
      assert.ok((config.metadata.grant_types_supported as string[]).includes('refresh_token'), 'EnsureServerConfigurationSupportsRefreshToken');
      const clients: DynamicClient[] = [];
      const refreshed: string[] = [];
      for (let i = 0; i < 2; i++) {
        const client = await registerDynamicClient(server, config, await createDynamicClientRegistrationRequest({ extra: { grant_types: ['authorization_code', 'refresh_token'] } }));
        clients.push(client);
        const request: Record<string, string> = { ...createAuthorizationRequest(client, { scope: 'openid offline_access' }), prompt: 'consent' };
        const flow = await performAuthorizationFlow(server, config, client, user, request);
        const refreshToken = flow.token.body.refresh_token as string;
        assert.equal(typeof refreshToken, 'string', 'ExtractRefreshTokenFromTokenResponse');
        server.clock.advance(1); // WaitForOneSecond
        const response = await callTokenEndpointWithAssertion(server, config, client, { grant_type: 'refresh_token', refresh_token: refreshToken, ...(i === 0 ? { scope: request.scope! } : {}) });
        assert.equal(response.status, 200, `CheckTokenEndpointHttpStatus200: ${JSON.stringify(response.body)}`);
        assert.ok((response.headers.get('cache-control') ?? '').includes('no-store'), 'CheckTokenEndpointCacheHeaders');
        assert.equal(String(response.body.token_type).toLowerCase(), 'bearer', 'CheckTokenTypeIsBearer');
        assert.ok(shannonEntropy(response.body.access_token as string) > 96, 'EnsureMinimumAccessTokenEntropy');
        if (typeof response.body.id_token === 'string') {
          const second = await performStandardIdTokenChecks(response.body.id_token, config, client, undefined);
          for (const claim of ['iss', 'sub', 'aud', 'auth_time'] as const) assert.deepEqual(second[claim], flow.idTokenClaims[claim], `CompareIdTokenClaims: ${claim}`);
          assert.notEqual(second.iat, flow.idTokenClaims.iat, 'CompareIdTokenClaims: a new iat');
        }
        refreshed.push((response.body.refresh_token as string | undefined) ?? refreshToken);
      }
      const stolen = await callTokenEndpointWithAssertion(server, config, clients[0]!, { grant_type: 'refresh_token', refresh_token: refreshed[1]!, scope: 'openid offline_access' });
      assertTokenEndpointInvalidGrant(stolen);
      for (const client of clients) await unregister(client);
    });
  });

  describe('oidcc-ensure-client-assertion-with-iss-aud-succeeds', () => {
    it('a client assertion whose aud is the issuer, not the token endpoint, is accepted (OIDCCEnsureClientAssertionWithIssAudSucceeds, UpdateClientAuthenticationAssertionClaimsWithISSAud; RFC 7523 §3, OIDC Core §9)', async () => {
      const client = await registerDynamicClient(server, config, await createDynamicClientRegistrationRequest());
      const request = createAuthorizationRequest(client);
      const outcome = await performRedirect(config, request, user);
      const code = processCallback(outcome, client, request, server.issuer);
      const token = await requestAuthorizationCode(server, config, client, code, client.redirectUri, server.issuer);
      await performStandardIdTokenChecks(token.idToken, config, client, request.nonce);
      await unregister(client);
    });
  });
});

describe('oidcc-dynamic-certification-test-plan, the https parts', () => {
  it('with an https issuer, registration_endpoint and the registration_client_uri of a registration are https (VerifyClientManagementCredentials, CheckDiscEndpointRegistrationEndpoint; RFC 7591 §3, RFC 7592 §3)', async () => {
    // These need an https issuer (Gatehouse behind TLS); what it answers is read over the loopback.
    const behindTls = await startGatehouse({ issuer: 'https://login.example.com', registration: { policy: 'open', maxPerAddress: 1000, requirePkce: false } });
    try {
      const local = `http://127.0.0.1:${behindTls.config.port}`;
      const metadata = await (await fetch(`${local}/.well-known/openid-configuration`)).json() as Record<string, unknown>;
      assert.equal(new URL(metadata.registration_endpoint as string).protocol, 'https:', 'CheckDiscEndpointRegistrationEndpoint');
      const { request } = await createDynamicClientRegistrationRequest();
      const response = await fetch(`${local}/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(request) });
      const body = await response.json() as Record<string, unknown>;
      assert.equal(response.status, 201, JSON.stringify(body));
      assert.equal(new URL(body.registration_client_uri as string).protocol, 'https:', 'VerifyClientManagementCredentials: the https scheme');
    } finally {
      await behindTls.close();
    }
  });
});

describe('oidcc-dynamic-certification-test-plan with unsigned request objects allowed (allowUnsignedRequestObjects)', () => {
  const host = new SuiteHost();
  let server: TestServer;
  let config: ServerConfiguration;
  let user: { accountId: string; username: string; password: string };

  before(async () => {
    await host.start();
    server = await startGatehouse({ ...dynamicPlanConfig(host), allowUnsignedRequestObjects: true });
    user = await server.createUser();
    config = await configureServer(server);
  });
  after(async () => {
    await server.close();
    await host.close();
  });

  describe('oidcc-request-uri-unsigned', () => {
    it('an unsigned request object by reference (alg none), registered in request_uris with a fragment, completes the flow (OIDCCRequestUriUnsigned, CreateRandomRequestUriWithFragment, ConvertAuthorizationEndpointRequestToRequestObject, SerializeRequestObjectWithNullAlgorithm, BuildRequestObjectByReferenceRedirectToAuthorizationEndpoint; OIDC Core §6.2, §15.2)', async () => {
      assert.equal(unsignedRequestObjectsUnsupported(config), false, 'the module runs');
      const path = `requesturi/${randomValue(64)}`;
      const requestUri = `${host.serve(path, 'application/jwt', '')}#${randomBytes(32).toString('base64url')}`;
      const client = await registerDynamicClient(server, config, await createDynamicClientRegistrationRequest({ extra: { request_uris: [requestUri] } }));
      const request = createAuthorizationRequest(client);
      host.serve(path, 'application/jwt', unsignedRequestObject(request));
      await performAuthorizationFlow(server, config, client, user, request, requestObjectRedirect(config, request, request, { request_uri: requestUri }));
      await unregister(client);
    });
  });

  describe('oidcc-ensure-request-object-with-redirect-uri', () => {
    it('a request object naming the registered redirect_uri, an unregistered one outside it: the object\'s redirect_uri is used and the flow completes — one of the two outcomes the module accepts, never the registered URI with request_not_supported (OIDCCEnsureRequestObjectWithRedirectUri, AddInvalidRedirectUriToAuthorizationRequest, EnsureOPDoesNotUseDefaultRedirectUriInCaseOfInvalidRedirectUri; OIDC Core §6.1)', async () => {
      const client = await registerDynamicClient(server, config, await createDynamicClientRegistrationRequest());
      const request = createAuthorizationRequest(client);
      const outside = { ...request, redirect_uri: `${suiteRedirectUri}_invalid` };
      // OIDC Core §6.1: the request object's values take precedence over the parameters outside it.
      const flow = await performAuthorizationFlow(server, config, client, user, request,
        requestObjectRedirect(config, request, outside, { request: unsignedRequestObject(request) }));
      assert.ok(flow.code, 'processed, at the redirect_uri of the request object');
      await unregister(client);
    });
  });
});
