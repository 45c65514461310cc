// The authorization code flow as a relying party runs it with openid-client v6 (PKCE, state,
// nonce, client_secret_basic), with a scripted browser signing in and approving consent.
import assert from 'node:assert/strict';
import * as oidc from 'openid-client';
import { ScriptedBrowser } from './browser.js';

export interface FlowClient {
  clientId: string;
  clientSecret: string | undefined;
  redirectUri: string;
}

export interface FlowResult {
  config: oidc.Configuration;
  tokens: oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers;
  browser: ScriptedBrowser;
  callback: URL;
  code: string;
}

/** Steps 1-6 for a discovered client: authorize, log in and approve when asked, exchange the code. */
export async function codeFlowLogin(config: oidc.Configuration, redirectUri: string, user: { username: string; password: string },
  browser = new ScriptedBrowser(),
  /** How the authorization URL is built from its parameters, e.g. as a request object (oidc.buildAuthorizationUrlWithJAR). */
  authorizationUrl: (parameters: Record<string, string>) => URL | Promise<URL> = (parameters) => oidc.buildAuthorizationUrl(config, parameters),
): Promise<FlowResult> {
  const codeVerifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const url = await authorizationUrl({
    redirect_uri: redirectUri, scope: 'openid profile email offline_access', state, nonce,
    code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier), code_challenge_method: 'S256',
  });
  // Steps 1-3: redirect to Gatehouse, log in, approve; the browser is sent back with a code.
  let page = await browser.navigate(url.toString());
  if (page.body.includes('name="password"')) page = await browser.submitForm(page, { username: user.username, password: user.password });
  if (page.body.includes('name="decision"')) page = await browser.submitForm(page, { decision: 'approve' });
  assert.ok(page.leftTo, `expected a redirect to the client, got ${page.status} ${page.body.slice(0, 200)}`);
  // Steps 4-6: the Client-Server exchanges the code with its secret.
  const callback = new URL(page.leftTo);
  const tokens = await oidc.authorizationCodeGrant(config, callback, {
    pkceCodeVerifier: codeVerifier, expectedState: state, expectedNonce: nonce, idTokenExpected: true,
  });
  return { config, tokens, browser, callback, code: callback.searchParams.get('code')! };
}

/** Discovery with client_secret_basic, then the whole flow. */
export async function openidClientCodeFlow(issuer: string, client: FlowClient, user: { username: string; password: string }): Promise<FlowResult> {
  const config = await oidc.discovery(new URL(issuer), client.clientId, undefined, oidc.ClientSecretBasic(client.clientSecret!),
    { execute: [oidc.allowInsecureRequests] });
  return codeFlowLogin(config, client.redirectUri, user);
}
