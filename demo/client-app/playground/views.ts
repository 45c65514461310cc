// The playground page: the seed's seven steps as a sequence diagram of the four parties, each
// step filled with the values of the user's own sign-in, then the "why" experiments. Server-
// rendered, no script; every value through escapeHtml and, for exchanges, through ./redact.ts.
import { escapeHtml, layout } from '../views.js';
import type { DecodedLogoutToken } from '../backchannel-logout.js';
import type { Exchange } from './recorder.js';
import { maskToken, redactExchange } from './redact.js';
import type { ExperimentKind, ExperimentRecord, SignInRecord } from './state.js';
import { pkceChallengeOf } from './inspect.js';
import { whySection } from './why-views.js';

export type Lane = 'browser' | 'client' | 'gatehouse' | 'api';
const lanes: [Lane, string][] = [['browser', 'Browser'], ['client', 'Client-Server'], ['gatehouse', 'Gatehouse'], ['api', 'API']];
const laneName = (lane: Lane) => lanes.find(([id]) => id === lane)![1];

const code = (value: string) => `<code>${escapeHtml(value)}</code>`;
const rows = (pairs: [string, string][]) => `<table>\n${pairs.map(([k, v]) => `<tr><th scope="row">${k}</th><td>${v}</td></tr>`).join('\n')}\n</table>`;
const iso = (seconds: number) => new Date(seconds * 1000).toISOString();

/** One recorded request and its answer, redacted. */
export function exchangeView(exchange: Exchange, caption: string): string {
  const shown = redactExchange(exchange);
  const url = new URL(shown.url);
  return `<figure class="exchange">
<figcaption>${escapeHtml(caption)}</figcaption>
<p class="request"><span class="method">${escapeHtml(shown.method)}</span> ${code(`${url.origin}${url.pathname}${url.search}`)}</p>
${shown.requestHeaders.length ? rows(shown.requestHeaders.map(([n, v]) => [code(n), escapeHtml(v)])) : ''}
${shown.requestParams ? `<p class="label">Form body</p>${rows(shown.requestParams.map(([n, v]) => [code(n), code(v)]))}` : ''}
<p class="response">Answer: <span class="status ${shown.status && shown.status < 300 ? 'ok' : 'error'}">${escapeHtml(String(shown.status ?? shown.failure ?? 'none'))}</span></p>
${shown.responseHeaders.length ? rows(shown.responseHeaders.map(([n, v]) => [code(n), escapeHtml(v)])) : ''}
${shown.responseBody ? `<pre>${escapeHtml(shown.responseBody)}</pre>` : ''}
</figure>`;
}

function step(number: number, from: Lane, to: Lane, title: string, body: string, via?: Lane): string {
  const path = via ? `${laneName(from)} → ${laneName(via)} → ${laneName(to)}` : `${laneName(from)} → ${laneName(to)}`;
  const index = (lane: Lane) => lanes.findIndex(([id]) => id === lane) + 1;
  const [start, end] = [index(from), index(to)].sort((a, b) => a - b);
  return `<li class="step" id="step-${number}">
<div class="arrow" aria-hidden="true"><span class="line from-${start} to-${end}${index(from) > index(to) ? ' leftward' : ''}"></span></div>
<h3><span class="number">Step ${number}</span> ${escapeHtml(title)} <span class="path">${escapeHtml(path)}</span></h3>
${body}
</li>`;
}

const parameterMeaning: Record<string, string> = {
  response_type: '<code>code</code>: the Authorization Code flow; the tokens will come on the back channel, not through the browser.',
  client_id: 'Who is asking: this app, as registered at Gatehouse.',
  redirect_uri: 'Where Gatehouse sends the browser back. It must match a registered URI exactly, or Gatehouse shows an error page and redirects nowhere.',
  scope: 'What this app asks for: <code>openid</code> (an ID token), the profile and e-mail claims, <code>offline_access</code> (a refresh token).',
  state: 'A random value kept in this app\'s session; it must come back unchanged (RFC 6749 §10.12), so nobody can plant another login\'s code in your session.',
  nonce: 'A random value Gatehouse copies into the ID token; the Client-Server checks it, so an ID token cannot be replayed into another login (OIDC Core §3.1.2.1).',
  code_challenge: 'PKCE (RFC 7636): the SHA-256 of a secret <code>code_verifier</code> this app keeps. Only the holder of the verifier can redeem the code.',
  code_challenge_method: '<code>S256</code>: the challenge is base64url(SHA-256(verifier)).',
};

