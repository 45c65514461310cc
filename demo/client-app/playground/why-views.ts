// The "why" half of the playground: one button per rule, each performing the real request; the
// result shows Gatehouse's (or openid-client's) real answer and the recorded exchanges.
import type { DecodedLogoutToken } from '../backchannel-logout.js';
import { escapeHtml } from '../views.js';
import { unregisteredRedirectUri } from './constants.js';
import type { ExperimentKind, ExperimentRecord } from './state.js';
import { exchangeView, type PlaygroundPageInput } from './views.js';

interface Rule {
  kind: ExperimentKind | 'unregistered-redirect';
  title: string;
  why: string;
  button: string;
  /** POST needs the session's CSRF token; GET is a plain link. */
  method: 'post' | 'get';
  needs: 'session' | 'user' | 'nothing';
  expected: string;
}

const rules: Rule[] = [
  {
    kind: 'replay-code', title: 'Replay the code', button: 'Send the spent code again', method: 'post', needs: 'session',
    why: 'A code is good for one exchange (RFC 6749 §4.1.2). If it comes twice, someone else may hold it: Gatehouse refuses, and revokes the tokens it issued the first time.',
    expected: 'invalid_grant, and the tokens of that sign-in are revoked (this ends your session here).',
  },
  {
    kind: 'swap-verifier', title: 'Swap the PKCE verifier', button: 'Sign in again, redeem with a wrong verifier', method: 'post', needs: 'session',
    why: 'PKCE (RFC 7636 §4.6) ties the code to the one who started the login: a code stolen from the browser is useless without the verifier, which never left the Client-Server.',
    expected: 'a fresh authorization request, then the token request with another code_verifier: invalid_grant.',
  },
  {
    kind: 'tamper-state', title: 'Tamper with state', button: 'Sign in again, come back with a changed state', method: 'post', needs: 'session',
    why: 'state binds the answer to the login this browser started (RFC 6749 §10.12): without it an attacker could make your browser finish their login (login CSRF).',
    expected: 'a fresh authorization request; Gatehouse\'s callback is handed back to your browser as a form with state altered, as an attacker\'s link would carry it; you send it, and the Client-Server refuses before any token request.',
  },
  {
    kind: 'reuse-refresh', title: 'Use a rotated refresh token again', button: 'Refresh, then replay the old refresh token', method: 'post', needs: 'user',
    why: 'Refresh tokens rotate: each use yields a new one. A second use of an old one means two parties hold it, so Gatehouse revokes the whole family (RFC 9700 §4.14.2).',
    expected: 'the rotation succeeds, the replay gets invalid_grant, and the successor is revoked too (this ends your session here).',
  },
  {
    kind: 'unregistered-redirect', title: 'Try an unregistered redirect URI', button: `Ask Gatehouse to send the code to ${unregisteredRedirectUri}`, method: 'get', needs: 'nothing',
    why: 'An authorization server that redirected anywhere would hand codes to anyone (RFC 6749 §3.1.2.4, RFC 9700 §4.1). Until the redirect URI is verified, Gatehouse shows errors as its own page.',
    expected: 'Gatehouse\'s error page; no redirect.',
  },
  {
    kind: 'sign-out', title: 'Sign out: RP-initiated logout, the back-channel logout token decoded', button: 'Sign out here and at Gatehouse', method: 'post', needs: 'user',
    why: 'Logging out of the app alone would leave the Gatehouse session, and the next login would not ask for a password. RP-Initiated Logout 1.0 ends both.',
    expected: 'the refresh and access tokens revoked (RFC 7009), then Gatehouse\'s end_session_endpoint, which asks you to confirm and sends you back; then Gatehouse POSTs a signed logout token for this session\'s sid to this app\'s back-channel endpoint, shown decoded.',
  },
];

/**
 * The Refresh link of a pending logout token: a URL that differs from the page's own in more than
 * its fragment, so following it loads the page again (a link to `/playground#why-sign-out` from
 * that very URL is a same-document fragment navigation, HTML §7.4.2.2, and shows nothing new).
 */
