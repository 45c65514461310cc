// What the OpenID Foundation conformance suite (github.com/openid-certification/conformance-suite)
// does as a relying party in its OP test plans, redone over HTTP against a real Gatehouse: for the
// logout plans, the OIDC Basic sign-in of AbstractOIDCCServerTest (code flow, client_secret_basic,
// a 128 character state, a nonce, no PKCE) and the end-session request of
// AbstractOIDCCRpInitiatedLogout; for the Basic and Config OP plans, AbstractOIDCCServerTest step by
// step (configure, authorization request, callback, token request, ID token and UserInfo checks);
// and the checks of their conditions. Each helper names the conditions it stands for, so a test
// reads like the module it mirrors. Nothing here is copied from the suite; it is read and redone.
import assert from 'node:assert/strict';
import { createHash, createPublicKey, randomBytes, randomInt, type JsonWebKey } from 'node:crypto';
import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify, type JSONWebKeySet, type JWTPayload } from 'jose';
import { ScriptedBrowser, type Page } from '../support/browser.js';
import { runAuthorization, tokenRequest } from '../support/flow.js';
import type { TestClient, TestServer } from '../support/gatehouse.js';

/** Where a test plan's aliased endpoints live (the suite's `base_url`); only ever a Location here. */
export const suiteBaseUrl = 'https://www.certification.openid.net/test/a/gatehouse';
export const suiteRedirectUri = `${suiteBaseUrl}/callback`;
/** CreatePostLogoutRedirectUri: base_url + /post_logout_redirect, registered statically. */
export const suitePostLogoutRedirectUri = `${suiteBaseUrl}/post_logout_redirect`;

/** OIDC Discovery 1.0 §4, as GetDynamicServerConfiguration fetches it. */
export async function discover(server: TestServer): Promise<Record<string, unknown>> {
  const response = await fetch(`${server.issuer}/.well-known/openid-configuration`);
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type') ?? '', /^application\/json/);
  return await response.json() as Record<string, unknown>;
}

/** AbstractJsonUriIsValidAndHttps, minus the scheme (which https-only deployments check). */
export function assertValidUrl(metadata: Record<string, unknown>, name: string): URL {
  const value = metadata[name];
  assert.equal(typeof value, 'string', `${name}: URL not found`);
  return new URL(value as string);
}

/** AbstractValidateJsonBoolean with required value true and default false. */
export function assertTrueFlag(metadata: Record<string, unknown>, name: string): void {
  assert.equal(metadata[name], true, `${name} must be the boolean true (absent means false)`);
}

/** CreateRandomStateValue with requested_state_length 128: alphanumerics then "-._~". */
export function longAuthorizationState(): string {
  const alphanumeric = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let state = '';
  for (let i = 0; i < 124; i++) state += alphanumeric[randomInt(alphanumeric.length)];
  return `${state}-._~`;
}

/**
 * CreateRandomEndSessionState: RFC 6749 Appendix A VSCHAR, 50 letters, 10 digits and 30
 * punctuation characters from ' '-'/', ':'-'@', '['-'`', '{'-'~', with '+', ' ' and ';' made '~'.
 */
export function endSessionState(): string {
  const pick = (chars: string, count: number) => Array.from({ length: count }, () => chars[randomInt(chars.length)]).join('');
  const range = (from: string, to: string) => Array.from({ length: to.charCodeAt(0) - from.charCodeAt(0) + 1 }, (_, i) => String.fromCharCode(from.charCodeAt(0) + i)).join('');
  const punctuation = range(' ', '/') + range(':', '@') + range('[', '`') + range('{', '~');
  const state = pick('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz', 50) + pick('0123456789', 10) + pick(punctuation, 30);
  return state.replace(/[+ ;]/g, '~');
}

export interface SignedIn {
  browser: ScriptedBrowser;
  idToken: string;
  idTokenClaims: JWTPayload;
  accessToken: string;
}

/** The server's JWKS, as the suite fetches `jwks_uri` into `server_jwks`. */
export async function serverJwks(server: TestServer): Promise<JSONWebKeySet> {
  const metadata = await discover(server);
  const response = await fetch(metadata.jwks_uri as string);
  assert.equal(response.status, 200);
  return await response.json() as JSONWebKeySet;
}

/**
 * AbstractOIDCCServerTest's first authorization, code flow: CreateAuthorizationEndpointRequest…,
 * a 128-character state, a nonce, no PKCE; CheckStateInAuthorizationResponse,
 * ValidateIssIfPresentInAuthorizationResponse; the token request with client_secret_basic;
 * CheckForAccessTokenValue, ExtractIdTokenFromTokenResponse and the standard ID token checks
 * (signature by the server's JWKS, iss, aud, nonce, iat/exp); the UserInfo call must answer 200.
 * The logout plans also need `sid` in the ID token (Back-Channel Logout 1.0 §2.1).
 */
