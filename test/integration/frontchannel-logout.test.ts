// OpenID Connect Front-Channel Logout 1.0 over real HTTP: discovery (§3), and the page the
// end_session endpoint answers when the ended session signed into clients with a
// frontchannel_logout_uri (§2, §3): one iframe per such client with iss and sid, a CSP that
// frames exactly their origins, Continue to the post_logout_redirect_uri; a session without
// such clients keeps the direct redirect. (The browser itself: test/e2e/frontchannel-logout.test.ts.)
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as oidc from 'openid-client';
import { decodeJwt } from 'jose';
import { startGatehouse, type TestClient, type TestServer } from '../support/gatehouse.js';
import { ScriptedBrowser, decodeEntities, type Page } from '../support/browser.js';
import { runAuthorization, pkcePair, tokenRequest } from '../support/flow.js';

const signedOutUri = 'http://localhost:8766/signed-out';

function directive(csp: string | null, name: string): string[] | null {
  const found = (csp ?? '').split(';').map((d) => d.trim().split(/\s+/)).find(([n]) => n === name);
  return found ? found.slice(1) : null;
}

function iframes(page: Page): Array<{ src: string; title: string }> {
  return [...page.body.matchAll(/<iframe\b[^>]*>/g)].map(([tag]) => ({
    src: decodeEntities(/\ssrc="([^"]*)"/.exec(tag)?.[1] ?? ''), title: decodeEntities(/\stitle="([^"]*)"/.exec(tag)?.[1] ?? ''),
  }));
}

