// The relying party side of the load generator: discovery (OIDC Discovery §4), the code flow
// from a browser with PKCE S256 (RFC 7636), token requests with client_secret_basic, and
// ID token validation (OIDC Core §3.1.3.7) against the published JWKS.
import { createHash, randomBytes } from 'node:crypto';
import { createLocalJWKSet, importJWK, jwtVerify, SignJWT, type JWK, type JWTVerifyGetKey } from 'jose';
import { basicAuthorization, type HttpClient } from './http-client.js';
import { CookieJar } from './cookie-jar.js';
import { fillFirstForm } from './html-form.js';
import { dpopProof, type DpopKey } from './dpop.js';

export interface Discovery {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  userinfo_endpoint: string;
  introspection_endpoint: string;
  jwks_uri: string;
  [key: string]: unknown;
}

export interface BenchClient {
  clientId: string;
  /** Empty for a private_key_jwt client. */
  clientSecret: string;
  /** A private_key_jwt client's RS256 private JWK (with kid): token requests carry a signed assertion instead of Basic. */
  privateKey?: JWK;
  redirectUri: string;
  /** Registered post_logout_redirect_uri (RP-Initiated Logout 1.0 §3). */
  postLogoutRedirectUri: string;
  /** Registered id_token_signed_response_alg (OIDC Registration §2); absent: RS256. */
  idTokenAlg?: string;
}

export interface TokenResponse {
  access_token: string;
  token_type: string;
  id_token?: string;
  refresh_token?: string;
  expires_in?: number;
  scope?: string;
}

export interface RelyingParty {
  http: HttpClient;
  discovery: Discovery;
  jwks: JWTVerifyGetKey;
  user: { username: string; password: string };
}

export async function discover(http: HttpClient, issuer: string): Promise<Discovery> {
  const res = await http.request(`${issuer}/.well-known/openid-configuration`);
  if (res.status !== 200) throw new Error(`discovery answered ${res.status}`);
  const discovery = JSON.parse(res.body) as Discovery;
  if (discovery.issuer !== issuer) throw new Error(`discovery issuer ${discovery.issuer} is not ${issuer}`);
  return discovery;
}

export async function createRelyingParty(http: HttpClient, issuer: string, user: RelyingParty['user']): Promise<RelyingParty> {
  const discovery = await discover(http, issuer);
  const res = await http.request(discovery.jwks_uri);
  if (res.status !== 200) throw new Error(`jwks answered ${res.status}`);
  return { http, discovery, jwks: createLocalJWKSet(JSON.parse(res.body)), user };
}

const random = () => randomBytes(32).toString('base64url');

export interface AuthorizationResult {
  code: string;
  codeVerifier: string;
  nonce: string;
}

export interface AuthorizeOptions {
  scope?: string;
  prompt?: string;
  /** When false, a login or consent page is an error (the browser session should suffice). */
  interactive?: boolean;
  /**
   * Push the request to the PAR endpoint first (RFC 9126 §2, client authenticated as at the token
   * endpoint) and send the browser to /authorize with only client_id and request_uri (§4).
   */
  par?: boolean;
  /** Bind the code to this DPoP key with dpop_jkt (RFC 9449 §10). */
  dpopJkt?: string;
}

/**
 * Runs an authorization request in `browser` to the point where the provider redirects back
 * with a code: follows redirects and fills login and consent forms on the way.
 */
export async function authorizeInBrowser(
  rp: RelyingParty,
  browser: CookieJar,
  client: BenchClient,
  { scope = 'openid profile email', prompt, interactive = true, par = false, dpopJkt }: AuthorizeOptions = {},
): Promise<AuthorizationResult> {
  const codeVerifier = random();
  const state = random();
  const nonce = random();
  const url = new URL(rp.discovery.authorization_endpoint);
  const request = new URLSearchParams({
    response_type: 'code',
    client_id: client.clientId,
    redirect_uri: client.redirectUri,
    scope,
    state,
    nonce,
    code_challenge: createHash('sha256').update(codeVerifier).digest('base64url'),
    code_challenge_method: 'S256',
    ...(prompt ? { prompt } : {}),
    ...(dpopJkt ? { dpop_jkt: dpopJkt } : {}),
  });
  url.search = par
    ? new URLSearchParams({ client_id: client.clientId, request_uri: await pushAuthorizationRequest(rp, client, request) }).toString()
    : request.toString();

  let next: { url: URL; method: string; body?: string } = { url, method: 'GET' };
  for (let step = 0; step < 12; step++) {
    const res = await browserRequest(rp, browser, next);

    if (res.status >= 300 && res.status < 400 && res.headers.location) {
      const location = new URL(res.headers.location, next.url);
      if (location.href.startsWith(client.redirectUri)) return readCallback(rp, location, state, { codeVerifier, nonce });
      // A 307/308 repeats the method and body; 302/303 become GET as browsers do.
      next = res.status === 307 || res.status === 308 ? { ...next, url: location } : { url: location, method: 'GET' };
      continue;
    }
    if (res.status === 200 && String(res.headers['content-type']).includes('text/html')) {
      const form = interactive ? fillFirstForm(res.body, next.url, rp.user) : undefined;
      if (!interactive) throw new Error(`unexpected page at ${next.url.pathname} with a live session`);
      if (!form) throw new Error(`page without a form at ${next.url.pathname}`);
      next = form.method === 'POST'
        ? { url: form.action, method: 'POST', body: form.body.toString() }
        : { url: new URL(`${form.action.origin}${form.action.pathname}?${form.body}`), method: 'GET' };
      continue;
    }
    throw new Error(`authorization stopped at ${next.method} ${next.url.pathname} with ${res.status}`);
  }
  throw new Error('authorization did not come back after 12 steps');
}

