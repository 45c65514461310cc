// What the OpenID Foundation conformance suite (github.com/openid-certification/conformance-suite)
// does as a relying party in its logout OP test plans, redone over HTTP against a real Gatehouse:
// the OIDC Basic sign-in of AbstractOIDCCServerTest (code flow, client_secret_basic, a 128
// character state, a nonce, no PKCE), the end-session request of AbstractOIDCCRpInitiatedLogout,
// and the checks of its conditions. Each helper names the conditions it stands for, so a test
// reads like the module it mirrors. Nothing here is copied from the suite; it is read and redone.
import assert from 'node:assert/strict';
import { randomBytes, randomInt } from 'node:crypto';
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
  const response = new URL(page.leftTo);
  assert.equal(`${response.origin}${response.pathname}`, client.redirectUri);
  const params = Object.fromEntries(response.searchParams);
  assert.equal(params.state, state, 'CheckStateInAuthorizationResponse');
  if (params.iss !== undefined) assert.equal(params.iss, server.issuer, 'ValidateIssIfPresentInAuthorizationResponse');
  assert.ok(params.error, 'EnsureErrorFromAuthorizationEndpointResponse');
  assert.equal(params.code, undefined, 'RejectAuthCodeInAuthorizationEndpointResponse');
  const expected = ['error', 'error_description', 'error_uri', 'state', 'session_state', 'iss'];
  assert.deepEqual(Object.keys(params).filter((k) => !expected.includes(k)), [], 'CheckForUnexpectedParametersInErrorResponseFromAuthorizationEndpoint');
  if (params.error_description) {
    assert.match(params.error_description, /^[\x09\x0A\x0D\x20-\x21\x23-\x5B\x5D-\x7E]+$/, 'ValidateErrorDescriptionFromAuthorizationEndpointResponseError');
  }
  assert.ok(['interaction_required', 'login_required', 'account_selection_required', 'consent_required'].includes(params.error),
    `CheckErrorFromAuthorizationEndpointIsOneThatRequiredAUserInterface: got ${params.error}`);
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
