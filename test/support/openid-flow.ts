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
  callback: URL;
  code: string;
}

export async function openidClientCodeFlow(issuer: string, client: FlowClient, user: { username: string; password: string }): Promise<FlowResult> {
  const config = await oidc.discovery(new URL(issuer), client.clientId, undefined, oidc.ClientSecretBasic(client.clientSecret!),
    { execute: [oidc.allowInsecureRequests] });
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: client.redirectUri, scope: 'openid profile email offline_access', state, nonce,
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
  });
  const browser = new ScriptedBrowser();
  let page = await browser.navigate(url.toString());
  page = await browser.submitForm(page, { username: user.username, password: user.password });
  if (!page.leftTo) page = await browser.submitForm(page, { decision: 'approve' });
  assert.ok(page.leftTo, `sent back to the client (last page: ${page.status} ${page.body.slice(0, 200)})`);
  const callback = new URL(page.leftTo);
  const tokens = await oidc.authorizationCodeGrant(config, callback, {
    pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce, idTokenExpected: true,
  });
  return { config, tokens, callback, code: callback.searchParams.get('code')! };
}