export function refreshHref(renderedAt: number): string {
  return `/playground?refreshed=${renderedAt}#why-sign-out`;
}

function logoutTokenView(record: ExperimentRecord, token: DecodedLogoutToken | undefined, renderedAt: number): string {
  if (!record.sid) return '<p class="note">The ID token of this sign-in had no <code>sid</code>, so no logout token can be matched to it.</p>';
  if (!token) return `<div id="logout-token-pending"><p class="note">The back-channel logout token for sid <code>${escapeHtml(record.sid)}</code> has not arrived yet: Gatehouse sends it from its outbox, a moment after the sign-out.</p>
<div class="actions"><a class="button secondary" href="${refreshHref(renderedAt)}">Refresh</a></div></div>`;
  return `<div id="logout-token">
<h4>RP-initiated logout, the back-channel logout token decoded</h4>
<p class="note">Gatehouse POSTed a logout token (${escapeHtml(token.masked)}) to this app's back-channel endpoint at ${escapeHtml(new Date(token.receivedAt * 1000).toISOString())} (Back-Channel Logout 1.0 §2.4). Header and payload decoded; the token itself is not shown.</p>
<div class="two">
<div><p class="label">Header</p><pre>${escapeHtml(JSON.stringify(token.header, null, 2))}</pre></div>
<div><p class="label">Payload</p><pre>${escapeHtml(JSON.stringify(token.payload, null, 2))}</pre></div>
</div>
<ul class="checks">
<li><span class="status ok">passed</span> signature checked against the key <code class="logout-kid">${escapeHtml(String(token.header.kid))}</code> in Gatehouse's JWKS (<code>${escapeHtml(token.jwksUri)}</code>)</li>
<li><span class="status ok">passed</span> <code>iss</code>, <code>aud</code> (this client), <code>iat</code>/<code>exp</code>, the back-channel logout event, no <code>nonce</code> (§2.6)</li>
<li><span class="status ok">passed</span> <code>jti</code> seen for the first time (no replay)</li>
<li><span class="status ${token.payload.sid === record.sid ? 'ok' : 'error'}">${token.payload.sid === record.sid ? 'passed' : 'failed'}</span> <code>sid</code> <code class="logout-sid">${escapeHtml(String(token.payload.sid))}</code> is the one in this sign-in's ID token</li>
</ul>
</div>`;
}

function result(record: ExperimentRecord, input: PlaygroundPageInput): string {
  const verdict = record.kind === 'sign-out'
    ? `<p class="alert ok" role="status">Signed out: the revocations and the redirect below.</p>`
    : record.refused
      ? `<p class="alert ok" role="status">Refused, as the rule demands: <code>${escapeHtml(record.error ?? '')}</code>${record.description ? ` — ${escapeHtml(record.description)}` : ''}</p>`
      : `<p class="alert error" role="alert">Not refused${record.error ? `: ${escapeHtml(record.error)} ${escapeHtml(record.description ?? '')}` : ''}.</p>`;
  return `<div class="result">
<h4>What happened at ${escapeHtml(new Date(record.at * 1000).toISOString())}</h4>
${verdict}
${record.facts.length ? `<table>${record.facts.map(([k, v]) => `<tr><th scope="row">${escapeHtml(k)}</th><td><code>${escapeHtml(v)}</code></td></tr>`).join('\n')}</table>` : ''}
${record.exchanges.map((exchange, i) => exchangeView(exchange, `Request ${i + 1} of ${record.exchanges.length}`)).join('\n')}
${record.kind === 'sign-out' ? logoutTokenView(record, input.logoutToken, input.renderedAt) : ''}
</div>`;
}

