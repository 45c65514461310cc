// The OpenID Foundation's "Basic OP" certification plan, oidcc-basic-certification-test-plan
// (OIDCCBasicTestPlan; variants: response_type=code, client_secret_basic — client_secret_post for
// oidcc-server-client-secret-post — default response mode, discovery, static client), one test per
// module, each doing over HTTP what the module does and checking what its conditions check. Where
// a module ends in a screenshot (an error page, a second sign-in page), the page is checked here.
// Modules whose behaviour another branch of issue 12 is adding are `todo`: they run, state the
// intended behaviour, and do not fail CI until the lead flips them after the merge.
// Storage follows GATEHOUSE_TEST_DATABASE_URL (SQLite by default, PostgreSQL when set).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { decodeProtectedHeader } from 'jose';
import { ScriptedBrowser } from '../support/browser.js';
import { startGatehouse, type TestClient, type TestServer } from '../support/gatehouse.js';
import {
  assertAuthorizationEndpointError, assertAuthorizationErrorPage, assertTokenEndpointInvalidGrant, authorizationRedirect,
  callTokenEndpoint, callUserInfoEndpoint, configureServer, createAuthorizationRequest, leftHalfHash, missingScopeClaims,
  nonRequestedIdTokenClaims, performAuthorizationFlow, performRedirect, performStandardIdTokenChecks, processCallback, randomValue, requestObjectRedirect,
  shannonEntropy, suiteBaseUrl, suiteRedirectUri, unsignedRequestObject, unsignedRequestObjectsUnsupported,
  userInterfaceErrors, validateUserInfoResponse, type ServerConfiguration,
} from './suite.js';