export async function basicSignIn(
  server: TestServer, client: TestClient, user: { username: string; password: string }, browser = new ScriptedBrowser(),
): Promise<SignedIn> {
  const state = longAuthorizationState();
  const nonce = randomBytes(8).toString('base64url');
  const run = await runAuthorization(server, client, user, { scope: 'openid', state, nonce }, browser);
  assert.ok(run.callback, `the sign-in reached the redirect_uri (got ${run.page.status})`);
  const callback = run.callback;
  assert.equal(`${callback.origin}${callback.pathname}`, client.redirectUri);
  assert.equal(callback.searchParams.get('error'), null, `no error: ${callback.searchParams.get('error_description')}`);
  assert.equal(callback.searchParams.get('state'), state, 'CheckStateInAuthorizationResponse');
  const iss = callback.searchParams.get('iss');
  if (iss !== null) assert.equal(iss, server.issuer, 'ValidateIssIfPresentInAuthorizationResponse');
  const code = callback.searchParams.get('code');
  assert.ok(code, 'ExtractAuthorizationCodeFromAuthorizationResponse');

  const response = await tokenRequest(server, { grant_type: 'authorization_code', code, redirect_uri: client.redirectUri },
    { clientId: client.clientId, clientSecret: client.clientSecret! });
  assert.equal(response.status, 200, 'CheckTokenEndpointHttpStatus200');
  const accessToken = response.body.access_token;
  assert.equal(typeof accessToken, 'string', 'CheckForAccessTokenValue');
  const idToken = response.body.id_token;
  assert.equal(typeof idToken, 'string', 'ExtractIdTokenFromTokenResponse (OIDCC-3.1.3.3)');

  const { payload } = await jwtVerify(idToken as string, createLocalJWKSet(await serverJwks(server)), {
    issuer: server.issuer, audience: client.clientId,
  });
  assert.equal(payload.nonce, nonce, 'ValidateIdTokenNonce');
  assert.equal(typeof payload.sub, 'string');
  assert.equal(typeof payload.sid, 'string', 'sid in the ID token, required for the logout certifications');

  const userinfo = await fetch(`${server.issuer}/userinfo`, { headers: { authorization: `Bearer ${accessToken as string}` } });
  await userinfo.text();
  assert.equal(userinfo.status, 200, 'CallProtectedResource / EnsureHttpStatusCodeIs200');
  return { browser, idToken: idToken as string, idTokenClaims: payload, accessToken: accessToken as string };
}

/**
 * BuildRedirectToEndSessionEndpoint: the end_session_endpoint with the request's parameters as a
 * query, encoded the way the suite's UriComponentsBuilder encodes a query parameter: unreserved
 * characters and !$'()*+,;:@/? stay as they are, everything else (= & # % " < > space …) is %XX.
 */