function control(rule: Rule, input: PlaygroundPageInput): string {
  if (rule.method === 'get') return `<a class="button secondary" href="/playground/${rule.kind}">${escapeHtml(rule.button)}</a>`;
  const available = rule.needs === 'user' ? input.signedIn : input.csrfToken !== undefined && input.signIn?.codeSpent === true;
  if (!available) return `<p class="note">${rule.needs === 'user' ? 'Sign in first.' : 'Sign in first: this needs a sign-in of yours to work with.'}</p>`;
  const action = rule.kind === 'sign-out' ? '/logout' : `/playground/${rule.kind}`;
  return `<form method="post" action="${action}"><input type="hidden" name="csrf_token" value="${escapeHtml(input.csrfToken ?? '')}">${rule.kind === 'sign-out' ? '<input type="hidden" name="from" value="playground">' : ''}<button class="button secondary" type="submit">${escapeHtml(rule.button)}</button></form>`;
}

export function whySection(input: PlaygroundPageInput): string {
  return `<section class="panel" aria-labelledby="why">
<h2 id="why">Why the rules exist: break one and see</h2>
<p class="note">Each button makes the real request against Gatehouse and shows its real answer.</p>
${rules.map((rule) => {
  const record = rule.kind === 'unregistered-redirect' ? undefined : input.experiments.get(rule.kind);
  return `<article class="why" id="why-${rule.kind}" aria-labelledby="why-${rule.kind}-title">
<h3 id="why-${rule.kind}-title">${escapeHtml(rule.title)}</h3>
<p>${escapeHtml(rule.why)}</p>
<p class="note">Expected: ${escapeHtml(rule.expected)}</p>
<div class="actions">${control(rule, input)}</div>
${record ? result(record, input) : ''}
</article>`;
}).join('\n')}
</section>
${implicitSection(input)}`;
}

function implicitSection(input: PlaygroundPageInput): string {
  return `<section class="panel" aria-labelledby="implicit">
<h2 id="implicit">Side by side: the implicit flow</h2>
<table class="compare">
<tr><th scope="col"></th><th scope="col">Authorization Code flow (this app)</th><th scope="col">Implicit flow (legacy)</th></tr>
<tr><th scope="row">What comes back through the browser</th><td>a one-time code, useless without the secret and the verifier</td><td>the access token and ID token themselves, in the URL fragment, the part after <code>#</code></td></tr>
<tr><th scope="row">Who can read the token</th><td>only the Client-Server</td><td>the browser, its history, every script on the page, extensions</td></tr>
<tr><th scope="row">Refresh tokens</th><td>yes, rotated</td><td>never; short-lived access tokens only, limited scopes</td></tr>
</table>
${implicitTry(input)}
<p class="note">This is the seed\'s reason for the code: in the implicit flow, the token is in the URL fragment, visible to the browser.</p>
</section>`;
}

/** A real run of the implicit flow when it is on; otherwise how to turn it on. */
function implicitTry(input: PlaygroundPageInput): string {
  if (input.implicitDemo) {
    return `<p>Gatehouse was started with <code>GATEHOUSE_IMPLICIT_FLOW=true</code>: it advertises response_type <code>id_token token</code>, and the demo registered a public client for it, "Demo app (implicit, legacy)". Try it: the tokens come back in the address bar, and this app's server never sees them.</p>
<div class="actions"><a class="button primary" href="/implicit">Try the implicit flow</a></div>`;
  }
  if (input.implicitFlow) {
    return `<p>Gatehouse advertises the implicit flow, but the demo's implicit client is not registered. Stop the demo and start it again with <code>GATEHOUSE_IMPLICIT_FLOW=true npm run demo</code>: the first run registers it.</p>`;
  }
  return `<p>Gatehouse runs without the implicit flow (the default), so there is nothing to try. To see it side by side, stop the demo and start it with <code>GATEHOUSE_IMPLICIT_FLOW=true npm run demo</code>: Gatehouse then advertises response_type <code>id_token token</code>, the first run registers a public implicit client, and a "Try the implicit flow" link appears here.</p>`;
}