describe('oidcc-basic-certification-test-plan (OpenID Connect Core 1.0, Basic OP)', () => {
  let server: TestServer;
  let config: ServerConfiguration;
  /** The plan's static client (`client`): client_secret_basic, PKCE not required (the suite sends none). */
  let client: TestClient;
  /** `client_secret_post.client_id` / `client_secret`, for oidcc-server-client-secret-post. */
  let postClient: TestClient;
  /** `client2`, for oidcc-refresh-token. */
  let client2: TestClient;
  let user: { accountId: string; username: string; password: string };

  before(async () => {
    server = await startGatehouse();
    const registration = { redirectUris: [suiteRedirectUri], metadata: { requirePkce: false }, scopes: ['openid', 'profile', 'email', 'address', 'phone', 'offline_access'] };
    client = await server.createClient({ clientName: 'OpenID conformance suite', ...registration });
    postClient = await server.createClient({ clientName: 'OpenID conformance suite (post)', tokenEndpointAuthMethod: 'client_secret_post', ...registration });
    client2 = await server.createClient({ clientName: 'OpenID conformance suite (client2)', ...registration });
    user = await server.createUser({
      name: 'Buffy Summers', email: 'buffy@example.com',
      // Every §5.1 claim the profile, address and phone scopes name, so VerifyScopesReturnedInUserInfoClaims finds them all.
      profile: {
        givenName: 'Buffy', familyName: 'Summers', middleName: 'Anne', nickname: 'Buff', profile: 'https://profiles.example/buffy',
        picture: 'https://profiles.example/buffy.png', website: 'https://buffy.example', gender: 'female', birthdate: '1981-01-19',
        zoneinfo: 'America/Los_Angeles', locale: 'en-US', phoneNumber: '+1 (425) 555-1212', phoneNumberVerified: true,
        address: { formatted: '1630 Revello Drive, Sunnydale, CA 95037, USA', streetAddress: '1630 Revello Drive', locality: 'Sunnydale', region: 'CA', postalCode: '95037', country: 'USA' },
      },
    });
    config = await configureServer(server);
  });
  after(async () => {
    await server.close();
  });

  describe('oidcc-server', () => {
    it('code flow, client_secret_basic: a long random code, a valid signed ID token, UserInfo answers (OIDCCServerTest; OIDC Core §3.1; RFC 6749 §10.10)', async () => {
      const flow = await performAuthorizationFlow(server, config, client, user);
      const claims = flow.idTokenClaims;
      assert.equal(typeof flow.token.body.expires_in, 'number', 'ExtractExpiresInFromTokenEndpointResponse (a warning when absent; RFC 6749 §5.1)');
      // at_hash and c_hash are optional in the token endpoint's ID token, but right when present.
      if (claims.at_hash !== undefined) assert.equal(claims.at_hash, leftHalfHash(flow.token.accessToken), 'ValidateAtHash (OIDC Core §3.3.2.11)');
      if (claims.c_hash !== undefined) assert.equal(claims.c_hash, leftHalfHash(flow.code), 'ValidateCHash (OIDC Core §3.3.2.11)');
      assert.equal(claims.name, undefined, 'EnsureIdTokenDoesNotContainName (a warning; OIDC Core §5.5)');
      assert.deepEqual(nonRequestedIdTokenClaims(claims, flow.request.scope!), [], 'EnsureIdTokenDoesNotContainNonRequestedClaims (a warning)');
    });
  });

  describe('oidcc-response-type-missing', () => {
    it('without response_type redirects back with invalid_request, in the query, with state (OIDCCResponseTypeMissing; RFC 6749 §3.1.1, §4.1.2.1)', async () => {
      const { response_type: _dropped, ...request } = createAuthorizationRequest(client);
      const page = await new ScriptedBrowser().navigate(authorizationRedirect(config, request));
      // The module accepts a redirect with the error, or an error page (a screenshot); Gatehouse redirects.
      const params = assertAuthorizationEndpointError(page.leftTo, client.redirectUri, request.state, server.issuer);
      assert.ok(['unsupported_response_type', 'invalid_request'].includes(params.error!),
        `CheckErrorFromAuthorizationEndpointErrorInvalidRequestOrUnsupportedResponseType: got ${params.error}`);
    });
  });

  describe('oidcc-idtoken-signature', () => {
    // VariantNotApplicable for a static client: the suite runs it in the Dynamic plan. Redone here,
    // since every Gatehouse ID token must meet it.
    it('an ID token of a client that asked for no algorithm has a kid and is RS256 (EnsureIdTokenContainsKid, EnsureIdTokenSignatureIsRS256; OIDC Core §10.1, §3.1.3.7)', async () => {
      const flow = await performAuthorizationFlow(server, config, client, user);
      const header = decodeProtectedHeader(flow.token.idToken);
      assert.equal(typeof header.kid, 'string', 'EnsureIdTokenContainsKid');
      assert.equal(header.alg, 'RS256', 'EnsureIdTokenSignatureIsRS256');
    });
  });

  describe('oidcc-idtoken-unsigned', () => {
    // VariantNotApplicable for a static client (Dynamic plan only); there it skips itself unless
    // discovery lists `none`, which servers need not support.
    it('is skipped: id_token_signing_alg_values_supported does not list none, so no unsigned ID token is ever issued (OIDCCCheckIdTokenSigningAlgValuesSupportedAlgNone; OIDC Core §3.1.3.7)', () => {
      const algs = config.metadata.id_token_signing_alg_values_supported as string[];
      assert.ok(Array.isArray(algs) && algs.length > 0);
      assert.equal(algs.includes('none'), false);
    });
  });

  describe('oidcc-userinfo-get', () => {
    it('GET UserInfo with the Bearer header answers JSON with the ID token\'s sub (OIDCCUserInfoGet; OIDC Core §5.3.1, §5.3.2)', async () => {
      const flow = await performAuthorizationFlow(server, config, client, user);
      validateUserInfoResponse(await callUserInfoEndpoint(config, flow.token.accessToken, 'get'), flow.idTokenClaims);
    });
  });

  describe('oidcc-userinfo-post-header', () => {
    it('POST UserInfo with the Bearer header answers JSON with the ID token\'s sub (OIDCCUserInfoPostHeader; OIDC Core §5.3.1)', async () => {
      const flow = await performAuthorizationFlow(server, config, client, user);
      validateUserInfoResponse(await callUserInfoEndpoint(config, flow.token.accessToken, 'post-header'), flow.idTokenClaims);
    });
  });

  describe('oidcc-userinfo-post-body', () => {
    it('POST UserInfo with access_token in the form body is supported (the module only warns otherwise) (OIDCCUserInfoPostBody; OIDC Core §5.3.1, RFC 6750 §2.2)', async () => {
      const flow = await performAuthorizationFlow(server, config, client, user);
      validateUserInfoResponse(await callUserInfoEndpoint(config, flow.token.accessToken, 'post-body'), flow.idTokenClaims);
    });
  });

  describe('oidcc-ensure-request-without-nonce-succeeds-for-code-flow', () => {
    it('a code flow request with neither nonce nor PKCE still gets a code (OIDCCEnsureRequestWithoutNonceSucceedsForCodeFlow; OIDC Core §3.1.2.1, §15.5.2)', async () => {
      const request = createAuthorizationRequest(client, { nonce: false });
      const outcome = await performRedirect(config, request, user);
      // The module stops at the code: performPostAuthorizationFlow makes no token request.
      processCallback(outcome, client, request, server.issuer);
    });
  });

  describe('oidcc-scope-profile', () => {
    it('scope profile: UserInfo returns the profile claims Gatehouse holds, with their §5.1 types (OIDCCScopeProfile; OIDC Core §5.4)', async () => {
      assert.ok((config.metadata.scopes_supported as string[]).includes('profile'), 'OIDCCCheckScopesSupportedContainScopeTest: the module runs');
      const flow = await performAuthorizationFlow(server, config, client, user, createAuthorizationRequest(client, { scope: 'openid profile' }));
      const userinfo = validateUserInfoResponse(await callUserInfoEndpoint(config, flow.token.accessToken), flow.idTokenClaims);
      assert.equal(userinfo.name, 'Buffy Summers');
      assert.equal(userinfo.preferred_username, user.username);
      assert.equal(typeof userinfo.updated_at, 'number');
    });

    it('scope profile: UserInfo returns every profile claim of §5.4 (VerifyScopesReturnedInUserInfoClaims, a warning; OIDC Core §5.4)', async () => {
      const flow = await performAuthorizationFlow(server, config, client, user, createAuthorizationRequest(client, { scope: 'openid profile' }));
      const userinfo = validateUserInfoResponse(await callUserInfoEndpoint(config, flow.token.accessToken), flow.idTokenClaims);
      assert.deepEqual(missingScopeClaims(userinfo, 'openid profile'), []);
    });
  });

  describe('oidcc-scope-email', () => {
    it('scope email: UserInfo returns email and email_verified, and no name anywhere (OIDCCScopeEmail, VerifyScopesReturnedInUserInfoClaims, EnsureIdTokenDoesNotContainName, EnsureUserInfoDoesNotContainName; OIDC Core §5.4)', async () => {
      const flow = await performAuthorizationFlow(server, config, client, user, createAuthorizationRequest(client, { scope: 'openid email' }));
      const userinfo = validateUserInfoResponse(await callUserInfoEndpoint(config, flow.token.accessToken), flow.idTokenClaims);
      assert.deepEqual(missingScopeClaims(userinfo, 'openid email'), [], 'VerifyScopesReturnedInUserInfoClaims');
      assert.equal(userinfo.email, 'buffy@example.com');
      assert.equal(userinfo.email_verified, true);
      assert.equal(flow.idTokenClaims.name, undefined, 'EnsureIdTokenDoesNotContainName');
      assert.equal(userinfo.name, undefined, 'EnsureUserInfoDoesNotContainName');
    });

    it('scope email with an access token: the email is in UserInfo, not in the ID token (EnsureIdTokenDoesNotContainEmailForScopeEmail, a warning; OIDC Core §5.4)', { todo: 'a warning only: Gatehouse keeps the scope claims in code-flow ID tokens too, which OIDC Core §5.4 allows and relying parties that never call UserInfo (express-openid-connect by default) rely on; a client that wants them in UserInfo only asks with the claims parameter' }, async () => {
      const flow = await performAuthorizationFlow(server, config, client, user, createAuthorizationRequest(client, { scope: 'openid email' }));
      assert.equal(flow.idTokenClaims.email, undefined);
    });
  });

  describe('oidcc-scope-address', () => {
    it('scope address: advertised, and UserInfo returns an address object (OIDCCScopeAddress, OIDCCCheckScopesSupportedContainScopeTest, VerifyScopesReturnedInUserInfoClaims; OIDC Core §5.4, §5.1.1)', async () => {
      // Until then the module skips itself: scopes_supported does not list address.
      assert.ok((config.metadata.scopes_supported as string[]).includes('address'), 'OIDCCCheckScopesSupportedContainScopeTest');
      const flow = await performAuthorizationFlow(server, config, client, user, createAuthorizationRequest(client, { scope: 'openid address' }));
      const userinfo = validateUserInfoResponse(await callUserInfoEndpoint(config, flow.token.accessToken), flow.idTokenClaims);
      assert.deepEqual(missingScopeClaims(userinfo, 'openid address'), []);
    });
  });

  describe('oidcc-scope-phone', () => {
    it('scope phone: advertised, and UserInfo returns phone_number and phone_number_verified (OIDCCScopePhone, OIDCCCheckScopesSupportedContainScopeTest, VerifyScopesReturnedInUserInfoClaims; OIDC Core §5.4)', async () => {
      assert.ok((config.metadata.scopes_supported as string[]).includes('phone'), 'OIDCCCheckScopesSupportedContainScopeTest');
      const flow = await performAuthorizationFlow(server, config, client, user, createAuthorizationRequest(client, { scope: 'openid phone' }));
      const userinfo = validateUserInfoResponse(await callUserInfoEndpoint(config, flow.token.accessToken), flow.idTokenClaims);
      assert.deepEqual(missingScopeClaims(userinfo, 'openid phone'), []);
    });
  });

  describe('oidcc-scope-all', () => {
    it('scopes address, email, phone and profile together: all advertised and all their claims in UserInfo (OIDCCScopeAll; OIDC Core §5.4)', async () => {
      const scope = 'openid email phone address profile';
      for (const s of scope.split(' ')) assert.ok((config.metadata.scopes_supported as string[]).includes(s), `OIDCCCheckScopesSupportedContainScopeTest: ${s}`);
      const flow = await performAuthorizationFlow(server, config, client, user, createAuthorizationRequest(client, { scope }));
      const userinfo = validateUserInfoResponse(await callUserInfoEndpoint(config, flow.token.accessToken), flow.idTokenClaims);
      assert.deepEqual(missingScopeClaims(userinfo, scope), []);
    });
  });

  describe('oidcc-alternate-happy-flow', () => {
    it('scope order reversed and the parameters sent in another order still work (OIDCCAlternateHappyFlow, ReverseScopeOrderInAuthorizationEndpointRequest; RFC 6749 §3.3)', async () => {
      const request = createAuthorizationRequest(client, { scope: 'email openid' });
      const flow = await performAuthorizationFlow(server, config, client, user, request, { reordered: true });
      const userinfo = validateUserInfoResponse(await callUserInfoEndpoint(config, flow.token.accessToken), flow.idTokenClaims);
      assert.deepEqual(missingScopeClaims(userinfo, 'email openid'), [], 'VerifyScopesReturnedInUserInfoClaims');
      assert.equal(userinfo.name, undefined, 'EnsureUserInfoDoesNotContainName');
    });
  });

  for (const display of ['page', 'popup'] as const) {
    describe(`oidcc-display-${display}`, () => {
      it(`display=${display} causes no error: the sign-in page, then a code (OIDCCDisplay${display === 'page' ? 'Page' : 'Popup'}; OIDC Core §3.1.2.1, §15.1)`, async () => {
        const flow = await performAuthorizationFlow(server, config, client, user, { ...createAuthorizationRequest(client), display });
        assert.equal(flow.outcome.loginPages, 1, 'a normal sign-in page is shown (the screenshot)');
      });
    });
  }

  describe('oidcc-prompt-login', () => {
    it('prompt=login asks for the password again although signed in, and the second auth_time is later (OIDCCPromptLogin, ExpectSecondLoginPage, CheckSecondIdTokenAuthTimeIsLaterIfPresent; OIDC Core §3.1.2.1)', async () => {
      const first = await performAuthorizationFlow(server, config, client, user);
      server.clock.advance(1); // WaitForOneSecond, on Gatehouse's clock
      const second = await performAuthorizationFlow(server, config, client, user, { ...createAuthorizationRequest(client), prompt: 'login' }, { browser: first.browser });
      assert.equal(second.outcome.loginPages, 1, 'ExpectSecondLoginPage: the sign-in page is shown again');
      assert.equal(typeof first.idTokenClaims.auth_time, 'number');
      assert.ok((second.idTokenClaims.auth_time as number) > (first.idTokenClaims.auth_time as number), 'CheckSecondIdTokenAuthTimeIsLaterIfPresent');
    });
  });

  describe('oidcc-prompt-none-not-logged-in', () => {
    it('prompt=none without a session redirects back with an error that needs a user interface, the 128-character state intact (OIDCCPromptNoneNotLoggedIn; OIDC Core §3.1.2.6)', async () => {
      const request: Record<string, string> = { ...createAuthorizationRequest(client, { stateLength: 128 }), prompt: 'none' };
      const page = await new ScriptedBrowser().navigate(authorizationRedirect(config, request));
      const params = assertAuthorizationEndpointError(page.leftTo, client.redirectUri, request.state, server.issuer);
      assert.ok(userInterfaceErrors.includes(params.error!), `CheckErrorFromAuthorizationEndpointIsOneThatRequiredAUserInterface: got ${params.error}`);
    });
  });

  describe('oidcc-prompt-none-logged-in', () => {
    it('prompt=none with a session returns a code at once, same sub and auth_time (OIDCCPromptNoneLoggedIn, CheckIdTokenAuthTimeClaimsSameIfPresent, CheckIdTokenSubConsistentForSecondAuthorization; OIDC Core §3.1.2.1)', async () => {
      const first = await performAuthorizationFlow(server, config, client, user);
      const second = await performAuthorizationFlow(server, config, client, user, { ...createAuthorizationRequest(client), prompt: 'none' }, { browser: first.browser });
      assert.equal(second.outcome.loginPages + second.outcome.consentPages, 0, 'no page shown');
      assert.equal(second.idTokenClaims.auth_time, first.idTokenClaims.auth_time, 'CheckIdTokenAuthTimeClaimsSameIfPresent');
      assert.equal(second.idTokenClaims.sub, first.idTokenClaims.sub, 'CheckIdTokenSubConsistentForSecondAuthorization');
    });
  });

  describe('oidcc-max-age-1', () => {
    it('max_age=1 two seconds after signing in asks for the password again; the new auth_time is present, later and recent (OIDCCMaxAge1, CheckIdTokenAuthTimeClaimPresentDueToMaxAge, CheckSecondIdTokenAuthTimeIsLaterIfPresent, CheckIdTokenAuthTimeIsRecentIfPresent; OIDC Core §3.1.2.1)', async () => {
      const first = await performAuthorizationFlow(server, config, client, user);
      server.clock.advance(2); // WaitFor2Seconds, on Gatehouse's clock
      const second = await performAuthorizationFlow(server, config, client, user, { ...createAuthorizationRequest(client), max_age: '1' }, { browser: first.browser });
      assert.equal(second.outcome.loginPages, 1, 'ExpectSecondLoginPage');
      const authTime = second.idTokenClaims.auth_time as number;
      assert.equal(typeof authTime, 'number', 'CheckIdTokenAuthTimeClaimPresentDueToMaxAge');
      assert.ok(authTime > (first.idTokenClaims.auth_time as number), 'CheckSecondIdTokenAuthTimeIsLaterIfPresent');
      assert.ok(authTime >= server.clock() - 1, 'CheckIdTokenAuthTimeIsRecentIfPresent');
    });
  });

  describe('oidcc-max-age-10000', () => {
    it('max_age=15000 then max_age=10000: auth_time in both, no second sign-in, same auth_time and sub (OIDCCMaxAge10000; OIDC Core §3.1.2.1, §2)', async () => {
      const first = await performAuthorizationFlow(server, config, client, user, { ...createAuthorizationRequest(client), max_age: '15000' });
      assert.equal(typeof first.idTokenClaims.auth_time, 'number', 'CheckIdTokenAuthTimeClaimPresentDueToMaxAge (first)');
      const second = await performAuthorizationFlow(server, config, client, user, { ...createAuthorizationRequest(client), max_age: '10000' }, { browser: first.browser });
      assert.equal(second.outcome.loginPages, 0, 'no second sign-in');
      assert.equal(typeof second.idTokenClaims.auth_time, 'number', 'CheckIdTokenAuthTimeClaimPresentDueToMaxAge (second)');
      assert.equal(second.idTokenClaims.auth_time, first.idTokenClaims.auth_time, 'CheckIdTokenAuthTimeClaimsSameIfPresent');
      assert.equal(second.idTokenClaims.sub, first.idTokenClaims.sub, 'CheckIdTokenSubConsistentForSecondAuthorization');
    });
  });

  describe('oidcc-ensure-request-with-unknown-parameter-succeeds', () => {
    it('an unknown parameter extra=foobar is ignored (OIDCCEnsureRequestWithUnknownParameterSucceeds, AddExtraFoobarToAuthorizationEndpointRequest; RFC 6749 §3.1)', async () => {
      await performAuthorizationFlow(server, config, client, user, { ...createAuthorizationRequest(client), extra: 'foobar' });
    });
  });

  describe('oidcc-id-token-hint', () => {
    it('prompt=none with the first ID token as id_token_hint returns at once, same sub and auth_time (OIDCCIdTokenHint; OIDC Core §3.1.2.1, §3.1.2.2)', async () => {
      const first = await performAuthorizationFlow(server, config, client, user);
      const request = { ...createAuthorizationRequest(client), prompt: 'none', id_token_hint: first.token.idToken };
      const second = await performAuthorizationFlow(server, config, client, user, request, { browser: first.browser });
      assert.equal(second.outcome.loginPages + second.outcome.consentPages, 0, 'no interaction');
      assert.equal(second.idTokenClaims.auth_time, first.idTokenClaims.auth_time, 'CheckIdTokenAuthTimeClaimsSameIfPresent');
      assert.equal(second.idTokenClaims.sub, first.idTokenClaims.sub, 'CheckIdTokenSubConsistentForSecondAuthorization');
    });
  });

  describe('oidcc-login-hint', () => {
    it('login_hint=buffy@<issuer host> causes no error (OIDCCLoginHint, AddLoginHintFromConfigurationToAuthorizationEndpointRequest; OIDC Core §3.1.2.1)', async () => {
      const loginHint = `buffy@${new URL(server.issuer).hostname}`;
      const flow = await performAuthorizationFlow(server, config, client, user, { ...createAuthorizationRequest(client), login_hint: loginHint });
      assert.equal(flow.outcome.loginPages, 1, 'a fresh sign-in page');
    });
  });

  describe('oidcc-ui-locales', () => {
    it('ui_locales=se causes no error (OIDCCUiLocales, AddUiLocalesFromConfigurationToAuthorizationEndpointRequest; OIDC Core §3.1.2.1)', async () => {
      const flow = await performAuthorizationFlow(server, config, client, user, { ...createAuthorizationRequest(client), ui_locales: 'se' });
      assert.equal(flow.outcome.loginPages, 1, 'the sign-in page (in a supported language: Gatehouse has no Sami, so English)');
    });
  });

  describe('oidcc-claims-locales', () => {
    it('claims_locales=se causes no error (OIDCCClaimsLocales; OIDC Core §5.2, §15.1)', async () => {
      await performAuthorizationFlow(server, config, client, user, { ...createAuthorizationRequest(client), claims_locales: 'se' });
    });
  });

  describe('oidcc-ensure-request-with-acr-values-succeeds', () => {
    it('acr_values "1 2" (no acr_values_supported advertised) causes no error; Gatehouse returns no acr, which the module only warns about (OIDCCEnsureRequestWithAcrValuesSucceeds, ValidateIdTokenACRClaimAgainstAcrValuesRequest; OIDC Core §3.1.2.1, §15.1)', async () => {
      assert.equal(config.metadata.acr_values_supported, undefined, 'so OIDCCAddAcrValuesToAuthorizationEndpointRequest sends "1 2"');
      const flow = await performAuthorizationFlow(server, config, client, user, { ...createAuthorizationRequest(client), acr_values: '1 2' });
      // Gatehouse has no authentication context classes: acr is voluntary (§3.1.2.1), and none is claimed.
      assert.equal(flow.idTokenClaims.acr, undefined);
    });
  });

  describe('oidcc-codereuse', () => {
    it('a code used twice at once is refused with invalid_grant (OIDCCAuthCodeReuse, AbstractOIDCCAuthCodeReuse; OIDC Core §3.1.3.4, RFC 6749 §4.1.2, §5.2)', async () => {
      const flow = await performAuthorizationFlow(server, config, client, user);
      const again = await callTokenEndpoint(config, client, { grant_type: 'authorization_code', code: flow.code, redirect_uri: client.redirectUri });
      assertTokenEndpointInvalidGrant(again);
    });
  });

  describe('oidcc-codereuse-30seconds', () => {
    it('a code used again 30 s later is refused with invalid_grant, and the access token it gave is revoked (OIDCCAuthCodeReuseAfter30Seconds, EnsureHttpStatusCodeIs4xx; RFC 6749 §4.1.2, RFC 6750 §3.1)', async () => {
      const flow = await performAuthorizationFlow(server, config, client, user);
      server.clock.advance(30); // WaitFor30Seconds, on Gatehouse's clock
      const again = await callTokenEndpoint(config, client, { grant_type: 'authorization_code', code: flow.code, redirect_uri: client.redirectUri });
      assertTokenEndpointInvalidGrant(again);
      const resource = await callUserInfoEndpoint(config, flow.token.accessToken);
      assert.equal(resource.status, 401, 'the access token was revoked (the module only warns if it still works)');
    });
  });

  describe('oidcc-ensure-registered-redirect-uri', () => {
    it('an unregistered redirect_uri (<base>/callback/<random>) gets an error page and never a redirect (OIDCCEnsureRegisteredRedirectUri, CreateBadRedirectUriByAppending, ExpectRedirectUriErrorPage; OIDC Core §3.1.2.1, RFC 6749 §4.1.2.1)', async () => {
      const request = { ...createAuthorizationRequest(client), redirect_uri: `${suiteBaseUrl}/callback/${randomValue(10)}` };
      const page = await new ScriptedBrowser().navigate(authorizationRedirect(config, request));
      assertAuthorizationErrorPage(page, /redirect_uri is not registered for this client/);
    });
  });

  describe('oidcc-ensure-post-request-succeeds', () => {
    it('the authorization request as a POST form works like the GET (OIDCCEnsurePostRequestSucceeds, ExpectRedirectUriHasBeenCalled; OIDC Core §3.1.2.1)', async () => {
      const flow = await performAuthorizationFlow(server, config, client, user, createAuthorizationRequest(client), { method: 'POST' });
      assert.equal(flow.outcome.loginPages, 1);
    });
  });

  describe('oidcc-server-client-secret-post', () => {
    it('the happy flow with a client_secret_post client (OIDCCServerTestClientSecretPost, AddFormBasedClientSecretToRequest; OIDC Core §9, RFC 6749 §2.3.1)', async () => {
      const postConfig = await configureServer(server, 'client_secret_post');
      await performAuthorizationFlow(server, postConfig, postClient, user, createAuthorizationRequest(postClient), { auth: 'client_secret_post' });
    });
  });

  describe('oidcc-request-uri-unsigned-supported-correctly-or-rejected-as-unsupported', () => {
    // VariantNotApplicable for a static client (the Dynamic plan runs it); redone for the outcome
    // Gatehouse gives either way.
    it('an unsigned request_uri is refused with request_uri_not_supported, or the module skips because none is not offered (OIDCCRequestUriUnsignedSupportedCorrectlyOrRejectedAsUnsupported; OIDC Core §6.2, §3.1.2.6)', async () => {
      if (unsignedRequestObjectsUnsupported(config)) return; // skipTestIfNoneUnsupported
      // The suite would host unsignedRequestObject(request) at this request_uri; Gatehouse never fetches it.
      const request = createAuthorizationRequest(client);
      const url = requestObjectRedirect(config, request, request, { request_uri: `${suiteBaseUrl}/requesturi/${randomValue(10)}` });
      const page = await new ScriptedBrowser().navigate(url);
      const params = assertAuthorizationEndpointError(page.leftTo, client.redirectUri, undefined, server.issuer);
      assert.equal(params.error, 'request_uri_not_supported', 'the error that makes the module skip (request_uri is optional)');
    });
  });

  describe('oidcc-unsigned-request-object-supported-correctly-or-rejected-as-unsupported', () => {
    it('an unsigned request object is refused with request_not_supported, or the module skips because none is not offered (OIDCCUnsignedRequestObjectSupportedCorrectlyOrRejectedAsUnsupported; OIDC Core §6.1, §3.1.2.6)', async () => {
      if (unsignedRequestObjectsUnsupported(config)) return; // skipTestIfNoneUnsupported
      const request = createAuthorizationRequest(client);
      const page = await new ScriptedBrowser().navigate(requestObjectRedirect(config, request, request, { request: unsignedRequestObject(request) }));
      // state travelled only inside the object: the module does not expect it back.
      const params = assertAuthorizationEndpointError(page.leftTo, client.redirectUri, undefined, server.issuer);
      assert.equal(params.error, 'request_not_supported', 'the error that makes the module skip (request objects are optional)');
    });
  });

  describe('oidcc-claims-essential', () => {
    it('claims={"userinfo":{"name":{"essential":true}}} causes no error (OIDCCClaimsEssential, AddUserInfoEssentialNameClaimToAuthorizationEndpointRequest; OIDC Core §5.5)', async () => {
      const claims = JSON.stringify({ userinfo: { name: { essential: true } } });
      const flow = await performAuthorizationFlow(server, config, client, user, { ...createAuthorizationRequest(client), claims });
      validateUserInfoResponse(await callUserInfoEndpoint(config, flow.token.accessToken), flow.idTokenClaims);
    });

    it('the essential name comes back in UserInfo, and not in the ID token (EnsureUserInfoContainsName, EnsureIdTokenDoesNotContainName, warnings; OIDC Core §5.5, §5.5.1)', async () => {
      const claims = JSON.stringify({ userinfo: { name: { essential: true } } });
      const flow = await performAuthorizationFlow(server, config, client, user, { ...createAuthorizationRequest(client), claims });
      const userinfo = validateUserInfoResponse(await callUserInfoEndpoint(config, flow.token.accessToken), flow.idTokenClaims);
      assert.equal(userinfo.name, 'Buffy Summers', 'EnsureUserInfoContainsName');
      assert.equal(flow.idTokenClaims.name, undefined, 'EnsureIdTokenDoesNotContainName');
    });
  });

  describe('oidcc-ensure-request-object-with-redirect-uri', () => {
    it('a request object naming the registered redirect_uri, with an unregistered one outside it: an error page, never the registered URI with request_not_supported (OIDCCEnsureRequestObjectWithRedirectUri, EnsureOPDoesNotUseDefaultRedirectUriInCaseOfInvalidRedirectUri; OIDC Core §6.1)', async () => {
      if (unsignedRequestObjectsUnsupported(config)) return; // skipTestIfNoneUnsupported
      const request = createAuthorizationRequest(client);
      const outside = { ...request, redirect_uri: `${suiteRedirectUri}_invalid` }; // AddInvalidRedirectUriToAuthorizationRequest: path("_invalid") appended
      const page = await new ScriptedBrowser().navigate(requestObjectRedirect(config, request, outside, { request: unsignedRequestObject(request) }));
      assertAuthorizationErrorPage(page, /redirect_uri is not registered for this client/);
    });
  });

  describe('oidcc-refresh-token', () => {
    it('offline_access gives each client a refresh token that works, rotates, keeps iss/sub/aud/auth_time, and is refused to the other client (OIDCCRefreshToken, RefreshTokenRequestSteps, RefreshTokenRequestExpectingErrorSteps; OIDC Core §11, §12; RFC 6749 §6)', async () => {
      assert.ok((config.metadata.scopes_supported as string[]).includes('offline_access'), 'SetScopeInClientConfigurationToOpenIdOfflineAccessIfServerSupportsOfflineAccess');
      assert.ok((config.metadata.grant_types_supported as string[]).includes('refresh_token'), 'EnsureServerConfigurationSupportsRefreshToken (a warning; OIDC Discovery §3)');
      const refreshed: Record<string, string> = {};
      for (const [label, current] of [['client', client], ['client2', client2]] as const) {
        // AddPromptConsentToAuthorizationEndpointRequestIfScopeContainsOfflineAccess (OIDC Core §11); client2's nonce is 43 characters.
        const request: Record<string, string> = { ...createAuthorizationRequest(current, { scope: 'openid offline_access', nonceLength: label === 'client2' ? 43 : 10 }), prompt: 'consent' };
        const flow = await performAuthorizationFlow(server, config, current, user, request);
        const refreshToken = flow.token.body.refresh_token;
        assert.equal(typeof refreshToken, 'string', 'ExtractRefreshTokenFromTokenResponse');
        assert.match(refreshToken as string, /^[\x20-\x7E]+$/, 'EnsureRefreshTokenContainsAllowedCharactersOnly (RFC 6749 Appendix A.17)');
        server.clock.advance(1); // WaitForOneSecond
        const form: Record<string, string> = { grant_type: 'refresh_token', refresh_token: refreshToken as string };
        if (label === 'client') form.scope = request.scope!; // AddScopeToTokenEndpointRequest (first client only)
        const response = await callTokenEndpoint(config, current, form);
        assert.equal(response.status, 200, `CheckTokenEndpointHttpStatus200: ${JSON.stringify(response.body)}`);
        assert.match(response.headers.get('content-type') ?? '', /^application\/json/, 'CheckTokenEndpointReturnedJsonContentType');
        assert.ok((response.headers.get('cache-control') ?? '').split(',').map((v) => v.trim()).includes('no-store'), 'CheckTokenEndpointCacheHeaders (RFC 6749 §5.1)');
        const accessToken = response.body.access_token as string;
        assert.equal(typeof accessToken, 'string', 'ExtractAccessTokenFromTokenResponse');
        assert.equal(String(response.body.token_type).toLowerCase(), 'bearer', 'CheckTokenTypeIsBearer');
        assert.ok(shannonEntropy(accessToken) > 96, 'EnsureMinimumAccessTokenEntropy');
        assert.match(accessToken, /^[\x20-\x7E]+$/, 'EnsureAccessTokenContainsAllowedCharactersOnly (RFC 6749 Appendix A.12)');
        assert.ok(Number.isInteger(response.body.expires_in) && (response.body.expires_in as number) > 0, 'ExtractExpiresInFromTokenEndpointResponse, ValidateExpiresIn');
        const newRefreshToken = response.body.refresh_token as string | undefined;
        if (newRefreshToken !== undefined) {
          assert.ok(Buffer.byteLength(newRefreshToken) * 8 >= 128 && shannonEntropy(newRefreshToken) > 96, 'EnsureMinimumRefreshTokenLength, …Entropy (RFC 6749 §10.10)');
        }
        if (typeof response.body.id_token === 'string') {
          // CompareIdTokenClaims (OIDC Core §12.2).
          // The refreshed ID token gets the standard checks with no nonce (OIDC Core §12.2).
          const second = await performStandardIdTokenChecks(response.body.id_token, config, current, undefined);
          const first = flow.idTokenClaims;
          assert.equal(second.iss, first.iss, 'CompareIdTokenClaims: iss');
          assert.equal(second.sub, first.sub, 'CompareIdTokenClaims: sub');
          assert.notEqual(second.iat, first.iat, 'CompareIdTokenClaims: iat is the new issue time');
          assert.deepEqual(second.aud, first.aud, 'CompareIdTokenClaims: aud');
          if (second.auth_time !== undefined) assert.equal(second.auth_time, first.auth_time, 'CompareIdTokenClaims: auth_time');
          assert.equal(second.azp, first.azp, 'CompareIdTokenClaims: azp');
        }
        assert.equal((await callUserInfoEndpoint(config, accessToken)).status, 200, 'CallProtectedResource with the refreshed access token');
        refreshed[label] = newRefreshToken ?? (refreshToken as string);
      }
      // performSecondClientTests: client2's refresh token presented by client 1.
      const stolen = await callTokenEndpoint(config, client, { grant_type: 'refresh_token', refresh_token: refreshed.client2!, scope: 'openid offline_access' });
      assertTokenEndpointInvalidGrant(stolen);
    });
  });

  describe('oidcc-ensure-request-with-valid-pkce-succeeds', () => {
    it('a valid S256 PKCE pair works (OIDCCEnsureRequestWithValidPkceSucceeds, SetupPkceAndAddToAuthorizationRequest, AddCodeVerifierToTokenEndpointRequest; RFC 7636 §4.3, §4.5)', async () => {
      const codeVerifier = randomBytes(32).toString('base64url');
      const codeChallenge = createHash('sha256').update(codeVerifier).digest('base64url');
      const request = { ...createAuthorizationRequest(client), code_challenge: codeChallenge, code_challenge_method: 'S256' };
      await performAuthorizationFlow(server, config, client, user, request, { codeVerifier });
    });
  });
});