export async function endSessionUrl(server: TestServer, params: Record<string, string>): Promise<string> {
  const endpoint = assertValidUrl(await discover(server), 'end_session_endpoint').toString();
  const encode = (value: string) => Array.from(Buffer.from(value, 'utf8'))
    .map((byte) => /[A-Za-z0-9\-._~!$'()*+,;:@/?]/.test(String.fromCharCode(byte)) && byte < 0x80 ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`)
    .join('');
  const query = Object.entries(params).map(([name, value]) => `${encode(name)}=${encode(value)}`).join('&');
  return query ? `${endpoint}${endpoint.includes('?') ? '&' : '?'}${query}` : endpoint;
}

/** CreateEndSessionEndpointRequest: id_token_hint, post_logout_redirect_uri and state. */
export function endSessionRequest(signedIn: SignedIn, state: string): Record<string, string> {
  return { id_token_hint: signedIn.idToken, post_logout_redirect_uri: suitePostLogoutRedirectUri, state };
}

/**
 * What the suite sees at its post_logout_redirect endpoint: the query parameters. CheckPostLogoutState
 * / CheckNoPostLogoutState and CheckForUnexpectedParametersInPostLogoutRedirect (only `state`).
 */
export function assertPostLogoutRedirect(leftTo: string | undefined, expectedState: string | null): void {
  assert.ok(leftTo, 'the OP sent the browser to the post_logout_redirect_uri');
  const landed = new URL(leftTo);
  assert.equal(`${landed.origin}${landed.pathname}`, suitePostLogoutRedirectUri, 'exactly the registered URI');
  if (expectedState === null) {
    assert.equal(landed.searchParams.get('state'), null, 'CheckNoPostLogoutState');
  } else {
    assert.equal(landed.searchParams.get('state'), expectedState, 'CheckPostLogoutState: state exactly as sent');
  }
  const unexpected = [...landed.searchParams.keys()].filter((name) => name !== 'state');
  assert.deepEqual(unexpected, [], 'CheckForUnexpectedParametersInPostLogoutRedirect');
}

/**
 * The handleHttp override of the modules that must not be sent back: the OP shows a page of its
 * own (an error, a confirmation, or "you are signed out") and never redirects to the suite.
 */
export function assertOpPage(page: Page & { leftTo?: string }): void {
  assert.equal(page.leftTo, undefined, `the OP must not call the post_logout_redirect_uri (went to ${page.leftTo})`);
  assert.ok(page.status === 200 || page.status === 400, `a page, not a ${page.status}`);
  assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
  assert.equal(page.body.includes(suitePostLogoutRedirectUri) && /http-equiv="refresh"/i.test(page.body), false, 'no meta refresh to the RP');
}

/** The signed-out page (ExpectSuccessfulLogoutPage's screenshot). */
export function assertSignedOutPage(page: Page & { leftTo?: string }): void {
  assertOpPage(page);
  assert.equal(page.status, 200);
  assert.match(page.body, /You are signed out/);
}

/** The error page (ExpectPostLogoutRedirectUriNotRegisteredErrorPage, ExpectInvalidIdTokenHintErrorPage, …). */
export function assertErrorPage(page: Page & { leftTo?: string }, says: RegExp): void {
  assertOpPage(page);
  assert.equal(page.status, 400);
  assert.match(page.body, /This sign-out request cannot continue/);
  assert.match(page.body, says);
}

/** The confirmation page a user answers (allowed by every "error screen or confirm" module, §2 and §6). */
export function isConfirmationPage(page: Page): boolean {
  return page.status === 200 && page.body.includes('name="decision"') && page.body.includes('value="logout"');
}

/**
 * The second authorization of AbstractOIDCCRpInitiatedLogout, with prompt=none: the user was
 * logged out, so an error must come back — performGenericAuthorizationEndpointErrorResponseValidation
 * (state, iss, an error and no code, only the expected parameters, error_description's characters)
 * and CheckErrorFromAuthorizationEndpointIsOneThatRequiredAUserInterface (OIDC Core §3.1.2.6).
 */
export async function assertPromptNoneNeedsLogin(server: TestServer, client: TestClient, browser: ScriptedBrowser): Promise<void> {
  const state = longAuthorizationState();
  const url = new URL(`${server.issuer}/authorize`);
  url.search = new URLSearchParams({
    response_type: 'code', client_id: client.clientId, redirect_uri: client.redirectUri, scope: 'openid',
    state, nonce: randomBytes(8).toString('base64url'), prompt: 'none',
  }).toString();
  const page = await browser.navigate(url.toString());
  assert.ok(page.leftTo, `prompt=none answers by redirect to the client (got ${page.status})`);
  const params = assertAuthorizationEndpointError(page.leftTo, client.redirectUri, state, server.issuer);
  assert.ok(userInterfaceErrors.includes(params.error!), `CheckErrorFromAuthorizationEndpointIsOneThatRequiredAUserInterface: got ${params.error}`);
}

/** Whether the browser's session is still signed in: prompt=none gives a code. */
export async function stillSignedIn(server: TestServer, client: TestClient, browser: ScriptedBrowser): Promise<boolean> {
  const url = new URL(`${server.issuer}/authorize`);
  url.search = new URLSearchParams({
    response_type: 'code', client_id: client.clientId, redirect_uri: client.redirectUri, scope: 'openid',
    state: 's', nonce: 'n', prompt: 'none',
  }).toString();
  const page = await browser.navigate(url.toString());
  return page.leftTo !== undefined && new URL(page.leftTo).searchParams.has('code');
}

/**
 * AbstractVerifyJwsSignature as ValidateLogoutTokenSignature uses it: with a `kid`, exactly the
 * server key with that kid (kty from alg, alg and use:sig when the key states them) must verify it.
 */
export async function assertSignedByServer(token: string, jwks: JSONWebKeySet): Promise<JWTPayload> {
  const header = decodeProtectedHeader(token);
  assert.ok(header.alg && header.alg !== 'none', 'signed');
  const kty = header.alg.startsWith('ES') ? 'EC' : header.alg.startsWith('Ed') || header.alg === 'EdDSA' ? 'OKP' : header.alg.startsWith('HS') ? 'oct' : 'RSA';
  const candidates = jwks.keys.filter((key) => (header.kid === undefined || key.kid === header.kid)
    && key.kty === kty && (key.alg === undefined || key.alg === header.alg) && (key.use === undefined || key.use === 'sig'));
  assert.ok(candidates.length >= 1, 'the server JWKS has a key with the right kid, kty, alg and use');
  if (header.kid !== undefined) assert.equal(candidates.length, 1, 'exactly one key with that kid');
  const { payload } = await jwtVerify(token, createLocalJWKSet({ keys: candidates }));
  return payload;
}

export { decodeJwt };

// ---------------------------------------------------------------------------------------------
// The OIDC Core OP plans (Basic OP, Config OP): AbstractOIDCCServerTest step by step, for the
// variants response_type=code, client_secret_basic (or _post), discovery, static client.

export interface ServerConfiguration {
  metadata: Record<string, unknown>;
  jwks: JSONWebKeySet;
}

const alphanumerics = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** CreateRandomStateValue / CreateRandomNonceValue: alphanumerics; past 10 characters the last four are "-._~". */
export function randomValue(length = 10): string {
  const random = Array.from({ length: length > 10 ? length - 4 : length }, () => alphanumerics[randomInt(alphanumerics.length)]).join('');
  return length > 10 ? `${random}-._~` : random;
}

/**
 * ValidateJwksSequence: a JWK Set object with a `keys` array (ValidateJwksStructure), public keys
 * only (EnsureJwksHasNoPrivateOrSymmetricKeyMaterial), each one usable (ParseUsableJwksKeys,
 * WarnOnUnusableJwksKeys), then CheckServerKeysIsValid (the set parses).
 */
export function validateJwks(jwks: JSONWebKeySet): void {
  assert.ok(jwks && Array.isArray(jwks.keys) && jwks.keys.length > 0, 'ValidateJwksStructure: a JWK Set with a non-empty keys array (RFC 7517 §5)');
  for (const key of jwks.keys) {
    assert.equal(typeof key.kty, 'string', 'ValidateJwksStructure: every key has a kty (RFC 7517 §4.1)');
    assert.notEqual(key.kty, 'oct', 'EnsureJwksHasNoPrivateOrSymmetricKeyMaterial: no symmetric key');
    for (const member of ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k']) {
      assert.equal((key as Record<string, unknown>)[member], undefined, `EnsureJwksHasNoPrivateOrSymmetricKeyMaterial: no "${member}"`);
    }
    assert.doesNotThrow(() => createPublicKey({ key: key as JsonWebKey, format: 'jwk' }), 'ParseUsableJwksKeys: the key parses as a public key');
  }
}

/**
 * AbstractOIDCCServerTest.configure with server_metadata=discovery: GetDynamicServerConfiguration,
 * CheckServerConfiguration (issuer, authorization_endpoint, token_endpoint), FetchServerKeys,
 * CheckServerKeysIsValid, ValidateJwksSequence, CheckForKeyIdInServerJWKs (OIDC Core §10.1),
 * CheckDistinctKeyIdValueInServerJWKs (RFC 7517 §4.5), then for the client
 * EnsureServerConfigurationSupportsClientSecretBasic / …Post (absent means client_secret_basic).
 */
export async function configureServer(
  server: TestServer, clientAuth: 'client_secret_basic' | 'client_secret_post' = 'client_secret_basic',
): Promise<ServerConfiguration> {
  const metadata = await discover(server);
  for (const name of ['issuer', 'authorization_endpoint', 'token_endpoint']) {
    assert.equal(typeof metadata[name], 'string', `CheckServerConfiguration: ${name}`);
  }
  const response = await fetch(assertValidUrl(metadata, 'jwks_uri'));
  assert.equal(response.status, 200, 'FetchServerKeys');
  const jwks = await response.json() as JSONWebKeySet;
  validateJwks(jwks);
  const kids = jwks.keys.map((key) => key.kid);
  assert.ok(kids.every((kid) => typeof kid === 'string' && kid !== ''), 'CheckForKeyIdInServerJWKs: every key has a kid (OIDC Core §10.1)');
  assert.equal(new Set(kids).size, kids.length, 'CheckDistinctKeyIdValueInServerJWKs (RFC 7517 §4.5)');
  const methods = (metadata.token_endpoint_auth_methods_supported as string[] | undefined) ?? ['client_secret_basic'];
  assert.ok(methods.includes(clientAuth), `EnsureServerConfigurationSupports${clientAuth === 'client_secret_basic' ? 'ClientSecretBasic' : 'ClientSecretPost'}`);
  return { metadata, jwks };
}

/**
 * CreateAuthorizationEndpointRequestFromClientInformation (client_id, redirect_uri, the client's
 * scope: `openid` by SetScopeInClientConfigurationToOpenId), CreateRandomStateValue,
 * CreateRandomNonceValue, SetAuthorizationEndpointRequestResponseTypeFromEnvironment (code).
 */
export function createAuthorizationRequest(
  client: TestClient, options: { scope?: string; stateLength?: number; nonceLength?: number; nonce?: false } = {},
): Record<string, string> {
  const request: Record<string, string> = {
    client_id: client.clientId, redirect_uri: client.redirectUri, scope: options.scope ?? 'openid', state: randomValue(options.stateLength),
  };
  if (options.nonce !== false) request.nonce = randomValue(options.nonceLength);
  request.response_type = 'code';
  return request;
}

/**
 * BuildPlainRedirectToAuthorizationEndpoint: the request as the endpoint's query, in order;
 * …ReorderedParams (oidcc-alternate-happy-flow) sends the parameters in the reverse order.
 */
export function authorizationRedirect(config: ServerConfiguration, request: Record<string, string>, reordered = false): string {
  const url = assertValidUrl(config.metadata, 'authorization_endpoint');
  const entries = Object.entries(request);
  for (const [name, value] of reordered ? entries.reverse() : entries) url.searchParams.append(name, value);
  return url.toString();
}

export interface AuthorizationOutcome {
  browser: ScriptedBrowser;
  /** The redirect back to the suite's redirect_uri, when the OP sent one. */
  callback?: URL;
  /** The last page the OP showed otherwise. */
  page: Page & { leftTo?: string };
  /** How many sign-in pages the user was shown (the screenshot of ExpectSecondLoginPage). */
  loginPages: number;
  consentPages: number;
}

/**
 * performRedirect: the suite's browser goes to the authorization endpoint (GET, or POST with the
 * request as a form for oidcc-ensure-post-request-succeeds) and the configured browser tasks
 * sign in and consent until the OP sends it back to the redirect_uri.
 */
export async function performRedirect(
  config: ServerConfiguration, request: Record<string, string>, user: { username: string; password: string },
  options: { browser?: ScriptedBrowser; method?: 'GET' | 'POST'; reordered?: boolean } = {},
): Promise<AuthorizationOutcome> {
  const browser = options.browser ?? new ScriptedBrowser();
  let page = options.method === 'POST'
    ? await browser.navigate(config.metadata.authorization_endpoint as string, { method: 'POST', form: request })
    : await browser.navigate(authorizationRedirect(config, request, options.reordered));
  let loginPages = 0;
  let consentPages = 0;
  for (let step = 0; step < 4 && !page.leftTo; step++) {
    if (page.body.includes('name="password"')) {
      loginPages++;
      page = await browser.submitForm(page, { username: user.username, password: user.password });
    } else if (page.body.includes('name="decision"')) {
      consentPages++;
      page = await browser.submitForm(page, { decision: 'approve' });
    } else {
      break;
    }
  }
  return { browser, page, loginPages, consentPages, ...(page.leftTo ? { callback: new URL(page.leftTo) } : {}) };
}

/** AbstractEnsureMinimumEntropy: Shannon entropy per character times the length, in bits. */
export function shannonEntropy(value: string): number {
  const counts = new Map<string, number>();
  for (const c of value) counts.set(c, (counts.get(c) ?? 0) + 1);
  let perCharacter = 0;
  for (const count of counts.values()) {
    const p = count / value.length;
    perCharacter -= p * Math.log2(p);
  }
  return perCharacter * value.length;
}

/**
 * onAuthorizationCallbackResponse for response_type=code (the response in the query):
 * ValidateIssIfPresentInAuthorizationResponse (RFC 9207 §2.4), CheckIfAuthorizationEndpointError,
 * CheckStateInAuthorizationResponse, ExtractAuthorizationCodeFromAuthorizationResponse, and
 * oidcc-server's EnsureMinimumAuthorizationCodeLength (128 bits) and …Entropy (96 bits;
 * RFC 6749 §10.10, RFC 6819 §5.1.4.2.2). Returns the code.
 */
export function processCallback(outcome: AuthorizationOutcome, client: TestClient, request: Record<string, string>, issuer: string): string {
  assert.ok(outcome.callback, `the OP called the redirect_uri (it showed a ${outcome.page.status} page instead)`);
  const callback = outcome.callback;
  assert.equal(`${callback.origin}${callback.pathname}`, client.redirectUri, 'the registered redirect_uri');
  const params = callback.searchParams;
  const iss = params.get('iss');
  if (iss !== null) assert.equal(iss, issuer, 'ValidateIssIfPresentInAuthorizationResponse');
  assert.equal(params.get('error'), null, `CheckIfAuthorizationEndpointError: ${params.get('error')} ${params.get('error_description') ?? ''}`);
  assert.equal(params.get('state'), request.state ?? null, 'CheckStateInAuthorizationResponse');
  const code = params.get('code');
  assert.ok(code, 'ExtractAuthorizationCodeFromAuthorizationResponse');
  assert.ok(Buffer.byteLength(code) * 8 >= 128, 'EnsureMinimumAuthorizationCodeLength');
  assert.ok(shannonEntropy(code) > 96, 'EnsureMinimumAuthorizationCodeEntropy');
  return code;
}

export interface TokenEndpointResponse {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

/**
 * CallTokenEndpointAndReturnFullResponse with the client's authentication:
 * AddBasicAuthClientSecretToRequest (RFC 6749 §2.3.1: both parts form-encoded, then Basic) or
 * AddFormBasedClientSecretToRequest (client_id and client_secret in the body).
 */
export async function callTokenEndpoint(
  config: ServerConfiguration, client: TestClient, form: Record<string, string>,
  auth: 'client_secret_basic' | 'client_secret_post' = 'client_secret_basic',
): Promise<TokenEndpointResponse> {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
  const body = new URLSearchParams(form);
  if (auth === 'client_secret_basic') {
    const encode = (value: string) => new URLSearchParams({ v: value }).toString().slice(2);
    headers.authorization = `Basic ${Buffer.from(`${encode(client.clientId)}:${encode(client.clientSecret!)}`).toString('base64')}`;
  } else {
    body.set('client_id', client.clientId);
    body.set('client_secret', client.clientSecret!);
  }
  const response = await fetch(config.metadata.token_endpoint as string, { method: 'POST', headers, body: body.toString() });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) as Record<string, unknown> : {} };
}

/**
 * requestAuthorizationCode: CreateTokenEndpointRequestForAuthorizationCodeGrant (+ code_verifier
 * with PKCE, RFC 7636 §4.5), CheckTokenEndpointHttpStatus200, CheckForAccessTokenValue,
 * ExtractExpiresInFromTokenEndpointResponse + ValidateExpiresIn (RFC 6749 §5.1), and
 * ExtractIdTokenFromTokenResponse (OIDC Core §3.1.3.3).
 */
export async function requestAuthorizationCode(
  config: ServerConfiguration, client: TestClient, code: string,
  options: { auth?: 'client_secret_basic' | 'client_secret_post'; codeVerifier?: string } = {},
): Promise<TokenEndpointResponse & { accessToken: string; idToken: string }> {
  const form: Record<string, string> = { grant_type: 'authorization_code', code, redirect_uri: client.redirectUri };
  if (options.codeVerifier) form.code_verifier = options.codeVerifier;
  const response = await callTokenEndpoint(config, client, form, options.auth);
  assert.equal(response.status, 200, `CheckTokenEndpointHttpStatus200: ${JSON.stringify(response.body)}`);
  assert.equal(response.body.error, undefined, 'CheckIfTokenEndpointResponseError');
  assert.equal(typeof response.body.access_token, 'string', 'CheckForAccessTokenValue');
  if (response.body.expires_in !== undefined) {
    assert.ok(Number.isInteger(response.body.expires_in) && (response.body.expires_in as number) > 0, 'ValidateExpiresIn: a positive integer');
  }
  assert.equal(typeof response.body.id_token, 'string', 'ExtractIdTokenFromTokenResponse (OIDC Core §3.1.3.3)');
  return { ...response, accessToken: response.body.access_token as string, idToken: response.body.id_token as string };
}

/** Claims of OIDC Core §5.1 and the JSON type each must have (ValidateIdTokenStandardClaims, ValidateUserInfoStandardClaims). */
const standardClaimTypes: Record<string, 'string' | 'boolean' | 'number' | 'birthdate' | 'address' | 'object'> = {
  sub: 'string', name: 'string', given_name: 'string', family_name: 'string', middle_name: 'string', nickname: 'string',
  preferred_username: 'string', profile: 'string', picture: 'string', website: 'string', email: 'string',
  email_verified: 'boolean', gender: 'string', birthdate: 'birthdate', zoneinfo: 'string', locale: 'string',
  phone_number: 'string', phone_number_verified: 'boolean', address: 'address', updated_at: 'number',
  _claim_names: 'object', _claim_sources: 'object',
};

/** The ID token claims that say nothing about the user (removed before the standard-claims check). */
const protocolClaims = ['iss', 'aud', 'exp', 'iat', 'auth_time', 'nonce', 'acr', 'amr', 'azp', 'c_hash', 'at_hash', 's_hash', 'jti', 'nbf', 'verified_claims'];

/** ValidateIdTokenStandardClaims / ValidateUserInfoStandardClaims: each standard claim present has its §5.1 type. */
export function assertStandardClaims(claims: Record<string, unknown>, where: string): void {
  const identity = Object.entries(claims).filter(([name]) => !protocolClaims.includes(name));
  assert.ok(identity.length > 0, `${where}: identity claims present`);
  const nonBlank = (value: unknown) => typeof value === 'string' && value.trim() !== '' && value.toLowerCase() !== 'null';
  for (const [name, value] of identity) {
    const type = standardClaimTypes[name];
    if (type === undefined) continue;
    if (type === 'string') assert.ok(nonBlank(value), `${where}: ${name} is a string with content (OIDC Core §5.1)`);
    else if (type === 'boolean' || type === 'number') assert.equal(typeof value, type, `${where}: ${name} is a ${type} (OIDC Core §5.1)`);
    else if (type === 'object') assert.ok(value && typeof value === 'object' && !Array.isArray(value), `${where}: ${name} is an object`);
    else if (type === 'birthdate') assert.match(String(value), /^(\d{4}|\d{4}-\d{2}-\d{2})$/, `${where}: birthdate is YYYY, YYYY-MM-DD or 0000-MM-DD`);
    else {
      assert.ok(value && typeof value === 'object' && Object.keys(value).length > 0, `${where}: address is a non-empty object (OIDC Core §5.1.1)`);
      for (const [member, memberValue] of Object.entries(value as Record<string, unknown>)) {
        if (['formatted', 'street_address', 'locality', 'region', 'postal_code', 'country'].includes(member)) {
          assert.ok(nonBlank(memberValue), `${where}: address.${member} is a string with content`);
        }
      }
    }
  }
}

/** AbstractUpdatedAtValid: updated_at, when present, not in the future (5 minutes' skew) nor before 1990. */
function assertUpdatedAtValid(claims: Record<string, unknown>, where: string): void {
  if (claims.updated_at === undefined) return;
  const now = Date.now() / 1000;
  assert.ok((claims.updated_at as number) <= now + 300, `${where}: updated_at is not in the future`);
  assert.ok((claims.updated_at as number) >= Date.UTC(1990, 0, 1) / 1000, `${where}: updated_at is not before 1990`);
}

/**
 * PerformStandardIdTokenChecks: ValidateIdToken (iss is the issuer, aud has the client, exp not
 * passed and under 50 years ahead, iat and auth_time within 5 minutes of now, auth_time under a
 * year old, acr not empty), ValidateIdTokenStandardClaims, ValidateIdTokenNonce,
 * ValidateIdTokenSignature (the server key with that kid), CheckForSubjectInIdToken and
 * EnsureIdTokenUpdatedAtValid (OIDC Core §2, §3.1.3.7, §5.1).
 */
export async function performStandardIdTokenChecks(
  idToken: string, config: ServerConfiguration, client: TestClient, nonce: string | undefined,
): Promise<JWTPayload> {
  const claims = await assertSignedByServer(idToken, config.jwks);
  const now = Date.now() / 1000;
  assert.equal(claims.iss, config.metadata.issuer, 'ValidateIdToken: iss');
  const audience = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  assert.ok(audience.includes(client.clientId), 'ValidateIdToken: aud has our client_id');
  assert.equal(typeof claims.exp, 'number', 'ValidateIdToken: exp');
  assert.ok(claims.exp! > now - 300, 'ValidateIdToken: not expired');
  assert.ok(claims.exp! < now + 50 * 365 * 86400, 'ValidateIdToken: exp in seconds, not milliseconds');
  assert.equal(typeof claims.iat, 'number', 'ValidateIdToken: iat');
  assert.ok(claims.iat! <= now + 300 && claims.iat! >= now - 300, 'ValidateIdToken: iat within 5 minutes of now');
  if (claims.auth_time !== undefined) {
    const authTime = claims.auth_time as number;
    assert.ok(authTime <= now + 300 && authTime >= now - 365 * 86400, 'ValidateIdToken: auth_time neither in the future nor over a year old');
  }
  assert.notEqual(claims.acr, '', 'ValidateIdToken: acr is not an empty string');
  assertStandardClaims(claims as Record<string, unknown>, 'id_token');
  assert.equal(claims.nonce, nonce, 'ValidateIdTokenNonce (OIDC Core §2)');
  assert.ok(typeof claims.sub === 'string' && claims.sub !== '', 'CheckForSubjectInIdToken');
  assertUpdatedAtValid(claims as Record<string, unknown>, 'id_token');
  return claims;
}

/** OIDC Core §3.1.3.6 / §3.3.2.11: the left half of the SHA-256 of the value, base64url (for RS256). */
export function leftHalfHash(value: string): string {
  const digest = createHash('sha256').update(value, 'ascii').digest();
  return digest.subarray(0, digest.length / 2).toString('base64url');
}

/** The claims each scope asks for (OIDC Core §5.4), as VerifyScopesReturnedIn…Claims reads them. */
export const scopeClaims: Record<string, readonly string[]> = {
  openid: ['sub'],
  profile: ['name', 'family_name', 'given_name', 'middle_name', 'nickname', 'preferred_username', 'profile', 'picture',
    'website', 'gender', 'birthdate', 'zoneinfo', 'locale', 'updated_at'],
  email: ['email', 'email_verified'],
  address: ['address'],
  phone: ['phone_number', 'phone_number_verified'],
  offline_access: [],
};

/** VerifyScopesReturnedInUserInfoClaims (a warning): the scope's claims that are missing. */
export function missingScopeClaims(claims: Record<string, unknown>, scope: string): string[] {
  return scope.split(' ').flatMap((s) => scopeClaims[s] ?? []).filter((claim) => !(claim in claims));
}

/**
 * EnsureIdTokenDoesNotContainNonRequestedClaims (a warning): claims beyond the protocol ones
 * (OIDC Core §2, Back-Channel Logout's sid, jti, nbf, s_hash) and those the scope asks for.
 */
export function nonRequestedIdTokenClaims(claims: JWTPayload, scope: string): string[] {
  const allowed = new Set(['iss', 'sub', 'aud', 'exp', 'iat', 'auth_time', 'nonce', 'acr', 'amr', 'azp', 'at_hash', 'c_hash', 'nbf', 'jti', 'sid', 's_hash',
    ...scope.split(' ').flatMap((s) => scopeClaims[s] ?? [])]);
  return Object.keys(claims).filter((claim) => !allowed.has(claim));
}

/**
 * CallUserInfoEndpoint (GET with a Bearer header), SetResourceMethodToPost + CallUserInfoEndpoint
 * (POST with the header), or CallUserInfoEndpointWithBearerTokenInBody (POST, form field
 * access_token, RFC 6750 §2.2) — OIDC Core §5.3.1.
 */
export async function callUserInfoEndpoint(
  config: ServerConfiguration, accessToken: string, how: 'get' | 'post-header' | 'post-body' = 'get',
): Promise<{ status: number; headers: Headers; body: string }> {
  const endpoint = assertValidUrl(config.metadata, 'userinfo_endpoint');
  const init: RequestInit = how === 'post-body'
    ? { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ access_token: accessToken }).toString() }
    : { method: how === 'get' ? 'GET' : 'POST', headers: { authorization: `Bearer ${accessToken}` } };
  const response = await fetch(endpoint, init);
  return { status: response.status, headers: response.headers, body: await response.text() };
}