describe('Front-Channel Logout 1.0', () => {
  let server: TestServer;
  let framed: TestClient;
  let plain: TestClient;
  let neverSignedIn: TestClient;
  let user: { accountId: string; username: string; password: string };

  before(async () => {
    server = await startGatehouse();
    framed = await server.createClient({
      clientName: 'Framed RP', redirectUris: ['http://localhost:8765/callback'],
      frontchannelLogoutUri: 'http://localhost:8765/frontchannel?tenant=a%20b', frontchannelLogoutSessionRequired: true,
    });
    plain = await server.createClient({ clientName: 'Plain RP', redirectUris: ['http://localhost:8766/callback'], postLogoutRedirectUris: [signedOutUri] });
    neverSignedIn = await server.createClient({
      clientName: 'Absent RP', redirectUris: ['http://localhost:8767/callback'], frontchannelLogoutUri: 'http://localhost:8767/frontchannel',
    });
    user = await server.createUser({ username: 'fcl' });
  });
  after(async () => { await server.close(); });

  async function signIn(browser: ScriptedBrowser, rp: TestClient): Promise<string> {
    const pkce = pkcePair();
    const run = await runAuthorization(server, rp, user, { scope: 'openid', code_challenge: pkce.challenge, code_challenge_method: 'S256' }, browser);
    const code = run.callback?.searchParams.get('code');
    assert.ok(code, `no code: ${run.page.status}`);
    const response = await tokenRequest(server, { grant_type: 'authorization_code', code, redirect_uri: rp.redirectUri, code_verifier: pkce.verifier },
      { clientId: rp.clientId, clientSecret: rp.clientSecret! });
    return String(response.body.id_token);
  }

  async function configFor(rp: TestClient): Promise<oidc.Configuration> {
    return oidc.discovery(new URL(server.issuer), rp.clientId, undefined, oidc.ClientSecretBasic(rp.clientSecret!), { execute: [oidc.allowInsecureRequests] });
  }

  it('advertises frontchannel_logout_supported and frontchannel_logout_session_supported (§3)', async () => {
    const metadata = (await configFor(plain)).serverMetadata();
    assert.equal(metadata.frontchannel_logout_supported, true);
    assert.equal(metadata.frontchannel_logout_session_supported, true);
  });

  it('renders an iframe with iss and sid for the session\'s client with a front-channel URI, frames only its origin, and Continue goes to the post_logout_redirect_uri with state (§3)', async () => {
    const browser = new ScriptedBrowser();
    await signIn(browser, framed);
    const idToken = await signIn(browser, plain);
    const sid = String(decodeJwt(idToken).sid);
    const page = await browser.navigate(oidc.buildEndSessionUrl(await configFor(plain), {
      id_token_hint: idToken, post_logout_redirect_uri: signedOutUri, state: 'st-1',
    }).href);

    assert.equal(page.status, 200, 'a page, not the redirect: the iframes load first');
    assert.equal(browser.hasCookie('gh_session'), false, 'the session cookie is cleared');
    assert.equal(await server.storage.sessions.findBySid(sid, server.clock()), null, 'the session is ended');
    const frames = iframes(page);
    assert.equal(frames.length, 1, 'one iframe: the plain client has no URI, the absent one never signed into this session');
    const src = new URL(frames[0]!.src);
    assert.equal(frames[0]!.src.startsWith('http://localhost:8765/frontchannel?tenant=a%20b&'), true, 'the URI\'s own query is kept as registered');
    assert.deepEqual([src.searchParams.get('iss'), src.searchParams.get('sid'), src.searchParams.get('tenant')], [server.issuer, sid, 'a b']);
    assert.equal(frames[0]!.title, 'Signing you out of Framed RP', 'the iframe has an accessible name');
    assert.equal(page.body.includes(neverSignedIn.record.frontchannelLogoutUri!), false);

    const csp = page.headers.get('content-security-policy');
    assert.deepEqual(directive(csp, 'frame-src'), ['http://localhost:8765'], 'exactly the framed client\'s origin');
    assert.deepEqual(directive(csp, 'script-src'), ["'self'"], 'still no inline script');
    assert.equal(page.headers.get('cache-control'), 'no-store');
    assert.equal(/<script(?![^>]*\ssrc=)/.test(page.body), false, 'no inline script');
    assert.match(page.body, /<script src="\/assets\/frontchannel-logout\.js"><\/script>/);
    const continueLink = /<a [^>]*id="frontchannel-continue"[^>]*href="([^"]*)"/.exec(page.body);
    assert.equal(decodeEntities(continueLink?.[1] ?? ''), `${signedOutUri}?state=st-1`);

    const script = await fetch(`${server.issuer}/assets/frontchannel-logout.js`);
    assert.equal(script.status, 200);
    assert.match(script.headers.get('content-type') ?? '', /^text\/javascript/);
    assert.match(await script.text(), /frontchannel-continue/);
  });

  it('keeps the direct redirect when no client of the session has a front-channel URI (RP-Initiated Logout 1.0 §3)', async () => {
    const browser = new ScriptedBrowser();
    const idToken = await signIn(browser, plain);
    const page = await browser.navigate(oidc.buildEndSessionUrl(await configFor(plain), {
      id_token_hint: idToken, post_logout_redirect_uri: signedOutUri, state: 'st-2',
    }).href);
    assert.equal(page.status, 303);
    assert.equal(page.leftTo, `${signedOutUri}?state=st-2`);
  });

  it('shows the iframes on the signed-out page when there is nowhere to go back to, without script or Continue (§3)', async () => {
    const browser = new ScriptedBrowser();
    const idToken = await signIn(browser, framed);
    const page = await browser.navigate(oidc.buildEndSessionUrl(await configFor(framed), { id_token_hint: idToken }).href);
    assert.equal(page.status, 200);
    assert.match(page.body, /You are signed out/);
    assert.equal(iframes(page).length, 1);
    assert.equal(page.body.includes('<script'), false);
    assert.equal(page.body.includes('frontchannel-continue'), false);
    assert.deepEqual(directive(page.headers.get('content-security-policy'), 'frame-src'), ['http://localhost:8765']);
  });

  it('renders the iframes after the confirmation form too, in German with ui_locales=de (§3; RP-Initiated Logout 1.0 §2, §6)', async () => {
    const browser = new ScriptedBrowser();
    await signIn(browser, framed);
    const ask = await browser.navigate(oidc.buildEndSessionUrl(await configFor(plain), {
      client_id: plain.clientId, post_logout_redirect_uri: signedOutUri, ui_locales: 'de',
    }).href);
    assert.match(ask.body, /name="decision"/, 'no hint: the user is asked first');
    const page = await browser.submitForm(ask, { decision: 'logout' });
    assert.equal(page.status, 200);
    assert.match(page.body, /<html lang="de">/);
    assert.deepEqual(iframes(page).map((f) => f.title), ['Abmeldung bei Framed RP']);
    assert.match(page.body, />Weiter<\/a>/);
    assert.deepEqual(directive(page.headers.get('content-security-policy'), 'frame-src'), ['http://localhost:8765']);
  });

  it('renders nothing for a browser without a session: nothing ended, nobody to tell', async () => {
    const page = await new ScriptedBrowser().navigate(oidc.buildEndSessionUrl(await configFor(plain), {
      client_id: plain.clientId, post_logout_redirect_uri: signedOutUri,
    }).href);
    assert.equal(page.status, 303);
  });
});
