// The legacy implicit flow, side by side with the code flow (the playground's last section):
// GET /implicit sends the browser to Gatehouse with response_type "id_token token" (OIDC Core
// §3.2.2.1) as the public "Demo app (implicit, legacy)" client; Gatehouse answers in the URL
// fragment, which the browser never sends to this server. So GET /implicit-callback is a page
// whose external script (/assets/implicit.js) reads location.hash, checks state and nonce, shows
// what arrived (the access token masked), says plainly where the token now sits, and removes the
// fragment. Only when Gatehouse advertises the implicit flow and first-run registered the client.
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { RelyingParty } from './relying-party.js';
import type { Session } from './session-store.js';
import { errorPage, escapeHtml, layout } from './views.js';

export const implicitResponseType = 'id_token token';
export const implicitScope = 'openid profile';

export interface ImplicitOptions {
  baseUrl: string;
  relyingParty: RelyingParty;
  /** The implicit client's id from demo-client.json; undefined when first-run registered none. */
  clientId: string | undefined;
  /** The request's session, or a new one with its cookie set on the reply. */
  session(request: FastifyRequest, reply: FastifyReply): Session;
  signedInAs(request: FastifyRequest): string | undefined;
  html(reply: FastifyReply, status: number, body: string): FastifyReply;
  /** The app's CSP; the callback page adds script-src 'self' for its one external script. */
  csp: string;
}

/** Does Gatehouse run the implicit flow (its discovery document), and is the demo's client registered? */
export async function implicitAvailable(relyingParty: RelyingParty, clientId: string | undefined): Promise<boolean> {
  if (clientId === undefined) return false;
  const metadata = await relyingParty.metadata().catch(() => undefined);
  return metadata?.response_types_supported?.includes(implicitResponseType) ?? false;
}

export function registerImplicit(app: FastifyInstance, options: ImplicitOptions): void {
  const redirectUri = new URL('/implicit-callback', options.baseUrl).toString();

  app.get('/assets/implicit.js', async (_request, reply) =>
    reply.header('Cache-Control', 'public, max-age=3600').type('text/javascript; charset=utf-8').send(implicitScript));

  app.get('/implicit', async (request, reply) => {
    if (!(await implicitAvailable(options.relyingParty, options.clientId))) {
      return options.html(reply, 404, errorPage({
        title: 'The implicit flow is off',
        description: 'Gatehouse runs without the legacy implicit flow (the default). Stop the demo and start it again with GATEHOUSE_IMPLICIT_FLOW=true npm run demo to try it.',
      }));
    }
    const metadata = await options.relyingParty.metadata();
    const session = options.session(request, reply);
    // Neither is secret: state comes back in the fragment, nonce inside the ID token.
    const pending = { state: randomBytes(16).toString('base64url'), nonce: randomBytes(16).toString('base64url') };
    session.implicit = pending;
    const url = new URL(metadata.authorization_endpoint!);
    url.search = new URLSearchParams({
      response_type: implicitResponseType, client_id: options.clientId!, redirect_uri: redirectUri,
      scope: implicitScope, state: pending.state, nonce: pending.nonce,
    }).toString();
    return reply.redirect(url.href, 303);
  });

  app.get('/implicit-callback', async (request, reply) => {
    const session = options.session(request, reply);
    const pending = session.implicit;
    // One use: a reload of this page finds nothing to compare with.
    session.implicit = undefined;
    reply.header('Content-Security-Policy', options.csp.replace("default-src 'none';", "default-src 'none'; script-src 'self';"));
    return options.html(reply, 200, implicitCallbackPage({ pending, received: request.url, signedInAs: options.signedInAs(request) }));
  });
}

function implicitCallbackPage({ pending, received, signedInAs }: {
  pending: { state: string; nonce: string } | undefined; received: string; signedInAs: string | undefined;
}): string {
  return layout('Implicit flow (legacy)', `
<h1>The implicit flow: the token came to the browser</h1>
<p class="lead">Gatehouse sent the tokens back in the URL fragment, the part after <code>#</code>. Browsers never send the fragment to a server, so only this page's script can read it.</p>
<section class="panel" aria-labelledby="received">
<h2 id="received">What this app's server received</h2>
<p>The request <code>GET ${escapeHtml(received)}</code>: no token, no code, nothing after the <code>#</code>.</p>
</section>
<section class="panel" id="implicit-result" aria-labelledby="in-browser" aria-live="polite"
  data-state="${escapeHtml(pending?.state ?? '')}" data-nonce="${escapeHtml(pending?.nonce ?? '')}">
<h2 id="in-browser">What the browser received</h2>
<noscript><p>JavaScript is off, so nothing reads the fragment. Look at the address bar: the access token and the ID token are there, after <code>#</code>. This app's server never received them (fragments are not sent), which is why an implicit client must handle tokens in the browser, where the address bar, the history and every script on the page can see them.</p></noscript>
<p class="note" id="implicit-waiting">Reading the fragment…</p>
</section>
<section class="panel" aria-labelledby="compare">
<h2 id="compare">Compare with the code flow</h2>
<p>In the Authorization Code flow this app uses, the browser carries only a one-time code; the tokens travel server to server and stay in the app's session. That is the reason Gatehouse keeps the implicit flow off unless an operator turns it on.</p>
<div class="actions"><a class="button primary" href="/playground#implicit">Back to the playground</a></div>
</section>
<script src="/assets/implicit.js"></script>`, signedInAs);
}

