// The OpenID Foundation's "RP-Initiated OP" certification plan,
// oidcc-rp-initiated-logout-certification-test-plan (OIDCCRpInitiatedLogoutTestPlan, variants:
// discovery, client_secret_basic, default response mode, static client), one test per module,
// each doing over HTTP what the module does and checking what its conditions check. The modules
// that wait for a screenshot (an error page, "you are signed out") get the page checked here.
// Storage follows GATEHOUSE_TEST_DATABASE_URL (SQLite by default, PostgreSQL when set).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SignJWT } from 'jose';
import { startGatehouse, type TestClient, type TestServer } from '../support/gatehouse.js';
import {
  assertErrorPage, assertPostLogoutRedirect, assertPromptNoneNeedsLogin, assertSignedOutPage, assertValidUrl,
  basicSignIn, discover, endSessionRequest, endSessionState, endSessionUrl, isConfirmationPage, stillSignedIn, suiteBaseUrl,
  suitePostLogoutRedirectUri, suiteRedirectUri,
} from './suite.js';

describe('oidcc-rp-initiated-logout-certification-test-plan (RP-Initiated Logout 1.0)', () => {
  let server: TestServer;
  let client: TestClient;
  let user: { username: string; password: string };

  before(async () => {
    server = await startGatehouse();
    // The plan's static client: the suite's callback, and base_url + /post_logout_redirect.
    client = await server.createClient({
      clientName: 'OpenID conformance suite', redirectUris: [suiteRedirectUri], postLogoutRedirectUris: [suitePostLogoutRedirectUri],
      // The suite's code flow sends a nonce and no PKCE.
      metadata: { requirePkce: false },
    });
    user = await server.createUser();
  });
  after(async () => {
    await server.close();
  });

  describe('oidcc-rp-initiated-logout-discovery-endpoint-verification', () => {
    it('discovery has an end_session_endpoint that is a valid URL (CheckDiscEndSessionEndpoint; RP-Initiated Logout 1.0 §2.1)', async () => {
      const metadata = await discover(server);
      const endpoint = assertValidUrl(metadata, 'end_session_endpoint');
      assert.equal(endpoint.toString(), `${server.issuer}/end_session`);
      const answer = await fetch(endpoint);
      await answer.text();
      assert.notEqual(answer.status, 404, 'the advertised endpoint exists');
    });

    it('with an https issuer every *_endpoint, end_session_endpoint included, is https (CheckDiscEndpointAllEndpointsAreHttps; OIDC Discovery 1.0 §3)', async () => {
      // The suite's https check needs an https issuer; Gatehouse behind a TLS proxy has one. No
      // TLS is needed to read what discovery says, so this runs the check rather than skipping it.
      const behindTls = await startGatehouse({ issuer: 'https://login.example.com' });
      try {
        const response = await fetch(`http://127.0.0.1:${behindTls.config.port}/.well-known/openid-configuration`);
        const metadata = await response.json() as Record<string, unknown>;
        const endpoints = Object.keys(metadata).filter((key) => key.endsWith('_endpoint'));
        assert.ok(endpoints.includes('end_session_endpoint'));
        for (const key of endpoints) assert.equal(assertValidUrl(metadata, key).protocol, 'https:', `${key} must use https`);
      } finally {
        await behindTls.close();
      }
    });
  });

  describe('oidcc-rp-initiated-logout', () => {
    it('returns to the post_logout_redirect_uri with exactly the state sent and nothing else; then prompt=none says login_required (RP-Initiated Logout 1.0 §2, §3; OIDC Core §3.1.2.6)', async () => {
      const signedIn = await basicSignIn(server, client, user);
      const state = endSessionState();
      const page = await signedIn.browser.navigate(await endSessionUrl(server, endSessionRequest(signedIn, state)));
      assert.equal(page.status, 303);
      assertPostLogoutRedirect(page.leftTo, state);
      await assertPromptNoneNeedsLogin(server, client, signedIn.browser);
    });
  });

  describe('oidcc-rp-initiated-logout-bad-post-logout-redirect-uri', () => {
    it('shows an error page for a post_logout_redirect_uri that is not registered and never redirects (ExpectPostLogoutRedirectUriNotRegisteredErrorPage; RP-Initiated Logout 1.0 §3)', async () => {
      const signedIn = await basicSignIn(server, client, user);
      const request = { ...endSessionRequest(signedIn, endSessionState()), post_logout_redirect_uri: `${suiteBaseUrl}/bad_post_logout_redirect_uri` };
      const page = await signedIn.browser.navigate(await endSessionUrl(server, request));
      assertErrorPage(page, /post_logout_redirect_uri is not registered/);
      assert.equal(await stillSignedIn(server, client, signedIn.browser), true, 'a refused request ends nothing');
    });
  });

  describe('oidcc-rp-initiated-logout-modified-id-token-hint', () => {
    it('shows an error page for an id_token_hint changed to alg none and never redirects (ChangeIdTokenToAlgNone, ExpectInvalidIdTokenHintErrorPage; RP-Initiated Logout 1.0 §2)', async () => {
      const signedIn = await basicSignIn(server, client, user);
      const [, payload] = signedIn.idToken.split('.');
      const algNone = `${Buffer.from('{"alg": "none"}').toString('base64url')}.${payload}.`;
      const page = await signedIn.browser.navigate(await endSessionUrl(server, { ...endSessionRequest(signedIn, endSessionState()), id_token_hint: algNone }));
      assertErrorPage(page, /id_token_hint is not an ID token issued by this server/);
      assert.equal(await stillSignedIn(server, client, signedIn.browser), true, 'a refused request ends nothing');
    });
  });

  describe('oidcc-rp-initiated-logout-no-id-token-hint', () => {
    it('without id_token_hint does not return to the post_logout_redirect_uri: an error page says the client is not identified (ExpectIdTokenHintRequiredErrorPage; RP-Initiated Logout 1.0 §2, §3)', async () => {
      const signedIn = await basicSignIn(server, client, user);
      const { id_token_hint: _dropped, ...request } = endSessionRequest(signedIn, endSessionState());
      const page = await signedIn.browser.navigate(await endSessionUrl(server, request));
      assertErrorPage(page, /post_logout_redirect_uri needs id_token_hint or client_id/);
      assert.equal(await stillSignedIn(server, client, signedIn.browser), true, 'a refused request ends nothing');
    });
  });

  describe('oidcc-rp-initiated-logout-no-params', () => {
    it('with no parameters asks the user, then logs out and shows the signed-out page, never the RP (ExpectSuccessfulLogoutPage; RP-Initiated Logout 1.0 §2, §6)', async () => {
      const signedIn = await basicSignIn(server, client, user);
      const asked = await signedIn.browser.navigate(await endSessionUrl(server, {}));
      assert.equal(asked.leftTo, undefined);
      assert.ok(isConfirmationPage(asked), 'an unidentified logout is confirmed by the user first (§6)');
      const page = await signedIn.browser.submitForm(asked, { decision: 'logout' });
      assertSignedOutPage(page);
      await assertPromptNoneNeedsLogin(server, client, signedIn.browser);
    });
  });

  describe('oidcc-rp-initiated-logout-no-post-logout-redirect-uri', () => {
    it('with id_token_hint and state but no post_logout_redirect_uri logs out and shows the signed-out page (ExpectSuccessfulLogoutPage; RP-Initiated Logout 1.0 §2)', async () => {
      const signedIn = await basicSignIn(server, client, user);
      const { post_logout_redirect_uri: _dropped, ...request } = endSessionRequest(signedIn, endSessionState());
      const page = await signedIn.browser.navigate(await endSessionUrl(server, request));
      assertSignedOutPage(page);
      await assertPromptNoneNeedsLogin(server, client, signedIn.browser);
    });
  });

  describe('oidcc-rp-initiated-logout-no-state', () => {
    it('without state returns to the post_logout_redirect_uri with no state and no other parameter; then prompt=none says login_required (CheckNoPostLogoutState; RP-Initiated Logout 1.0 §2, §3)', async () => {
      const signedIn = await basicSignIn(server, client, user);
      const { state: _dropped, ...request } = endSessionRequest(signedIn, endSessionState());
      const page = await signedIn.browser.navigate(await endSessionUrl(server, request));
      assertPostLogoutRedirect(page.leftTo, null);
      await assertPromptNoneNeedsLogin(server, client, signedIn.browser);
    });
  });

  describe('oidcc-rp-initiated-logout-only-state', () => {
    it('with only state asks the user, then logs out and shows the signed-out page, never the RP (ExpectSuccessfulLogoutPage; RP-Initiated Logout 1.0 §2, §6)', async () => {
      const signedIn = await basicSignIn(server, client, user);
      const state = endSessionState();
      const asked = await signedIn.browser.navigate(await endSessionUrl(server, { state }));
      assert.ok(isConfirmationPage(asked), 'an unidentified logout is confirmed by the user first (§6)');
      const page = await signedIn.browser.submitForm(asked, { decision: 'logout' });
      assertSignedOutPage(page);
      await assertPromptNoneNeedsLogin(server, client, signedIn.browser);
    });
  });

  describe('oidcc-rp-initiated-logout-query-added-to-post-logout-redirect-uri', () => {
    it('shows an error page for the registered post_logout_redirect_uri with ?foo=bar added: exact match only (ExpectPostLogoutRedirectUriNotRegisteredErrorPage; RP-Initiated Logout 1.0 §3)', async () => {
      const signedIn = await basicSignIn(server, client, user);
      const request = { ...endSessionRequest(signedIn, endSessionState()), post_logout_redirect_uri: `${suitePostLogoutRedirectUri}?foo=bar` };
      const page = await signedIn.browser.navigate(await endSessionUrl(server, request));
      assertErrorPage(page, /post_logout_redirect_uri is not registered/);
      assert.equal(await stillSignedIn(server, client, signedIn.browser), true, 'a refused request ends nothing');
    });
  });

  describe('oidcc-rp-initiated-logout-bad-id-token-hint', () => {
    it('shows an error page for an id_token_hint the client signed itself (HS256 with its secret, iss = client_id, aud = issuer) and never redirects (GenerateFakeIdTokenClaims, SignFakeIdToken, ExpectInvalidIdTokenHintErrorPage; RP-Initiated Logout 1.0 §2)', async () => {
      const signedIn = await basicSignIn(server, client, user);
      // GenerateJWKsFromClientSecret needs a secret of at least 32 bytes for HS256: Gatehouse's are longer.
      assert.ok(Buffer.byteLength(client.clientSecret!) >= 32, 'the client secret is long enough for the suite to sign with');
      const now = Math.floor(Date.now() / 1000);
      const fake = await new SignJWT({ iss: client.clientId, sub: 'SubjectID', aud: server.issuer, nonce: 'flibble', iat: now, exp: now + 300 })
        .setProtectedHeader({ alg: 'HS256' })
        .sign(Buffer.from(client.clientSecret!));
      const page = await signedIn.browser.navigate(await endSessionUrl(server, { ...endSessionRequest(signedIn, endSessionState()), id_token_hint: fake }));
      assertErrorPage(page, /id_token_hint is not an ID token issued by this server/);
      assert.equal(await stillSignedIn(server, client, signedIn.browser), true, 'a refused request ends nothing');
    });
  });
});