/** RFC 9126 §2.1-2.2: POST the request to the PAR endpoint, authenticated; 201 with request_uri and expires_in. */
async function pushAuthorizationRequest(rp: RelyingParty, client: BenchClient, request: URLSearchParams): Promise<string> {
  const endpoint = rp.discovery.pushed_authorization_request_endpoint;
  if (typeof endpoint !== 'string') throw new Error('discovery without pushed_authorization_request_endpoint');
  const credentials = client.privateKey ? await clientAssertion(rp, client, client.privateKey) : {};
  const res = await rp.http.request(endpoint, {
    method: 'POST',
    headers: {
      ...(client.privateKey ? {} : { authorization: basicAuthorization(client.clientId, client.clientSecret) }),
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
    },
    body: new URLSearchParams({ ...Object.fromEntries(request), ...credentials }).toString(),
  });
  if (res.status !== 201) throw new Error(`PAR endpoint answered ${res.status}: ${res.body.slice(0, 200)}`);
  const pushed = JSON.parse(res.body) as { request_uri?: unknown; expires_in?: unknown };
  if (typeof pushed.request_uri !== 'string' || typeof pushed.expires_in !== 'number') throw new Error('PAR answer without request_uri and expires_in');
  return pushed.request_uri;
}

/** One request as a browser makes it: its cookies sent, the answer's cookies kept. */
async function browserRequest(rp: RelyingParty, browser: CookieJar, next: { url: URL; method: string; body?: string }) {
  const headers: Record<string, string> = { accept: 'text/html' };
  const cookie = browser.header(next.url);
  if (cookie) headers.cookie = cookie;
  if (next.body !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
  const res = await rp.http.request(next.url, { method: next.method, headers, ...(next.body !== undefined ? { body: next.body } : {}) });
  browser.store(res.headers['set-cookie'], next.url);
  return res;
}

function readCallback(rp: RelyingParty, location: URL, state: string, pending: Omit<AuthorizationResult, 'code'>): AuthorizationResult {
  const params = location.searchParams;
  const error = params.get('error');
  if (error) throw new Error(`authorization error ${error}: ${params.get('error_description') ?? ''}`);
  if (params.get('state') !== state) throw new Error('state mismatch in callback');
  // RFC 9207 §2.4: when iss is present it must be the issuer we talked to.
  const iss = params.get('iss');
  if (iss !== null && iss !== rp.discovery.issuer) throw new Error(`callback iss ${iss}`);
  const code = params.get('code');
  if (!code) throw new Error('callback without code');
  return { code, ...pending };
}

const importedKeys = new WeakMap<JWK, ReturnType<typeof importJWK>>();

/** RFC 7523 §2.2 and §3: a fresh RS256 assertion for each request (aud the issuer, 60 s, random jti). */
async function clientAssertion(rp: RelyingParty, client: BenchClient, privateKey: JWK): Promise<Record<string, string>> {
  let key = importedKeys.get(privateKey);
  if (!key) importedKeys.set(privateKey, key = importJWK(privateKey, 'RS256'));
  const assertion = await new SignJWT({})
    .setProtectedHeader({ alg: 'RS256', ...(privateKey.kid ? { kid: privateKey.kid } : {}) })
    .setIssuer(client.clientId).setSubject(client.clientId).setAudience(rp.discovery.issuer)
    .setJti(random()).setIssuedAt().setExpirationTime('60s')
    .sign(await key);
  return { client_id: client.clientId, client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: assertion };
}

/**
 * A token request with client_secret_basic or private_key_jwt. With `dpop`, it carries a fresh
 * proof for POST <token_endpoint> (RFC 9449 §5) and the answer must be token_type DPoP.
 */
export async function tokenRequest(rp: RelyingParty, client: BenchClient, params: Record<string, string>, dpop?: DpopKey): Promise<TokenResponse> {
  const credentials = client.privateKey ? await clientAssertion(rp, client, client.privateKey) : {};
  const res = await rp.http.request(rp.discovery.token_endpoint, {
    method: 'POST',
    headers: {
      ...(client.privateKey ? {} : { authorization: basicAuthorization(client.clientId, client.clientSecret) }),
      ...(dpop ? { dpop: await dpopProof(dpop, 'POST', rp.discovery.token_endpoint) } : {}),
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
    },
    body: new URLSearchParams({ ...params, ...credentials }).toString(),
  });
  if (res.status !== 200) throw new Error(`token endpoint answered ${res.status} for ${params.grant_type}: ${res.body.slice(0, 200)}`);
  const tokens = JSON.parse(res.body) as TokenResponse;
  const expected = dpop ? 'dpop' : 'bearer';
  if (!tokens.access_token || tokens.token_type?.toLowerCase() !== expected) throw new Error(`token response without a ${expected} access token (token_type ${tokens.token_type})`);
  return tokens;
}

/** Exchanges a code (RFC 6749 §4.1.3) and validates the ID token it brings. */
export async function exchangeCode(rp: RelyingParty, client: BenchClient, result: AuthorizationResult, dpop?: DpopKey): Promise<TokenResponse> {
  const tokens = await tokenRequest(rp, client, {
    grant_type: 'authorization_code',
    code: result.code,
    redirect_uri: client.redirectUri,
    code_verifier: result.codeVerifier,
  }, dpop);
  if (!tokens.id_token) throw new Error('code exchange without id_token');
  await verifyIdToken(rp, client, tokens.id_token, result.nonce);
  return tokens;
}

/** Signature (the client's registered algorithm only, RS256 by default), iss, aud, exp, sub and, for a code flow, the nonce. */
export async function verifyIdToken(rp: RelyingParty, client: BenchClient, idToken: string, nonce?: string): Promise<void> {
  const { payload } = await jwtVerify(idToken, rp.jwks, {
    issuer: rp.discovery.issuer,
    audience: client.clientId,
    algorithms: [client.idTokenAlg ?? 'RS256'],
    requiredClaims: ['sub', 'iat', 'exp'],
  });
  if (nonce !== undefined && payload.nonce !== nonce) throw new Error('id_token nonce mismatch');
}

/** A fresh browser that has logged in once, with tokens from that login. */
export async function loginFresh(
  rp: RelyingParty,
  client: BenchClient,
  options: AuthorizeOptions = {},
  dpop?: DpopKey,
): Promise<{ browser: CookieJar; tokens: TokenResponse }> {
  const browser = new CookieJar();
  const tokens = await exchangeCode(rp, client, await authorizeInBrowser(rp, browser, client, options), dpop);
  return { browser, tokens };
}

/**
 * RP-Initiated Logout 1.0 §2-3 from `browser`: GET the end_session_endpoint with the session's
 * ID token as id_token_hint, the registered post_logout_redirect_uri and a state; a confirmation
 * page, if the provider shows one, is answered "yes" as a user would. Resolves once the provider
 * redirects to the post_logout_redirect_uri with the same state.
 */
export async function endSessionInBrowser(rp: RelyingParty, browser: CookieJar, client: BenchClient, idToken: string): Promise<void> {
  const endpoint = rp.discovery.end_session_endpoint;
  if (typeof endpoint !== 'string') throw new Error('discovery without end_session_endpoint');
  const state = random();
  const url = new URL(endpoint);
  url.search = new URLSearchParams({ id_token_hint: idToken, post_logout_redirect_uri: client.postLogoutRedirectUri, state }).toString();
  let next: { url: URL; method: string; body?: string } = { url, method: 'GET' };
  for (let step = 0; step < 4; step++) {
    const res = await browserRequest(rp, browser, next);
    if (res.status >= 300 && res.status < 400 && res.headers.location) {
      const location = new URL(res.headers.location, next.url);
      if (`${location.origin}${location.pathname}` === client.postLogoutRedirectUri) {
        if (location.searchParams.get('state') !== state) throw new Error('state mismatch after logout');
        return;
      }
      next = { url: location, method: 'GET' };
      continue;
    }
    if (res.status === 200 && String(res.headers['content-type']).includes('text/html')) {
      const form = fillFirstForm(res.body, next.url, rp.user);
      if (!form || form.method !== 'POST') throw new Error(`logout page at ${next.url.pathname} without a form to post`);
      next = { url: form.action, method: 'POST', body: form.body.toString() };
      continue;
    }
    throw new Error(`logout stopped at ${next.method} ${next.url.pathname} with ${res.status}`);
  }
  throw new Error('logout did not come back after 4 steps');
}