/**
 * EnsureHttpStatusCodeIs200, EnsureContentTypeJson (OIDC Core §5.3.2),
 * ExtractUserInfoFromUserInfoEndpointResponse, ValidateUserInfoStandardClaims (§5.1),
 * EnsureUserInfoContainsSub, EnsureUserInfoUpdatedAtValid and
 * VerifyUserInfoAndIdTokenInTokenEndpointSameSub (§5.3.2). Returns the claims.
 */
export function validateUserInfoResponse(response: { status: number; headers: Headers; body: string }, idTokenClaims: JWTPayload): Record<string, unknown> {
  assert.equal(response.status, 200, `EnsureHttpStatusCodeIs200: ${response.body}`);
  assert.match(response.headers.get('content-type') ?? '', /^application\/json/, 'EnsureContentTypeJson');
  const claims = JSON.parse(response.body) as Record<string, unknown>;
  assertStandardClaims(claims, 'userinfo');
  assert.equal(typeof claims.sub, 'string', 'EnsureUserInfoContainsSub');
  assertUpdatedAtValid(claims, 'userinfo');
  assert.equal(claims.sub, idTokenClaims.sub, 'VerifyUserInfoAndIdTokenInTokenEndpointSameSub');
  return claims;
}

export interface OidccFlow {
  browser: ScriptedBrowser;
  request: Record<string, string>;
  outcome: AuthorizationOutcome;
  code: string;
  token: TokenEndpointResponse & { accessToken: string; idToken: string };
  idTokenClaims: JWTPayload;
}

