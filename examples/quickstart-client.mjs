// A relying party in one file (openid-client v6): the authorization code flow with PKCE, state
// and nonce against Gatehouse. Run it, open the URL it prints, sign in; it prints who signed in.
//   ISSUER=http://localhost:3000 CLIENT_ID=… CLIENT_SECRET=… node examples/quickstart-client.mjs
import { createServer } from 'node:http';
import * as oidc from 'openid-client';

const issuer = new URL(process.env.ISSUER ?? 'http://localhost:3000');
const redirectUri = new URL(process.env.REDIRECT_URI ?? 'http://localhost:8080/callback');
const { CLIENT_ID: clientId, CLIENT_SECRET: clientSecret } = process.env;

// The client registered client_secret_basic, and Gatehouse accepts only the registered method.
const config = await oidc.discovery(issuer, clientId, undefined, oidc.ClientSecretBasic(clientSecret),
  { execute: [oidc.allowInsecureRequests] }); // http only for local tries
const verifier = oidc.randomPKCECodeVerifier();
const state = oidc.randomState(), nonce = oidc.randomNonce();
const url = oidc.buildAuthorizationUrl(config, {
  redirect_uri: redirectUri.href, scope: 'openid profile email offline_access',
  code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', state, nonce,
});
console.log(`Open in a browser and sign in: ${url.href}`);

// The callback: openid-client checks state, iss, the PKCE verifier and the ID token's nonce.
const callbacks = createServer(async (request, response) => {
  const callbackUrl = new URL(request.url, redirectUri);
  if (callbackUrl.pathname !== redirectUri.pathname) return response.writeHead(404).end();
  try {
    const tokens = await oidc.authorizationCodeGrant(config, callbackUrl,
      { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce });
    const claims = tokens.claims();
    const profile = await oidc.fetchUserInfo(config, tokens.access_token, claims.sub);
    response.end(`Signed in as ${profile.preferred_username}. You can close this page.\n`);
    console.log(JSON.stringify({ sub: claims.sub, username: profile.preferred_username, email: profile.email,
      scope: tokens.scope, refreshToken: tokens.refresh_token !== undefined }));
  } catch (error) {
    response.writeHead(400).end('Sign-in failed; see the terminal.\n');
    console.error(`sign-in failed: ${error.message}`);
    process.exitCode = 1;
  }
  callbacks.close();
});
callbacks.listen(Number(redirectUri.port || 80), redirectUri.hostname);