function stepOne(signIn: SignInRecord): string {
  const url = new URL(signIn.authorizationUrl);
  const params: [string, string][] = [...url.searchParams].map(([name, value]) => [code(name), `${code(value)}<br><span class="note">${parameterMeaning[name] ?? ''}</span>`]);
  const pkce = signIn.codeSpent
    ? `<p>The <code>code_verifier</code> stayed on the Client-Server until step 5; the code is spent now, so here it is: ${code(signIn.codeVerifier)}.
base64url(SHA-256(verifier)) = ${code(pkceChallengeOf(signIn.codeVerifier))} ${pkceChallengeOf(signIn.codeVerifier) === signIn.codeChallenge ? '<span class="status ok">= the code_challenge sent</span>' : '<span class="status error">differs</span>'}</p>`
    : '<p>The <code>code_verifier</code> is shown here once the code has been redeemed.</p>';
  return `<p>Your browser was answered <code>303</code> and sent to ${code(`${url.origin}${url.pathname}`)} with:</p>${rows(params)}${pkce}`;
}

function stepTwo(signIn: SignInRecord): string {
  const authTime = signIn.idToken?.payload.auth_time;
  const fresh = typeof authTime === 'number' && authTime >= signIn.startedAt;
  return `<p>Gatehouse's own pages, on Gatehouse's origin: this app never sees your password. ${typeof authTime === 'number'
    ? fresh
      ? `You typed your password at ${escapeHtml(iso(authTime))} (the ID token's <code>auth_time</code>), during this sign-in: Gatehouse showed its login page, then its consent page unless you had already allowed this app.`
      : `Gatehouse already had a session from ${escapeHtml(iso(authTime))} (<code>auth_time</code>), so it did not ask for your password again, and it remembered your consent.`
    : 'What it asked is known once the ID token arrives (step 6).'}</p>
<p class="note">What those pages look like: <code>docs/demo.md</code> in the repository shows them (screenshots taken by the browser test).</p>`;
}

function stepThree(signIn: SignInRecord, issuer: string): string {
  if (!signIn.callback) return '<p>Not yet: the browser has not come back.</p>';
  const url = new URL(signIn.callback.url);
  const got = (name: string) => url.searchParams.get(name);
  const check = (ok: boolean, text: string) => `<li><span class="status ${ok ? 'ok' : 'error'}">${ok ? 'passed' : 'failed'}</span> ${text}</li>`;
  const params: [string, string][] = [...url.searchParams].map(([name, value]) => [code(name),
    name === 'code' ? (signIn.codeSpent ? `${code(value)} <span class="note">(spent in step 5; shown only now)</span>` : `${escapeHtml(maskToken(value))} <span class="note">(live: shown once spent)</span>`) : code(value)]);
  return `<p>Gatehouse answered <code>303</code> to the registered redirect URI ${code(`${url.origin}${url.pathname}`)} with:</p>${rows(params)}
<p>The checks the Client-Server made before sending the code anywhere:</p>
<ul class="checks">
${check(got('state') === signIn.state, `<code>state</code> is the one this session sent in step 1 (RFC 6749 §10.12); the pending login was then removed, so the callback cannot be used twice.`)}
${check(got('iss') === issuer, `<code>iss</code> is ${code(issuer)}, the issuer this app discovered (RFC 9207: no mix-up with another server).`)}
${check(got('error') === null, 'no <code>error</code> parameter (RFC 6749 §4.1.2.1).')}
</ul>`;
}

function stepFour(signIn: SignInRecord): string {
  if (!signIn.callback) return '<p>Not yet.</p>';
  return `<p>The browser requested ${code('GET /callback')} at ${escapeHtml(iso(signIn.callback.receivedAt))}. The code is all the browser ever carried: worth nothing without the client secret and the PKCE verifier, both on the Client-Server, and usable once, for 60 seconds. The Client-Server then took the browser off the callback URL at once (<code>303</code>), so the code is not left in history or reloaded.</p>`;
}

const isTokenRequest = (grant: string) => (e: Exchange) => e.to === 'Gatehouse' && (e.requestBody ?? '').includes(`grant_type=${grant}`);

function stepFive(signIn: SignInRecord): string {
  const request = signIn.exchanges.find(isTokenRequest('authorization_code'));
  if (!request) return signIn.failure ? `<p class="alert error">Stopped before the token request: ${code(signIn.failure.error)} ${escapeHtml(signIn.failure.description ?? '')}</p>` : '<p>Not yet.</p>';
  const shown = redactExchange(request);
  return `<p>On the back channel, server to server: the browser is not involved. The client secret authenticates this app (<code>client_secret_basic</code>, RFC 6749 §2.3.1); it is masked here and never leaves the server.</p>
<p class="request"><span class="method">${escapeHtml(shown.method)}</span> ${code(shown.url)}</p>
${rows(shown.requestHeaders.map(([n, v]) => [code(n), escapeHtml(v)]))}
<p class="label">Form body</p>
${rows((shown.requestParams ?? []).map(([n, v]) => [code(n), code(v)]))}`;
}

function stepSix(signIn: SignInRecord): string {
  const request = signIn.exchanges.find(isTokenRequest('authorization_code'));
  if (!request) return '<p>Not yet.</p>';
  const shown = redactExchange(request);
  const check = signIn.idToken;
  const jwks = signIn.exchanges.find((e) => check && e.url === check.jwksUri);
  const idTokenPart = check ? `
<h4>The ID token, decoded</h4>
<p class="note">A JWT: header.payload.signature, each base64url. The header and payload are shown decoded; the signature (${check.signatureLength} characters) is not shown, since with it the token would be usable.</p>
<div class="two">
<div><p class="label">Header</p><pre>${escapeHtml(JSON.stringify(check.header, null, 2))}</pre></div>
<div><p class="label">Payload</p><pre>${escapeHtml(JSON.stringify(check.payload, null, 2))}</pre></div>
</div>
<ul class="checks">
<li><span class="status ${check.signatureValid ? 'ok' : 'error'}">${check.signatureValid ? 'passed' : 'failed'}</span> signature checked against the key <code class="kid">${escapeHtml(String(check.kid))}</code> in Gatehouse's JWKS (${code(check.jwksUri)})${check.signatureProblem ? `: ${escapeHtml(check.signatureProblem)}` : ''}</li>
${check.atHash ? `<li><span class="status ${check.atHash.matches ? 'ok' : 'error'}">${check.atHash.matches ? 'passed' : 'failed'}</span> <code>at_hash</code> ${code(String(check.atHash.inToken))} is the left half of SHA-256 of the access token, base64url: ${code(check.atHash.expected)} (OIDC Core §3.1.3.6). The ID token and the access token belong together.</li>` : '<li>no <code>at_hash</code> in this ID token</li>'}
<li><span class="status ok">passed</span> <code>iss</code>, <code>aud</code> (this client), <code>exp</code>, <code>iat</code> and <code>nonce</code> ${code(String(check.payload.nonce ?? ''))} (the one sent in step 1${check.payload.nonce === signIn.nonce ? '' : ': MISMATCH'}), checked by openid-client</li>
</ul>
${check.jwk ? `<p class="label">The key from the JWKS (public)</p><pre>${escapeHtml(JSON.stringify(check.jwk, null, 2))}</pre>` : ''}
${jwks ? exchangeView(jwks, 'The JWKS as the Client-Server fetched it') : ''}` : '';
  return `<p>Gatehouse checked the secret, the code (unused, unexpired, issued to this client for this redirect URI) and the PKCE verifier, then answered (tokens masked: a prefix and the length):</p>
<p class="response">Answer: <span class="status ${shown.status && shown.status < 300 ? 'ok' : 'error'}">${escapeHtml(String(shown.status))}</span></p>
${rows(shown.responseHeaders.map(([n, v]) => [code(n), escapeHtml(v)]))}
<pre>${escapeHtml(shown.responseBody)}</pre>${idTokenPart}`;
}

/** One request the API made to Gatehouse, as the API reported it (it masks before answering). */
interface ApiCheckRequest {
  method: string;
  url: string;
  request_headers?: Record<string, string>;
  request_form?: Record<string, string>;
  status: number;
  response_body: string;
}

function apiCheckView(check: ApiCheckRequest): string {
  let body = check.response_body;
  try { body = JSON.stringify(JSON.parse(body), null, 2); } catch { /* not JSON: as sent */ }
  const url = new URL(check.url);
  return `<figure class="exchange">
<figcaption>The API's own request to Gatehouse, as sent and answered (masked by the API)</figcaption>
<p class="request"><span class="method">${escapeHtml(check.method)}</span> ${code(`${url.origin}${url.pathname}`)}</p>
${check.request_headers ? rows(Object.entries(check.request_headers).map(([n, v]) => [code(n), escapeHtml(v)])) : ''}
${check.request_form ? `<p class="label">Form body</p>${rows(Object.entries(check.request_form).map(([n, v]) => [code(n), code(v)]))}` : ''}
<p class="response">Answer: <span class="status ${check.status < 300 ? 'ok' : 'error'}">${escapeHtml(String(check.status))}</span></p>
<pre>${escapeHtml(body)}</pre>
</figure>`;
}

function stepSeven(signIn: SignInRecord): string {
  if (!signIn.api) return '<p>Shown while you are signed in with this sign-in\'s tokens.</p>';
  let checkedBy = '';
  let checks: ApiCheckRequest[] = [];
  try {
    const body = JSON.parse(signIn.api.responseBody) as { token_checked_by?: string; token_check_requests?: ApiCheckRequest[] };
    checkedBy = String(body.token_checked_by ?? '');
    checks = Array.isArray(body.token_check_requests) ? body.token_check_requests : [];
  } catch { /* not JSON */ }
  // The API reports its requests in its own answer; drawn here, the copy in the API's JSON body is left out.
  const apiCall: Exchange = { ...signIn.api, responseBody: withoutCheckRequests(signIn.api.responseBody) };
  const introspected = checks.filter((c) => (c.request_form?.token ?? '') !== '');
  const checkPart = introspected.length > 0
    ? `<p>Before answering, the API asked Gatehouse's introspection endpoint about the token, authenticating as the registered resource the token is for, with its identifier and introspection secret (RFC 7662 §2.1, RFC 8707). Gatehouse answered <code>active: true</code> with the token's subject, client and scopes; a revoked or expired token would get <code>active: false</code> and the API would refuse with <code>401 invalid_token</code>.</p>
${introspected.map(apiCheckView).join('\n')}`
    : `<p>${/JWT/.test(checkedBy) ? 'The API checked the JWT\'s signature against Gatehouse\'s JWKS, which it had already fetched: no request to Gatehouse this time.' : 'The API made no request to Gatehouse for this call (its answer came from its cache).'}</p>`;
  return `<p>The Client-Server calls the API with the access token in the <code>Authorization</code> header (RFC 6750 §2.1). The API checks it with Gatehouse before answering${checkedBy ? `: ${escapeHtml(checkedBy)}` : ''}.</p>
${exchangeView(apiCall, 'The API call, as sent and answered')}
${checkPart}`;
}

function withoutCheckRequests(body: string): string {
  try {
    const parsed = JSON.parse(body) as Record<string, unknown>;
    delete parsed.token_check_requests;
    return JSON.stringify(parsed);
  } catch { return body; }
}

export interface PlaygroundPageInput {
  signedInAs?: string;
  signedIn: boolean;
  csrfToken?: string;
  signIn?: SignInRecord;
  experiments: Map<ExperimentKind, ExperimentRecord>;
  issuer: string;
  clientId: string;
  /** Gatehouse advertises response_type "id_token token" (OIDC Discovery 1.0 §3). */
  implicitFlow: boolean;
  /** …and first-run registered the demo's implicit client: /implicit can run it. */
  implicitDemo: boolean;
  /** After a playground sign-out: the logout token Gatehouse POSTed for that session's sid, decoded, once it arrived. */
  logoutToken?: DecodedLogoutToken;
  /** When this page was rendered (epoch ms): makes each Refresh link a new URL. */
  renderedAt: number;
}

export function playgroundPage(input: PlaygroundPageInput): string {
  const { signIn, issuer } = input;
  const lanesHeader = `<ol class="lanes" aria-label="The parties">${lanes.map(([id, name]) => `<li class="lane lane-${id}">${name}</li>`).join('')}</ol>`;
  const start = `<section class="panel" aria-labelledby="start">
<h2 id="start">${signIn?.codeSpent ? 'Your last sign-in' : 'Sign in to fill this page'}</h2>
<p class="note">${signIn?.codeSpent ? 'Every value below is from that sign-in. Sign in again to watch another one.' : 'The steps below fill in with the real requests and answers of your own sign-in.'}</p>
<div class="actions">${input.signedIn ? '' : '<a class="button primary" href="/login?from=playground">Log in with Gatehouse</a>'}</div>
</section>`;
  const steps = signIn ? [
    step(1, 'client', 'gatehouse', 'The redirect to /authorize', stepOne(signIn), 'browser'),
    step(2, 'gatehouse', 'browser', 'Gatehouse signs you in and asks for consent', stepTwo(signIn)),
    step(3, 'gatehouse', 'browser', 'The redirect back with code, state and iss', stepThree(signIn, issuer)),
    step(4, 'browser', 'client', 'The code arrives at the Client-Server', stepFour(signIn)),
    step(5, 'client', 'gatehouse', 'The token request', stepFive(signIn)),
    step(6, 'gatehouse', 'client', 'The token response and the ID token', stepSix(signIn)),
    step(7, 'client', 'api', 'The API call with the access token', stepSeven(signIn)),
  ] : [];
  return layout('Playground', `
<h1>Playground: your sign-in, step by step</h1>
<p class="lead">The seed's seven steps of the Authorization Code flow between your browser, this app (the Client-Server), Gatehouse and the API, filled live with the real exchanges of your own sign-in. Tokens are never shown whole (a prefix and the length), a code only once it is spent, the client secret never.</p>
${start}
${signIn ? `<section class="panel diagram" aria-labelledby="sequence">
<h2 id="sequence">The sequence</h2>
${lanesHeader}
<ol class="sequence">
${steps.join('\n')}
</ol>
</section>` : ''}
${whySection(input)}`, input.signedInAs, ['/assets/playground.css']);
}

/**
 * The tamper-state experiment's middle page: the callback Gatehouse sent, handed back to the
 * browser as a form (GET /callback) whose state the user may change, as an attacker's link would.
 * The code travels as it did in the callback URL, through the browser; it is not shown.
 */
export function tamperPage(callbackUrl: URL, forged: string, original: string): string {
  const hidden = [...callbackUrl.searchParams].filter(([name]) => name !== 'state')
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`).join('');
  return layout('Tamper with state', `
<h1>Tamper with state</h1>
<p class="lead">Gatehouse has just sent your browser back to this app with a code and the <code>state</code> this app sent in step 1. Before your browser delivers it, play the attacker: the form below is that callback, with <code>state</code> already altered. Send it and see the Client-Server's check.</p>
<form class="panel" method="get" action="/callback">
${hidden}
<p><label for="state">state, as your browser will send it</label>
<input id="state" name="state" type="text" value="${escapeHtml(forged)}" autocomplete="off" spellcheck="false" aria-describedby="state-original"></p>
<p class="note" id="state-original">The state this app sent in step 1 and keeps in your session: ${code(original)}. Put it back and the sign-in finishes normally.</p>
<div class="actions"><button class="button primary" type="submit">Send the callback</button></div>
</form>`, undefined, ['/assets/playground.css']);
}