/**
 * AbstractOIDCCServerTest.performAuthorizationFlow for response_type=code: performRedirect,
 * processCallback, requestAuthorizationCode, PerformStandardIdTokenChecks, then
 * requestProtectedResource (CallProtectedResource on the UserInfo endpoint, EnsureHttpStatusCodeIs200).
 */
export async function performAuthorizationFlow(
  server: TestServer, config: ServerConfiguration, client: TestClient, user: { username: string; password: string },
  request: Record<string, string> = createAuthorizationRequest(client),
  options: { browser?: ScriptedBrowser; method?: 'GET' | 'POST'; reordered?: boolean; auth?: 'client_secret_basic' | 'client_secret_post'; codeVerifier?: string } = {},
): Promise<OidccFlow> {
  const outcome = await performRedirect(config, request, user, options);
  const code = processCallback(outcome, client, request, server.issuer);
  const token = await requestAuthorizationCode(config, client, code, options);
  const idTokenClaims = await performStandardIdTokenChecks(token.idToken, config, client, request.nonce);
  const resource = await callUserInfoEndpoint(config, token.accessToken);
  assert.equal(resource.status, 200, 'CallProtectedResource / EnsureHttpStatusCodeIs200');
  return { browser: outcome.browser, request, outcome, code, token, idTokenClaims };
}

