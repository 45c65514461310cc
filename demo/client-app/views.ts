// HTML pages of the demo client. Every dynamic value goes through `escapeHtml`; no inline
// script or style, so the strict CSP holds; everything works without JavaScript.
import type { SignedInUser } from './session-store.js';
import type { ApiAnswer } from './protected-api.js';

export function escapeHtml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** The page frame every demo page shares; `stylesheets` adds page-specific ones (same origin, for the CSP). */
export function layout(title: string, body: string, signedInAs?: string, stylesheets: string[] = []): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · Demo app</title>
<link rel="stylesheet" href="/assets/app.css">
${stylesheets.map((href) => `<link rel="stylesheet" href="${escapeHtml(href)}">\n`).join('')}</head>
<body>
<header class="site"><div class="inner"><a class="brand" href="/">Demo app</a>${signedInAs ? `<span>Signed in as <strong>${escapeHtml(signedInAs)}</strong></span>` : '<span>Not signed in</span>'}</div></header>
<main>
${body}
</main>
</body>
</html>`;
}

/** `extra`: panels (already HTML) shown below the steps. */
export function homePage({ signedInAs, notice, extra = '' }: { signedInAs?: string; notice?: string; extra?: string }): string {
  const action = signedInAs
    ? '<a class="button primary" href="/me">See your profile</a>'
    : '<a class="button primary" href="/login">Log in with Gatehouse</a>';
  return layout('Welcome', `
<h1>Demo app</h1>
<p class="lead">A server-side web application that signs you in with Gatehouse using the OAuth 2.0 Authorization Code flow with OpenID Connect.</p>
${notice ? `<p class="alert ok" role="status">${escapeHtml(notice)}</p>` : ''}
<section class="panel" aria-labelledby="how">
<h2 id="how">What happens when you log in: the seven steps</h2>
<ol class="steps">
<li>This app (the Client-Server) needs your authorization and redirects your browser to Gatehouse, the authorization server.</li>
<li>Gatehouse asks for your username and password, then whether to share your profile with this app.</li>
<li>Gatehouse sends your browser back with a one-time authorization code.</li>
<li>Your browser brings the code to this app's server.</li>
<li>This app's server sends the code, with its client id and secret, to Gatehouse's token endpoint.</li>
<li>Gatehouse checks all three and answers with an ID token and an access token.</li>
<li>This app keeps the tokens on its server and calls the protected API for you; your browser only holds an opaque session cookie.</li>
</ol>
<div class="actions">${action}<a class="button secondary" href="/playground">Open the playground: watch your own sign-in, step by step</a></div>
</section>${extra}`, signedInAs);
}

function claimValue(name: string, value: unknown): string {
  if (typeof value === 'number' && ['exp', 'iat', 'auth_time', 'updated_at'].includes(name)) {
    return `${value} <span class="note">(${new Date(value * 1000).toISOString()})</span>`;
  }
  return escapeHtml(typeof value === 'string' ? value : JSON.stringify(value));
}

function apiPanel(api: ApiAnswer): string {
  const ok = api.status >= 200 && api.status < 300;
  return `