/**
 * The callback page's script. DOM built with textContent only; the ID token is decoded, not
 * verified (a real browser client would verify its signature against the JWKS).
 */
export const implicitScript = `'use strict';
(function () {
  var root = document.getElementById('implicit-result');
  if (!root) return;
  var expectedState = root.getAttribute('data-state') || '';
  var expectedNonce = root.getAttribute('data-nonce') || '';
  var params = new URLSearchParams(location.hash.slice(1));
  var hadFragment = location.hash.length > 1;
  // The token leaves the address bar and this history entry at once (it stays in this page's memory).
  if (hadFragment) history.replaceState(null, '', location.pathname + location.search);
  var waiting = document.getElementById('implicit-waiting');
  if (waiting) waiting.remove();

  function el(tag, text, className) {
    var node = document.createElement(tag);
    if (text !== undefined) node.textContent = text;
    if (className) node.className = className;
    return node;
  }
  function add(node) { root.appendChild(node); return node; }
  function alertBox(kind, text) { var p = el('p', text, 'alert ' + kind); p.setAttribute('role', kind === 'error' ? 'alert' : 'status'); return add(p); }
  function decodePart(part) {
    var base64 = part.replace(/-/g, '+').replace(/_/g, '/');
    while (base64.length % 4) base64 += '=';
    var bytes = Uint8Array.from(atob(base64), function (c) { return c.charCodeAt(0); });
    return JSON.parse(new TextDecoder().decode(bytes));
  }

  if (!hadFragment) {
    alertBox('error', 'This page was opened without a fragment: there is nothing to read. Start again from the playground.');
    return;
  }
  add(el('h3', 'The fragment\\'s parameters'));
  var names = add(el('ul', undefined, 'names'));
  params.forEach(function (_value, name) { var li = el('li'); li.appendChild(el('code', name)); names.appendChild(li); });

  if (params.get('error')) {
    alertBox('error', 'Gatehouse refused: ' + params.get('error') + (params.get('error_description') ? ' (' + params.get('error_description') + ')' : ''));
    return;
  }
  if (!expectedState || params.get('state') !== expectedState) {
    alertBox('error', 'state does not match the one this app stored when it started the request: the answer is refused, its tokens are not shown.');
    return;
  }
  alertBox('ok', 'state matches the value this app stored when it started the request.');

  var accessToken = params.get('access_token') || '';
  add(el('h3', 'Access token (masked)'));
  var table = add(el('table'));
  function row(label, value) {
    var tr = el('tr'); tr.appendChild(el('th', label)).setAttribute('scope', 'row');
    var td = el('td'); td.appendChild(el('code', value)); tr.appendChild(td); table.appendChild(tr);
  }
  row('Starts with', accessToken.slice(0, 10) + '…');
  row('Length', accessToken.length + ' characters');
  row('token_type', params.get('token_type') || '-');
  row('expires_in', (params.get('expires_in') || '-') + ' seconds');
  row('scope', params.get('scope') || '-');

  var idToken = params.get('id_token') || '';
  add(el('h3', 'ID token, decoded'));
  try {
    var parts = idToken.split('.');
    var header = decodePart(parts[0]);
    var payload = decodePart(parts[1]);
    if (payload.nonce === expectedNonce && expectedNonce) {
      alertBox('ok', 'nonce in the ID token matches the one this app sent: ' + payload.nonce);
    } else {
      alertBox('error', 'nonce in the ID token does not match the one this app sent: the ID token must not be trusted.');
    }
    add(el('h4', 'Header'));
    add(el('pre', JSON.stringify(header, null, 2))).setAttribute('aria-label', 'ID token header');
    add(el('h4', 'Payload'));
    add(el('pre', JSON.stringify(payload, null, 2))).setAttribute('aria-label', 'ID token payload');
    add(el('p', 'Decoded here, not verified: a browser client would also check the signature against Gatehouse\\'s JWKS.', 'note'));
  } catch (error) {
    alertBox('error', 'The ID token could not be decoded.');
  }

  add(el('h3', 'Where the full token is now'));
  add(el('p', 'The whole access token (' + accessToken.length + ' characters) and ID token are in this browser: they were in the address bar, in this tab\\'s history entry until this script replaced it, and any script running on this page could have read them, as could browser extensions. This page removed the fragment from the address bar, but it could not take back what was already exposed. That is the reason for the code flow: there the browser only carries a one-time code, useless without the client\\'s secret and PKCE verifier.'));
})();
`;