/**
 * performGenericAuthorizationEndpointErrorResponseValidation (OIDC Core §3.1.2.6, RFC 6749
 * §4.1.2.1): CheckStateInAuthorizationResponse, ValidateIssIfPresentInAuthorizationResponse,
 * EnsureErrorFromAuthorizationEndpointResponse, RejectAuthCodeInAuthorizationEndpointResponse,
 * CheckForUnexpectedParametersInErrorResponseFromAuthorizationEndpoint,
 * ValidateErrorDescriptionFromAuthorizationEndpointResponseError (and …ContainsCRLFTAB),
 * ValidateErrorUriFromAuthorizationEndpointResponseError. The response is in the query.
 */
export function assertAuthorizationEndpointError(
  leftTo: string | undefined, redirectUri: string, state: string | undefined, issuer: string,
): Record<string, string> {
  assert.ok(leftTo, 'the OP answered by redirect to the client');
  const response = new URL(leftTo);
  assert.equal(`${response.origin}${response.pathname}`, redirectUri, 'to the registered redirect_uri');
  const params = Object.fromEntries(response.searchParams);
  assert.equal(params.state, state, 'CheckStateInAuthorizationResponse');
  if (params.iss !== undefined) assert.equal(params.iss, issuer, 'ValidateIssIfPresentInAuthorizationResponse');
  assert.ok(params.error, 'EnsureErrorFromAuthorizationEndpointResponse');
  assert.equal(params.code, undefined, 'RejectAuthCodeInAuthorizationEndpointResponse');
  const expected = ['error', 'error_description', 'error_uri', 'state', 'session_state', 'iss'];
  assert.deepEqual(Object.keys(params).filter((k) => !expected.includes(k)), [], 'CheckForUnexpectedParametersInErrorResponseFromAuthorizationEndpoint');
  assert.match(params.error, /^[\x20-\x21\x23-\x5B\x5D-\x7E]+$/, 'the error code is NQSCHAR (RFC 6749 §4.1.2.1)');
  if (params.error_description !== undefined) {
    assert.doesNotMatch(params.error_description, /[\r\n\t]/, 'CheckErrorDescriptionFromAuthorizationEndpointResponseErrorContainsCRLFTAB');
    assert.match(params.error_description, /^[\x20-\x21\x23-\x5B\x5D-\x7E]+$/, 'ValidateErrorDescriptionFromAuthorizationEndpointResponseError');
  }
  if (params.error_uri !== undefined) assert.doesNotThrow(() => new URL(params.error_uri!), 'ValidateErrorUriFromAuthorizationEndpointResponseError');
  return params as Record<string, string>;
}