<section class="panel" aria-labelledby="api">
<h2 id="api">The protected API</h2>
<p class="note">This server called <code>GET ${escapeHtml(api.url)}</code> with your access token in the Authorization header. The API verified the token with Gatehouse before answering.</p>
<p>API answered: <span class="status ${ok ? 'ok' : 'error'}">${api.status} ${ok ? 'OK' : 'refused'}</span></p>
${api.challenge ? `<p class="note">WWW-Authenticate: <code>${escapeHtml(api.challenge)}</code></p>` : ''}
<pre>${escapeHtml(JSON.stringify(api.body, null, 2))}</pre>
</section>`;
}

export function profilePage({ user, api, csrfToken, now, notice }: { user: SignedInUser; api: ApiAnswer; csrfToken: string; now: number; notice?: string }): string {
  const name = String(user.claims.name ?? user.claims.preferred_username ?? user.claims.sub);
  // Who the user is first, then the protocol claims that make the token trustworthy.
  const order = ['sub', 'name', 'preferred_username', 'email', 'email_verified', 'iss', 'aud', 'azp', 'auth_time', 'iat', 'exp', 'nonce', 'at_hash', 'amr'];
  const rank = (claim: string) => (order.includes(claim) ? order.indexOf(claim) : order.length);
  const rows = Object.entries(user.claims).sort(([a], [b]) => rank(a) - rank(b))
    .map(([claim, value]) => `<tr><th scope="row"><code>${escapeHtml(claim)}</code></th><td>${claimValue(claim, value)}</td></tr>`).join('\n');
  const expiresIn = user.accessTokenExpiresAt - now;
  return layout('Your profile', `
<h1>Hello, ${escapeHtml(name)}</h1>
<p class="lead">You are logged in through Gatehouse.</p>
${notice ? `<p class="alert ok" role="status">${escapeHtml(notice)}</p>` : ''}
<section class="panel" aria-labelledby="claims">
<h2 id="claims">Who you are: the ID token's claims</h2>
<p class="note">Decoded from the ID token. openid-client verified its signature against Gatehouse's published keys (JWKS) and checked the issuer, audience, expiry and nonce before this page was drawn.</p>
<table>
${rows}
</table>
</section>
${apiPanel(api)}
<section class="panel" aria-labelledby="tokens">
<h2 id="tokens">Your tokens stay on this server</h2>
<p class="note">The browser never sees them; it holds only an opaque, HttpOnly session cookie.</p>
<table>
<tr><th scope="row">Scopes granted</th><td>${escapeHtml(user.scope)}</td></tr>
<tr><th scope="row">Access token</th><td>${expiresIn > 0 ? `valid for ${expiresIn} more seconds` : 'expired; it is refreshed on the next API call'}</td></tr>
<tr><th scope="row">Refresh token</th><td>${user.refreshToken ? 'held (rotated on every use)' : 'none (offline_access not granted)'}</td></tr>
<tr><th scope="row">Last refreshed</th><td>${user.refreshedAt ? new Date(user.refreshedAt * 1000).toISOString() : 'not yet'}</td></tr>
</table>
<div class="actions">
${user.refreshToken ? `<form method="post" action="/refresh"><input type="hidden" name="csrf_token" value="${escapeHtml(csrfToken)}"><button class="button secondary" type="submit">Refresh tokens now</button></form>` : ''}
<form method="post" action="/logout"><input type="hidden" name="csrf_token" value="${escapeHtml(csrfToken)}"><button class="button primary" type="submit">Log out</button></form>
</div>
</section>`, name);
}

/** Plain-words explanations of the RFC 6749 §4.1.2.1 error codes a user may meet here. */
const explanations: Record<string, string> = {
  access_denied: 'You chose not to let the Demo app use your Gatehouse account, so you are not logged in.',
  login_required: 'Gatehouse needs you to log in again.',
  consent_required: 'Gatehouse needs your permission again.',
  invalid_scope: 'The Demo app asked for permissions Gatehouse does not grant to it.',
  server_error: 'Gatehouse ran into a problem. Please try again.',
  temporarily_unavailable: 'Gatehouse is busy. Please try again in a moment.',
};

export function errorPage({ title, code, description }: { title: string; code?: string; description?: string }): string {
  const explanation = (code && explanations[code]) ?? description ?? 'Something went wrong.';
  return layout(title, `
<h1>${escapeHtml(title)}</h1>
<div class="alert error" role="alert">
<p>${escapeHtml(explanation)}</p>
${code ? `<p>Error code: <code>${escapeHtml(code)}</code></p>` : ''}
</div>
<div class="actions"><a class="button primary" href="/login">Try again</a><a class="button secondary" href="/">Back to the start</a></div>`);
}