/** CheckErrorFromAuthorizationEndpointIsOneThatRequiredAUserInterface (OIDC Core §3.1.2.6). */
export const userInterfaceErrors = ['interaction_required', 'login_required', 'account_selection_required', 'consent_required'];

/**
 * The token endpoint's error checks of AbstractOIDCCAuthCodeReuse and the refresh token plan:
 * CheckTokenEndpointHttpStatus400, CheckTokenEndpointReturnedJsonContentType (OIDC Core §3.1.3.4),
 * CheckErrorFromTokenEndpointResponseErrorInvalidGrant, ValidateErrorFromTokenEndpointResponseError,
 * …ErrorDescription… (and …ContainsCRLFTAB), …ErrorUri… (RFC 6749 §5.2).
 */
export function assertTokenEndpointInvalidGrant(response: TokenEndpointResponse): void {
  assert.equal(response.status, 400, 'CheckTokenEndpointHttpStatus400');
  assert.match(response.headers.get('content-type') ?? '', /^application\/json/, 'CheckTokenEndpointReturnedJsonContentType');
  assert.equal(response.body.error, 'invalid_grant', 'CheckErrorFromTokenEndpointResponseErrorInvalidGrant');
  const description = response.body.error_description;
  if (description !== undefined) {
    assert.equal(typeof description, 'string');
    assert.doesNotMatch(description as string, /[\r\n\t]/, 'CheckErrorDescriptionFromTokenEndpointResponseErrorContainsCRLFTAB');
    assert.match(description as string, /^[\x20-\x21\x23-\x5B\x5D-\x7E]+$/, 'ValidateErrorDescriptionFromTokenEndpointResponseError');
  }
  if (response.body.error_uri !== undefined) assert.doesNotThrow(() => new URL(response.body.error_uri as string), 'ValidateErrorUriFromTokenEndpointResponseError');
}

/**
 * The placeholder of the modules that expect the OP's own error page, not a redirect
 * (ExpectRedirectUriErrorPage, ExpectResponseTypeMissingErrorPage): an HTML page from the OP, a
 * 400, saying what is wrong, and no redirect at all.
 */
export function assertAuthorizationErrorPage(page: Page & { leftTo?: string }, says: RegExp): void {
  assert.equal(page.leftTo, undefined, `the OP must not redirect (went to ${page.leftTo})`);
  assert.equal(page.status, 400, `an error page, not a ${page.status}`);
  assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
  assert.match(page.body, /This sign-in request cannot continue/);
  assert.match(page.body, says);
}

/**
 * ConvertAuthorizationEndpointRequestToRequestObject + SerializeRequestObjectWithNullAlgorithm:
 * the whole request as the claims of an unsigned JWT (`alg: none`, empty signature).
 */
export function unsignedRequestObject(request: Record<string, string>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'none' })}.${part(request)}.`;
}

/**
 * BuildRequestObjectByValue/ByReferenceRedirectToAuthorizationEndpoint: the `request` or
 * `request_uri` parameter, plus the parameters OIDC Core §6.1 needs outside it (response_type,
 * client_id, scope, redirect_uri) and any whose outside value differs from the object's.
 */
export function requestObjectRedirect(
  config: ServerConfiguration, objectClaims: Record<string, string>, outside: Record<string, string>, parameter: { request: string } | { request_uri: string },
): string {
  const url = assertValidUrl(config.metadata, 'authorization_endpoint');
  const params = new Map<string, string>(Object.entries(parameter));
  for (const [name, value] of Object.entries(outside)) {
    if (['response_type', 'client_id', 'scope', 'redirect_uri'].includes(name) || objectClaims[name] !== value) params.set(name, value);
  }
  for (const name of [...params.keys()].sort()) url.searchParams.append(name, params.get(name)!);
  return url.toString();
}

/**
 * skipTestIfNoneUnsupported: a module sending an unsigned request object skips itself when
 * request_object_signing_alg_values_supported is listed without `none`.
 */
export function unsignedRequestObjectsUnsupported(config: ServerConfiguration): boolean {
  const algs = config.metadata.request_object_signing_alg_values_supported;
  return Array.isArray(algs) && !algs.includes('none');
}
